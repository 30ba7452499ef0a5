/**
 * The shape of an inventory file (`numbers.yaml`), built from the registry (provider/registry.ts):
 * each kind's input schema, section and references, so a field is declared, named and validated in
 * exactly one place. This module is also the source of the published JSON Schema (`schema/numbers.schema.json`, written by `scripts/gen-schema.js`).
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
import { ALL_KINDS, type ResourceKind, VENDOR_NAMES, VENDORS } from "../provider/registry.js";
import { resourceName, resourceOptionFields } from "./inventory-fields.js";

export {
  RESOURCE_NAME_PATTERN,
  RESOURCE_NAME_RULE,
  RESOURCE_OPTION_KEYS,
  resourceName,
  resourceOptionFields,
} from "./inventory-fields.js";

/** The fields of an entry that name other entries of the file (an Apifonica number's `callApp`). */
export function referenceFields(d: ResourceKind): Record<string, z.ZodOptional<typeof resourceName>> {
  return Object.fromEntries(
    Object.entries(d.references ?? {}).map(([key, r]) => [
      key,
      resourceName.optional().meta({ description: r.description }),
    ]),
  );
}

/** The schema of one entry: the kind's inputs, the Pulumi resource options and its references. */
function entryOf(d: ResourceKind) {
  return d.inputs
    .extend({ ...resourceOptionFields, ...referenceFields(d) })
    .meta({ description: d.entryDescription });
}

/** Each kind's entry schema. */
export const entrySchemas: Readonly<Record<string, z.ZodObject>> = Object.fromEntries(
  ALL_KINDS.map((d) => [d.kind, entryOf(d)]),
);

const section = <T extends z.ZodType>(entry: T, what: string) =>
  z
    .record(resourceName, entry)
    .optional()
    .meta({ description: `${what}, keyed by resource name.` });

/** A vendor's part of the file: one section, or a mapping of sub-sections (`apifonica.numbers`). */
function vendorSection(vendor: (typeof VENDORS)[number]): z.ZodType {
  const kinds = ALL_KINDS.filter((d) => d.vendor === vendor);
  const [only] = kinds;
  if (kinds.length === 1 && only && only.section.length === 1) {
    return section(entrySchemas[only.kind]!, only.sectionTitle);
  }
  const subs = kinds.map((d) => d.section[1] ?? d.kind);
  return z
    .strictObject(
      Object.fromEntries(kinds.map((d, i) => [subs[i], section(entrySchemas[d.kind]!, d.sectionTitle)])),
    )
    .optional()
    .meta({ description: `${VENDOR_NAMES[vendor]} ${subs.join(" and ")}.` });
}

/** The whole file. */
export const inventorySchema = z
  .strictObject({
    allowEmpty: z.boolean().optional().meta({
      description:
        "Set to true to accept a file without entries (pulumi up of it releases every number of the stack). Without it an empty file is refused.",
    }),
    ...Object.fromEntries(VENDORS.map((v) => [v, vendorSection(v)])),
  })
  .meta({
    title: "pulumi-phone-numbers inventory",
    description:
      "The phone numbers a Pulumi stack rents, per vendor. Load it with loadInventory(path) from pulumi-phone-numbers.",
  });

/** An inventory file as written: a mapping per vendor of resource names to entries (see the module comment). */
export type InventoryFile = {
  /** Accept a file without entries. */
  allowEmpty?: boolean;
} & Partial<Record<(typeof VENDORS)[number], Record<string, unknown>>>;

/** The JSON Schema of the file, as published in `schema/numbers.schema.json`. */
export function inventoryJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(inventorySchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}

/** The text of `schema/numbers.schema.json` (what `npm run schema` writes). */
export function inventorySchemaText(): string {
  return `${JSON.stringify(inventoryJsonSchema(), null, 2)}\n`;
}
