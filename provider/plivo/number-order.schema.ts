/**
 * PlivoNumberOrder's declaration, without any client: its input schema and cross-field rules, its
 * outputs and its diff rules (read by provider/registry.ts, the SDK's inventory and the provider).
 */
import { getCountryCallingCode } from "libphonenumber-js";
import { z } from "zod";
import {
  countryOf,
  e164Of,
  exactOrSearch,
  isoCountry,
  nonEmpty,
  oneOf,
  type Props,
  phoneNumber,
} from "../core/check.js";
import {
  type CheckedOf,
  criterion,
  exportedOf,
  type FieldOutputs,
  type FieldRule,
  type FieldRules,
  field,
  outputKeysOf,
  rulesOf,
} from "../core/fields.js";
import type { PlivoNumberDetail } from "./number-order.types.js";

/** The most numbers one order holds. */
export const MAX_QUANTITY = 100;

const digits = (e164: string) => e164.replace(/^\+/, "");

/** What the rules read of a held number's detail (not `PlivoNumberDetail`, which the table's type makes). */
type Held = Props & {
  number: string;
  numberType: string;
  region: string | null;
  voiceEnabled: boolean;
  smsEnabled: boolean;
  mmsEnabled: boolean;
};

const everyDetail = (o: Props, test: (d: Held) => boolean): boolean =>
  Array.isArray(o.details) && (o.details as Held[]).every(test);

/** The rule of an in-place per-number field: satisfied when every held number already has the value. */
const onEveryNumber = (key: string): FieldRule => ({
  satisfied: (n, o) => everyDetail(o, (d) => d[key] === n[key]),
});

/**
 * Every PlivoNumberOrder input, declared once: its validation, its diff rule (`replace` buys new
 * numbers, `satisfied` for criteria every held number may already meet; no rule: read when numbers
 * are added), and for an in-place per-number field (`onEveryNumber`) its Plivo wire names (`form`:
 * the key of the update's JSON body; `answer`: the key of the account's number record), whether state
 * reports it (`output`: the numbers' common value, `mixed` when they differ; each number's own in
 * `details`) and whether an inventory export carries it (`exported`). The TSDoc of each entry is the
 * field's documentation in the SDK (`PlivoNumberOrderArgs`, and the output of the same name).
 */
export const PLIVO_NUMBER_ORDER_FIELDS = {
  /** ISO 3166-1 alpha-2 country of the numbers, e.g. `US`. Required. Lifecycle: **replaces**. */
  countryIso: field(isoCountry(), { rule: criterion((n, o) => o.countryIso === n.countryIso) }),
  /** `local`, `national`, `tollfree` or `mobile`. Default `local`. Lifecycle: **replaces** unless every held number is of this type. */
  numberType: field(oneOf(["local", "national", "tollfree", "mobile"]).optional(), {
    rule: criterion(
      (n, o) => o.numberType === n.numberType || everyDetail(o, (d) => d.numberType === n.numberType),
    ),
  }),
  /** Area code or prefix the national number starts with (up to 5 digits). Lifecycle: **replaces** unless every held number starts with it. */
  prefix: field(
    z
      .string()
      .regex(/^\d{1,5}$/, {
        error: 'must be 1 to 5 digits (an area code or prefix); allowed: digits such as "415"',
      })
      .optional(),
    {
      rule: criterion((n, o) => {
        const cc = callingCode(String(o.countryIso));
        return everyDetail(o, (d) => digits(d.number).startsWith(`${cc}${n.prefix}`));
      }),
    },
  ),
  /** Region (local numbers only): a two-letter code such as `NY`, or a name such as `California`. Lifecycle: **replaces** unless every held number is in it. */
  region: field(nonEmpty(100).optional(), {
    rule: criterion((n, o) =>
      everyDetail(o, (d) => (d.region ?? "").toLowerCase().includes(String(n.region).toLowerCase())),
    ),
  }),
  /** Services every number must support. Lifecycle: **replaces** unless every held number supports them. */
  services: field(
    z
      .array(oneOf(["voice", "sms", "mms"]), {
        error: 'must be a list; allowed: a list of "voice", "sms", "mms", such as ["voice", "sms"]',
      })
      .min(1, { error: 'must name at least one service; allowed: "voice", "sms", "mms"' })
      .optional(),
    {
      rule: criterion((n, o) =>
        everyDetail(o, (d) =>
          (n.services as string[]).every((s) =>
            s === "voice" ? d.voiceEnabled : s === "sms" ? d.smsEnabled : d.mmsEnabled,
          ),
        ),
      ),
    },
  ),
  /** How many numbers (a whole number from 1 to 100; default 1). Lifecycle: **in place**: raising it buys the difference; lowering it releases the most recently added numbers first. */
  quantity: field(
    z
      .number({ error: `must be a whole number; allowed: 1 to ${MAX_QUANTITY}` })
      .int({ error: `must be a whole number; allowed: 1 to ${MAX_QUANTITY}` })
      .min(1, { error: `must be at least 1; allowed: 1 to ${MAX_QUANTITY}` })
      .max(MAX_QUANTITY, {
        error: `must be at most ${MAX_QUANTITY}; allowed: 1 to ${MAX_QUANTITY} (split larger inventories into several orders)`,
      })
      .optional(),
    // Pending orders count towards the quantity; an order still pending makes `up` look for its numbers.
    { rule: { satisfied: (n, o) => o.quantity === n.quantity && o.status !== "pending" } },
  ),
  /** Exactly these numbers (E.164). Lifecycle: **in place**: added numbers are bought, removed ones released. */
  numbers: field(
    z
      .array(phoneNumber("Plivo number").transform((v) => e164Of(v)!))
      .min(1, { error: `must list at least one number; allowed: 1 to ${MAX_QUANTITY} numbers (E.164)` })
      .max(MAX_QUANTITY, {
        error: `must list at most ${MAX_QUANTITY} numbers; allowed: 1 to ${MAX_QUANTITY} numbers (split larger inventories into several orders)`,
      })
      .optional(),
    {
      rule: {
        satisfied: (n, o) => {
          const want = [...(n.numbers as string[])].sort();
          const have = [...((o.numbers as string[]) ?? []), ...((o.pendingNumbers as string[]) ?? [])].sort();
          return want.length === have.length && want.every((v, i) => v === have[i]);
        },
      },
    },
  ),
  /** Order from this Plivo number group. In regulated countries the order goes pending; a later refresh or up completes it. Lifecycle: **replaces**. */
  groupId: field(
    z
      .string()
      .regex(/^\d{1,20}$/, {
        error: 'must be a Plivo number group id; allowed: 1 to 20 digits such as "21849572"',
      })
      .optional(),
    { rule: { replace: true } },
  ),
  /** Plivo application every number is linked to (as an output: the one they are linked to, `mixed` when they differ; a buy sends it too). Lifecycle: updated **in place**. */
  appId: field(nonEmpty(64).optional(), {
    rule: onEveryNumber("appId"),
    // The answer's `application` is the application's URI: number-order.state.ts reads its id.
    wire: { form: "app_id", answer: "application" },
    output: true,
    exported: true,
  }),
  /** Alias of every number (as an output: their alias, `mixed` when they differ). Lifecycle: updated **in place**. */
  alias: field(nonEmpty(100).optional(), {
    rule: onEveryNumber("alias"),
    wire: { form: "alias", answer: "alias" },
    output: true,
    exported: true,
  }),
  /** With `numbers`: take over numbers the account already holds instead of buying them. Lifecycle: read when numbers are added; changing it alone changes nothing. */
  adopt: field(z.boolean().optional()),
};

/** The checked inputs of a PlivoNumberOrder. */
export type PlivoNumberOrderInputs = CheckedOf<typeof PLIVO_NUMBER_ORDER_FIELDS>;

/** Rules across fields, checked on the raw inputs so they are reported together with field errors. */
export function plivoNumberOrderCrossCheck(
  raw: Record<string, unknown>,
): { property: string; reason: string }[] {
  const failures = exactOrSearch(raw, "numbers", [
    "quantity",
    "prefix",
    "region",
    "services",
    "numberType",
    "groupId",
  ]);
  if (raw.groupId !== undefined) {
    for (const o of ["prefix", "region", "services", "numberType"]) {
      if (raw[o] !== undefined) {
        failures.push({
          property: o,
          reason:
            "cannot be combined with groupId; allowed: groupId with quantity (the group fixes type, prefix and region)",
        });
      }
    }
  }
  if (Array.isArray(raw.numbers)) {
    const seen = new Set<string>();
    raw.numbers.forEach((n, i) => {
      if (typeof n !== "string") return;
      const e164 = e164Of(n);
      if (!e164) return;
      if (seen.has(e164))
        failures.push({
          property: `numbers.${i}`,
          reason: `${e164} is listed twice; allowed: each number once`,
        });
      seen.add(e164);
      const country = countryOf(e164);
      if (typeof raw.countryIso === "string" && country && country !== raw.countryIso.toUpperCase()) {
        failures.push({
          property: `numbers.${i}`,
          reason: `${e164} is a ${country} number; allowed: numbers of countryIso ${raw.countryIso}`,
        });
      }
    });
  }
  if (raw.region !== undefined && raw.numberType !== undefined && raw.numberType !== "local") {
    failures.push({
      property: "region",
      reason: `applies to local numbers only; allowed: omit region, or numberType "local"`,
    });
  }
  return failures;
}

export type { PlivoNumberDetail };

/** A group order Plivo accepted as pending: its numbers arrive later, without an order id. */
export interface PendingGroupOrder {
  groupId: string;
  quantity: number;
  /** Digits the arriving numbers start with (country code + group prefix). */
  numberStartswith: string;
  region: string | null;
  orderedOn: string;
  /** Numbers with that start the account held when ordering: never claimed as arrivals. */
  heldBefore: string[];
  details: string | null;
}

/**
 * What state holds (a type, not an interface: it passes as props without a cast). The in-place
 * per-number fields' outputs come from {@link PLIVO_NUMBER_ORDER_FIELDS}. The TSDoc of each property
 * is the SDK output's documentation.
 */
export type PlivoNumberOrderOutputs = {
  /** The version of this state's layout. */
  stateVersion: number;
  /** The input, kept under its key. */
  countryIso: string;
  /** The input, kept under its key. */
  numberType?: string;
  /** The input, kept under its key. */
  prefix?: string;
  /** The input, kept under its key. */
  region?: string;
  /** The input, kept under its key. */
  services?: string[];
  /** The input, kept under its key. */
  groupId?: string;
  /** The input, kept under its key. */
  adopt?: boolean;
  /** The numbers held (E.164), in the order they were added. */
  numbers: string[];
  /** Numbers held plus numbers still expected from pending orders. */
  quantity: number;
  /** `fulfilled`, `pending` (numbers still to arrive) or `partial` (fewer numbers than asked for). */
  status: "fulfilled" | "pending" | "partial";
  /** Plivo's text for a pending order. */
  pendingDetails: string | null;
  /** Numbers bought but not yet delivered. */
  pendingNumbers: string[];
  /** Group orders still pending. */
  pendingOrders: PendingGroupOrder[];
  /** Per-number details. */
  details: PlivoNumberDetail[];
  /** Sum of the numbers' monthly rental (decimal string). */
  monthlyRental: string;
  /** Currency of the prices (`USD`). */
  currency: string;
  /** Numbers of the order were taken by its identity label (core/labels.ts `TOOK_BY_LABEL`); kept through every operation. */
  __tookByLabel?: true;
} & FieldOutputs<typeof PLIVO_NUMBER_ORDER_FIELDS>;

/** The outputs the PlivoNumberOrder class declares (state keys besides the internal ones). */
export const PLIVO_NUMBER_ORDER_OUTPUTS = [
  "numbers",
  "quantity",
  ...outputKeysOf(PLIVO_NUMBER_ORDER_FIELDS),
  "status",
  "pendingDetails",
  "pendingNumbers",
  "details",
  "monthlyRental",
  "currency",
] as const satisfies readonly (keyof PlivoNumberOrderOutputs)[];

/** Country calling code for an ISO country (e.g. "33" for FR), from libphonenumber-js metadata. */
export function callingCode(iso: string): string {
  try {
    return getCountryCallingCode(iso as Parameters<typeof getCountryCallingCode>[0]);
  } catch {
    return "";
  }
}

/** Which fields replace the order and which update it in place (the replacing ones first, as diffs list them). */
export const plivoNumberOrderRules: FieldRules = Object.fromEntries(
  Object.entries(rulesOf(PLIVO_NUMBER_ORDER_FIELDS)).sort(
    ([, a], [, b]) => Number(!a.replace) - Number(!b.replace),
  ),
);

/** The inputs an exported (adopting) entry carries besides the exact numbers and `adopt`. */
export const PLIVO_NUMBER_ORDER_EXPORTED = exportedOf(PLIVO_NUMBER_ORDER_FIELDS);
