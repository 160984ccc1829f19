/** The user create/edit form (users.create / users.update input). */
import { z } from "zod";
import { checkbox, list, nullableDateTime, nullableText, optionalText, requiredText } from "./form-data.ts";
import { limitFormFields } from "./limit-fields.ts";
import { userAccessFields } from "./access-lists.ts";

export const userFormSchema = z.object({
  name: requiredText(100),
  description: optionalText(500),
  role: z.enum(["admin", "user"]),
  isEnabled: checkbox(),
  providerGroup: nullableText(500),
  tags: list(50, 50),
  expiresAt: nullableDateTime(),
  ...userAccessFields,
  ...limitFormFields,
});

export type UserFormValues = z.output<typeof userFormSchema>;
