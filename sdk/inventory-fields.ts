/**
 * The fields an inventory entry has besides its resource's own inputs (Pulumi resource options and
 * references), and the rules for resource names.
 */
import { z } from "zod";

export const RESOURCE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const RESOURCE_NAME_RULE =
  "1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit, such as support-bangalore";

export const resourceName = z
  .string()
  .regex(RESOURCE_NAME_PATTERN, { error: `is not a resource name; allowed: ${RESOURCE_NAME_RULE}` })
  .meta({
    description:
      "The Pulumi resource name of the entry (part of its URN: when renaming an entry, list the old name in previousNames, or the number is released and another rented).",
  });

/** Pulumi resource options an entry may set; passed through unchanged. */
export const resourceOptionFields = {
  protect: z.boolean().optional().meta({
    description: "Pulumi `protect`: refuse to delete (release) this resource until the flag is removed.",
  }),
  retainOnDelete: z.boolean().optional().meta({
    description:
      "Pulumi `retainOnDelete`: removing the entry drops it from the stack but keeps the number rented.",
  }),
  previousNames: z.array(resourceName).optional().meta({
    description:
      "Names this entry had before (Pulumi aliases): renaming an entry and listing its old name here keeps the number instead of releasing it and renting another.",
  }),
};
export const RESOURCE_OPTION_KEYS = Object.keys(
  resourceOptionFields,
) as (keyof typeof resourceOptionFields)[];
