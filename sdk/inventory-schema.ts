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
import { appReferenceFields, resourceName, resourceOptionFields } from "./inventory-fields.js";

export {
  APP_REFERENCE_KEYS,
  appReferenceFields,
  INVENTORY_FORMAT,
  RESOURCE_NAME_PATTERN,
  RESOURCE_NAME_RULE,
  RESOURCE_OPTION_KEYS,
  resourceName,
  resourceOptionFields,
} from "./inventory-fields.js";

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
    allowEmpty: z.boolean().optional().meta({
      description:
        "Set to true to accept a file without entries (pulumi up of it releases every number of the stack). Without it an empty file is refused.",
    }),
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
