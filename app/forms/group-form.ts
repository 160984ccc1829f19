/** The provider group create/edit form (groups.create / groups.update input). */
import { z } from "zod";
import { msg, optionalText, requiredNumber, requiredText } from "./form-data.ts";

export const groupFormSchema = z.object({
  // Group lists are split on commas and line breaks, so a name cannot hold them.
  name: requiredText(100).refine((v) => !/[,，\n\r]/.test(v), msg("form.groupName")),
  costMultiplier: requiredNumber({ min: 0, max: 1000 }),
  description: optionalText(500),
});
