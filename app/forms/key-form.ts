/** The API key create form (keys.create input, without the user id). */
import { z } from "zod";
import { checkbox, nullableDateTime, nullableText, requiredText } from "./form-data.ts";
import { limitFormFields } from "./limit-fields.ts";

export const CACHE_TTL_PREFERENCES = ["inherit", "5m", "1h"] as const;

export const keyFormSchema = z.object({
  name: requiredText(100),
  expiresAt: nullableDateTime(),
  canLoginWebUi: checkbox(),
  providerGroup: nullableText(500),
  cacheTtlPreference: z.enum(CACHE_TTL_PREFERENCES).default("inherit"),
  ...limitFormFields,
});

export type KeyFormValues = z.output<typeof keyFormSchema>;
