/**
 * The registry: one descriptor per resource kind, the single place that says what a kind is. Provider
 * dispatch (provider/index.ts), credentials (core/config.ts), the inventory file and its JSON Schema
 * (sdk/inventory*.ts), the SDK classes' input and output keys and the docs all read it.
 *
 * Schema-only: this module and the `*.schema.ts` modules it imports load zod and libphonenumber-js,
 * never got, p-queue or a vendor client. A kind's implementation is imported by its `load`, the first
 * time the provider host calls that kind.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import * as application from "./apifonica/application.schema.js";
import * as apifonicaNumber from "./apifonica/number.schema.js";
import { type CheckFailure, checkWith, e164Of, type Props } from "./core/check.js";
import { diffWith, type FieldRules } from "./core/diff.js";
import { inputSchemaOf } from "./core/field-schema.js";
import * as exoPhone from "./exotel/exophone.schema.js";
import * as plivoOrder from "./plivo/number-order.schema.js";

/** The vendors this package rents numbers from, in the order the docs and the inventory list them. */
export const VENDORS = ["exotel", "plivo", "apifonica"] as const;

/**
 * The type token of every kind is this prefix and its `typeName`: a dynamic resource's token
 * (`pulumi-nodejs:dynamic/<module>:<type>`), so the engine runs it in the dynamic-provider host.
 */
export const TYPE_PREFIX = "pulumi-nodejs:dynamic/phone-numbers:";
/** A vendor's id: its stack config namespace (`exotel:apiKey`) and its inventory section. */
export type Vendor = (typeof VENDORS)[number];

/** Display names of the vendors, as messages and docs write them. */
export const VENDOR_NAMES: Readonly<Record<Vendor, string>> = {
  exotel: "Exotel",
  plivo: "Plivo",
  apifonica: "Apifonica",
};

/** The dynamic-provider methods the shim delegates to, for one resource kind. */
export type KindProvider = Required<
  Pick<pulumi.dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete">
> & {
  /** Reads the stack's config; fails when the kind's vendor credentials are missing (preview runs it too). */
  configure(req: pulumi.dynamic.ConfigureRequest): Promise<void>;
};

/** An inventory entry field naming another entry of the same file, whose output becomes an input. */
export interface Reference {
  /** The input the referenced entry's output is passed to, e.g. `callAppSid`. */
  readonly input: string;
  /** The kind of the referenced entry. */
  readonly kind: string;
  /** The referenced entry's output, e.g. `applicationSid`. */
  readonly output: string;
  /** What the referenced entry is, in messages: `application`. */
  readonly noun: string;
  /** The field's description in the JSON Schema. */
  readonly description: string;
}

/** Everything about one resource kind; see the module comment for who reads what. */
export interface ResourceKind<S extends z.ZodObject = z.ZodObject> {
  /** The permanent id in every resource's `__provider` shim (`provider(kind)`): never renamed. */
  readonly kind: string;
  /** The Pulumi type name (`phone-numbers:ExoPhone`) and the SDK class name. */
  readonly typeName: string;
  /** The vendor whose account (and credentials) the kind uses. */
  readonly vendor: Vendor;
  /** Where its entries sit in an inventory file: `["exotel"]`, `["apifonica", "numbers"]`. */
  readonly section: readonly [string] | readonly [string, string];
  /** Its key in `ParsedInventory` and `Inventory`. */
  readonly inventoryKey: string;
  /** The inventory section's description (JSON Schema). */
  readonly sectionTitle: string;
  /** An inventory entry's description (JSON Schema). */
  readonly entryDescription: string;
  /** The input schema: every input field, its validation and its message. */
  readonly inputs: S;
  /** Rules across fields, reported together with the field errors. */
  readonly crossCheck?: (raw: Props) => CheckFailure[];
  /** The diff rules: which inputs replace the resource, which update in place (`{}`). */
  readonly rules: FieldRules;
  /** The outputs the SDK class declares (an input may be one too). */
  readonly outputs: readonly string[];
  /** The input holding the exact number(s), and whether it is a list. */
  readonly exact?: { readonly field: string; readonly list: boolean };
  /** The output holding the resource's number(s): `Inventory.numbers` of an entry. */
  readonly numberOutput?: string;
  /** The vendor-side text field the identity label is written to when the program leaves it unset. */
  readonly labelField: string;
  /** The inputs an exported (adopting) entry carries besides the exact number and `adopt`. */
  readonly exported: readonly string[];
  /** Inventory entry fields that name other entries of the file. */
  readonly references?: Readonly<Record<string, Reference>>;
  /** Messages for keys a program may pass by mistake (not inputs), by key. */
  readonly hints?: Readonly<Record<string, string>>;
  /** Imports the kind's implementation (its client and CRUD). */
  readonly load: () => Promise<KindProvider>;
}

/** Keeps each descriptor's own types (its schema, its keys) for the type tests of test/unit/. */
function defineKind<const D extends ResourceKind>(d: D): D {
  return d;
}

/** Routing lives on the linked applications; a number holds no controller URL of its own. */
const CONTROLLER =
  "is set on the linked ApifonicaApplication (its controller and method), not on the number: link one with callAppSid or msgAppSid";

/** Every kind, in inventory order. Adding a kind is one entry here plus its folder. */
export const KINDS = {
  exophone: defineKind({
    kind: "exophone",
    typeName: "ExoPhone",
    vendor: "exotel",
    section: ["exotel"],
    inventoryKey: "exotel",
    sectionTitle: "Exotel numbers (ExoPhone)",
    entryDescription:
      "An ExoPhone: an exact phoneNumber (with adopt: true to take over a held one) or search criteria.",
    inputs: inputSchemaOf(exoPhone.EXOPHONE_FIELDS),
    crossCheck: exoPhone.exoPhoneCrossCheck,
    rules: exoPhone.exoPhoneRules,
    outputs: exoPhone.EXOPHONE_OUTPUTS,
    exact: { field: "phoneNumber", list: false },
    numberOutput: "phoneNumber",
    labelField: "friendlyName",
    exported: exoPhone.EXOPHONE_EXPORTED,
    load: async () => (await import("./exotel/exophone.js")).exoPhoneProvider,
  }),
  "plivo-number-order": defineKind({
    kind: "plivo-number-order",
    typeName: "PlivoNumberOrder",
    vendor: "plivo",
    section: ["plivo"],
    inventoryKey: "plivo",
    sectionTitle: "Plivo number orders (PlivoNumberOrder)",
    entryDescription:
      "A PlivoNumberOrder: search criteria with quantity, exact numbers (adopt: true to take over), or a groupId.",
    inputs: inputSchemaOf(plivoOrder.PLIVO_NUMBER_ORDER_FIELDS),
    crossCheck: plivoOrder.plivoNumberOrderCrossCheck,
    rules: plivoOrder.plivoNumberOrderRules,
    outputs: plivoOrder.PLIVO_NUMBER_ORDER_OUTPUTS,
    exact: { field: "numbers", list: true },
    numberOutput: "numbers",
    labelField: "alias",
    exported: plivoOrder.PLIVO_NUMBER_ORDER_EXPORTED,
    load: async () => (await import("./plivo/number-order.js")).plivoNumberOrderProvider,
  }),
  "apifonica-application": defineKind({
    kind: "apifonica-application",
    typeName: "ApifonicaApplication",
    vendor: "apifonica",
    section: ["apifonica", "applications"],
    inventoryKey: "apifonicaApplications",
    sectionTitle: "Apifonica applications (ApifonicaApplication)",
    entryDescription: "An ApifonicaApplication: the controller URL numbers link to.",
    inputs: inputSchemaOf(application.APIFONICA_APPLICATION_FIELDS),
    rules: application.apifonicaApplicationRules,
    outputs: application.APIFONICA_APPLICATION_OUTPUTS,
    labelField: "name",
    exported: [],
    load: async () => (await import("./apifonica/application.js")).apifonicaApplicationProvider,
  }),
  "apifonica-number": defineKind({
    kind: "apifonica-number",
    typeName: "ApifonicaNumber",
    vendor: "apifonica",
    section: ["apifonica", "numbers"],
    inventoryKey: "apifonicaNumbers",
    sectionTitle: "Apifonica numbers (ApifonicaNumber)",
    entryDescription:
      "An ApifonicaNumber: an exact number (with adopt: true to take over a held one) or countryCode with search criteria.",
    inputs: inputSchemaOf(apifonicaNumber.APIFONICA_NUMBER_FIELDS),
    crossCheck: apifonicaNumber.apifonicaNumberCrossCheck,
    rules: apifonicaNumber.apifonicaNumberRules,
    outputs: apifonicaNumber.APIFONICA_NUMBER_OUTPUTS,
    exact: { field: "number", list: false },
    numberOutput: "number",
    labelField: "name",
    exported: apifonicaNumber.APIFONICA_NUMBER_EXPORTED,
    references: {
      callApp: {
        input: "callAppSid",
        kind: "apifonica-application",
        output: "applicationSid",
        noun: "application",
        description:
          "Name of an entry under apifonica.applications; its applicationSid becomes the number's callAppSid.",
      },
      msgApp: {
        input: "msgAppSid",
        kind: "apifonica-application",
        output: "applicationSid",
        noun: "application",
        description:
          "Name of an entry under apifonica.applications; its applicationSid becomes the number's msgAppSid.",
      },
    },
    hints: {
      callController: CONTROLLER,
      callMethod: CONTROLLER,
      msgController: CONTROLLER,
      msgMethod: CONTROLLER,
    },
    load: async () => (await import("./apifonica/number.js")).apifonicaNumberProvider,
  }),
} as const;

/** A registered kind's id. */
export type Kind = keyof typeof KINDS;

/** Every descriptor, in inventory order. */
export const ALL_KINDS: readonly ResourceKind[] = Object.values(KINDS);

/** The descriptor of `kind`; undefined for a kind this version does not have. */
export function kindOf(kind: string): ResourceKind | undefined {
  return Object.hasOwn(KINDS, kind) ? KINDS[kind as Kind] : undefined;
}

/** The descriptors of a vendor's kinds. */
export function kindsOf(vendor: Vendor): ResourceKind[] {
  return ALL_KINDS.filter((d) => d.vendor === vendor);
}

/** The input keys of a kind, in schema order. */
export function inputKeys(d: ResourceKind): string[] {
  return Object.keys(d.inputs.shape);
}

/** The inputs a change of updates in place (the update patch and the drift field list). */
export function inPlaceFields(d: ResourceKind): string[] {
  return Object.entries(d.rules)
    .filter(([, rule]) => !rule.replace)
    .map(([field]) => field);
}

/** The inputs a change of replaces the resource. */
export function replacingFields(d: ResourceKind): string[] {
  return Object.entries(d.rules)
    .filter(([, rule]) => rule.replace)
    .map(([field]) => field);
}

/** A kind's `check`: its schema, then its cross-field rules, every failure at once. */
export function checkKind(d: ResourceKind, news: Props): { inputs: Props; failures: CheckFailure[] } {
  return checkWith(d.inputs, news, d.crossCheck);
}

/** A kind's `diff` from its rules. */
export function diffKind(d: ResourceKind, olds: Props, news: Props): pulumi.dynamic.DiffResult {
  return diffWith(olds, news, d.rules);
}

/** The exact numbers of raw inputs (E.164), with the field path of each. */
export function exactNumbersOf(
  d: ResourceKind,
  value: Props,
): { e164: string; field: (string | number)[] }[] {
  if (!d.exact) return [];
  const { field, list } = d.exact;
  const raw = value[field];
  const values: [unknown, (string | number)[]][] = list
    ? Array.isArray(raw)
      ? raw.map((v, i) => [v, [field, i]])
      : []
    : [[raw, [field]]];
  return values.flatMap(([v, path]) => {
    const e164 = typeof v === "string" ? e164Of(v) : undefined;
    return e164 ? [{ e164, field: path }] : [];
  });
}

/**
 * The inventory entry that adopts a held number: the exact number, `adopt: true`, `base` (fields the
 * kind needs, such as Plivo's `countryIso`) and the exported fields `live` has a value for. The label
 * field is left out when it holds an identity label (`isLabel`): that text is the provider's, not the
 * user's.
 */
export function adoptionEntry(
  d: ResourceKind,
  number: string,
  live: Props,
  isLabel: (text: unknown) => boolean,
  base: Props = {},
): Props {
  if (!d.exact) throw new Error(`${d.typeName} has no exact number to adopt`);
  const entry: Props = { ...base, [d.exact.field]: d.exact.list ? [number] : number, adopt: true };
  for (const field of d.exported) {
    const v = live[field];
    if (v === undefined || v === null || v === "") continue;
    if (field === d.labelField && isLabel(v)) continue;
    entry[field] = v;
  }
  return entry;
}
