/**
 * Declaring the resources of a validated inventory, one per entry, in registry order (an entry's
 * references point at kinds declared before it), with each entry's number(s) collected by name.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ALL_KINDS, KINDS, type Kind } from "../provider/registry.js";
import { ApifonicaApplication } from "./apifonica-application.js";
import { ApifonicaNumber } from "./apifonica-number.js";
import { ExoPhone } from "./exophone.js";
import type { EntryOptions } from "./inventory.js";
import { PlivoNumberOrder } from "./plivo-number-order.js";

/** A resource class of this package, as the inventory calls it. */
type ResourceClass = new (
  name: string,
  args: never,
  opts?: pulumi.CustomResourceOptions,
) => pulumi.CustomResource;

/** The SDK class of each kind (the registry names it: `typeName`). */
export const CLASSES: Readonly<Record<Kind, ResourceClass>> = {
  exophone: ExoPhone,
  "plivo-number-order": PlivoNumberOrder,
  "apifonica-application": ApifonicaApplication,
  "apifonica-number": ApifonicaNumber,
};

/** What declaring needs of an entry (any kind's). */
interface DeclarableEntry {
  name: string;
  args: object;
  options: EntryOptions;
  [reference: string]: unknown;
}

type Declared = Record<string, Record<string, pulumi.CustomResource>> & {
  numbers: Record<string, pulumi.Output<string> | pulumi.Output<string[]>>;
};

/** The resource options of an entry: the common ones, its own flags, its previous names as aliases. */
function optionsOf(
  common: pulumi.CustomResourceOptions | undefined,
  { previousNames, ...own }: EntryOptions,
): pulumi.CustomResourceOptions {
  const aliases = [...(common?.aliases ?? []), ...(previousNames ?? []).map((name) => ({ name }))];
  return { ...common, ...own, ...(aliases.length > 0 && { aliases }) };
}

/** Declares every entry of `parsed` (its sections keyed by the registry's `inventoryKey`). */
export function declareEntries(
  parsed: Readonly<Record<string, unknown>>,
  common: pulumi.CustomResourceOptions | undefined,
): Declared {
  const out = { numbers: {} } as Declared;
  for (const d of ALL_KINDS) out[d.inventoryKey] = {};
  for (const d of ALL_KINDS) {
    const make = CLASSES[d.kind as Kind];
    for (const e of (parsed[d.inventoryKey] ?? []) as DeclarableEntry[]) {
      const args: Record<string, unknown> = { ...e.args };
      for (const [ref, r] of Object.entries(d.references ?? {})) {
        const target = e[ref];
        if (typeof target !== "string") continue;
        const referenced = out[KINDS[r.kind as Kind].inventoryKey]![target] as unknown as Record<
          string,
          unknown
        >;
        args[r.input] = referenced[r.output];
      }
      const resource = new make(e.name, args as never, optionsOf(common, e.options));
      out[d.inventoryKey]![e.name] = resource;
      if (d.numberOutput) {
        out.numbers[e.name] = (resource as unknown as Record<string, pulumi.Output<string>>)[d.numberOutput]!;
      }
    }
  }
  return out;
}
