/**
 * The shape of an inventory file (`numbers.yaml`), built from the providers' own input schemas so a
 * field is declared, named and validated in exactly one place. This module is also the source of the
 * published JSON Schema (`schema/numbers.schema.json`, written by `scripts/gen-schema.ts`).
 *
 * ```yaml
 * exotel:
 *   support-bangalore: { region: KA, voiceUrl: https://my.exotel.com/acme/exoml/start_voice/2001 }
 * plivo:
 *   us-callbacks: { countryIso: US, quantity: 3, alias: callbacks }
 * apifonica:
 *   applications:
 *     uk-ivr: { controller: https://ivr.example.com/voice, method: POST }
 *   numbers:
 *     uk-line: { countryCode: GB, type: local, callApp: uk-ivr }
 * ```
 *
 * Entries are keyed by their Pulumi resource name (a mapping, not a list with a `name` field, because
 * Apifonica numbers and applications already have a vendor-side `name` field).
 */
import { z } from "zod";
import { apifonicaApplicationInputs } from "../provider/apifonica/application.js";
import { apifonicaNumberInputs } from "../provider/apifonica/number.js";
import { exoPhoneInputs } from "../provider/exotel/exophone.js";
import { plivoNumberOrderInputs } from "../provider/plivo/number-order.js";

/** Version of the file format; bump it only with a migration. */
export const INVENTORY_FORMAT = 1;

export const RESOURCE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const RESOURCE_NAME_RULE =
  "1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit, such as support-bangalore";

export const resourceName = z
  .string()
  .regex(RESOURCE_NAME_PATTERN, { error: `is not a resource name; allowed: ${RESOURCE_NAME_RULE}` })
  .meta({ description: "The Pulumi resource name of the entry (part of its URN; renaming it replaces it)." });

/** Pulumi resource options an entry may set; passed through unchanged. */
export const resourceOptionFields = {
  protect: z.boolean().optional().meta({
    description: "Pulumi `protect`: refuse to delete (release) this resource until the flag is removed.",
  }),
  retainOnDelete: z.boolean().optional().meta({
    description:
      "Pulumi `retainOnDelete`: removing the entry drops it from the stack but keeps the number rented.",
  }),
};
export const RESOURCE_OPTION_KEYS = Object.keys(
  resourceOptionFields,
) as (keyof typeof resourceOptionFields)[];

/** References from an Apifonica number to an application of the same file, by resource name. */
export const appReferenceFields = {
  callApp: resourceName.optional().meta({
    description:
      "Name of an entry under apifonica.applications; its applicationSid becomes the number's callAppSid.",
  }),
  msgApp: resourceName.optional().meta({
    description:
      "Name of an entry under apifonica.applications; its applicationSid becomes the number's msgAppSid.",
  }),
};
export const APP_REFERENCE_KEYS = Object.keys(appReferenceFields) as (keyof typeof appReferenceFields)[];

export const exotelEntry = exoPhoneInputs.extend(resourceOptionFields).meta({
  description:
    "An ExoPhone: an exact phoneNumber (with adopt: true to take over a held one) or search criteria.",
});
export const plivoEntry = plivoNumberOrderInputs.extend(resourceOptionFields).meta({
  description:
    "A PlivoNumberOrder: search criteria with quantity, exact numbers (adopt: true to take over), or a groupId.",
});
export const apifonicaApplicationEntry = apifonicaApplicationInputs.extend(resourceOptionFields).meta({
  description: "An ApifonicaApplication: the controller URL numbers link to.",
});
export const apifonicaNumberEntry = apifonicaNumberInputs
  .extend({ ...resourceOptionFields, ...appReferenceFields })
  .meta({
    description:
      "An ApifonicaNumber: an exact number (with adopt: true to take over a held one) or countryCode with search criteria.",
  });

const section = <T extends z.ZodType>(entry: T, what: string) =>
  z
    .record(resourceName, entry)
    .optional()
    .meta({ description: `${what}, keyed by resource name.` });

/** The whole file. */
export const inventorySchema = z
  .strictObject({
    exotel: section(exotelEntry, "Exotel numbers (ExoPhone)"),
    plivo: section(plivoEntry, "Plivo number orders (PlivoNumberOrder)"),
    apifonica: z
      .strictObject({
        applications: section(apifonicaApplicationEntry, "Apifonica applications (ApifonicaApplication)"),
        numbers: section(apifonicaNumberEntry, "Apifonica numbers (ApifonicaNumber)"),
      })
      .optional()
      .meta({ description: "Apifonica applications and numbers." }),
  })
  .meta({
    title: "pulumi-phone-numbers inventory",
    description:
      "The phone numbers a Pulumi stack rents, per vendor. Load it with loadInventory(path) from pulumi-phone-numbers.",
  });

export type InventoryFile = z.input<typeof inventorySchema>;

/** The JSON Schema of the file, as published in `schema/numbers.schema.json`. */
export function inventoryJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(inventorySchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}

/** The fields of each kind of entry as written in the file (before normalisation). */
export type ExotelEntryFields = z.input<typeof exoPhoneInputs>;
export type PlivoEntryFields = z.input<typeof plivoNumberOrderInputs>;
export type ApifonicaApplicationEntryFields = z.input<typeof apifonicaApplicationInputs>;
export type ApifonicaNumberEntryFields = z.input<typeof apifonicaNumberInputs>;

/** The text of `schema/numbers.schema.json` (what `npm run schema` writes). */
export function inventorySchemaText(): string {
  return `${JSON.stringify(inventoryJsonSchema(), null, 2)}\n`;
}
