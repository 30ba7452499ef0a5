/**
 * PlivoNumberOrder's declaration, without any client: its input schema and cross-field rules, its
 * outputs and its diff rules (read by provider/registry.ts, the SDK's inventory and the provider).
 */
import { getCountryCallingCode, parsePhoneNumberFromString } from "libphonenumber-js";
import { z } from "zod";
import {
  type CheckFailure,
  e164Of,
  exactOrSearch,
  isoCountry,
  nonEmpty,
  oneOf,
  type Props,
  phoneNumber,
} from "../core/check.js";
import type { FieldRules } from "../core/diff.js";
import type { PlivoNumberDetail } from "./number-order.types.js";

export const MAX_QUANTITY = 100;

export const plivoNumberOrderInputs = z.strictObject({
  countryIso: isoCountry(),
  numberType: oneOf(["local", "national", "tollfree", "mobile"]).optional(),
  prefix: z
    .string()
    .regex(/^\d{1,5}$/, {
      error: 'must be 1 to 5 digits (an area code or prefix); allowed: digits such as "415"',
    })
    .optional(),
  region: nonEmpty(100).optional(),
  services: z
    .array(oneOf(["voice", "sms", "mms"]), {
      error: 'must be a list; allowed: a list of "voice", "sms", "mms", such as ["voice", "sms"]',
    })
    .min(1, { error: 'must name at least one service; allowed: "voice", "sms", "mms"' })
    .optional(),
  quantity: z
    .number({ error: `must be a whole number; allowed: 1 to ${MAX_QUANTITY}` })
    .int({ error: `must be a whole number; allowed: 1 to ${MAX_QUANTITY}` })
    .min(1, { error: `must be at least 1; allowed: 1 to ${MAX_QUANTITY}` })
    .max(MAX_QUANTITY, {
      error: `must be at most ${MAX_QUANTITY}; allowed: 1 to ${MAX_QUANTITY} (split larger inventories into several orders)`,
    })
    .optional(),
  numbers: z
    .array(phoneNumber("Plivo number").transform((v) => e164Of(v)!))
    .min(1, { error: `must list at least one number; allowed: 1 to ${MAX_QUANTITY} numbers (E.164)` })
    .max(MAX_QUANTITY, {
      error: `must list at most ${MAX_QUANTITY} numbers; allowed: 1 to ${MAX_QUANTITY} numbers (split larger inventories into several orders)`,
    })
    .optional(),
  groupId: z
    .string()
    .regex(/^\d{1,20}$/, {
      error: 'must be a Plivo number group id; allowed: 1 to 20 digits such as "21849572"',
    })
    .optional(),
  appId: nonEmpty(64).optional(),
  alias: nonEmpty(100).optional(),
  adopt: z.boolean().optional(),
});
export type PlivoNumberOrderInputs = z.infer<typeof plivoNumberOrderInputs>;

/** Rules across fields, checked on the raw inputs so they are reported together with field errors. */
export function plivoNumberOrderCrossCheck(raw: Props): CheckFailure[] {
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
      const country = parsePhoneNumberFromString(e164)?.country;
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

/** What state holds (a type, not an interface: it passes as props without a cast). */
export type PlivoNumberOrderOutputs = {
  stateVersion: number;
  countryIso: string;
  numberType?: string;
  prefix?: string;
  region?: string;
  services?: string[];
  groupId?: string;
  adopt?: boolean;
  /** Numbers held (E.164), in the order they were added. */
  numbers: string[];
  /** Numbers held plus numbers still expected from pending orders. */
  quantity: number;
  status: "fulfilled" | "pending" | "partial";
  /** The vendor's text for a pending order. */
  pendingDetails: string | null;
  /** Numbers bought but not yet delivered (regulated countries). */
  pendingNumbers: string[];
  pendingOrders: PendingGroupOrder[];
  /** The app every number is linked to; "mixed" when they differ (see `details`). */
  appId: string | null;
  alias: string | null;
  details: PlivoNumberDetail[];
  monthlyRental: string;
  currency: string;
  /** Numbers of the order were taken by its identity label (core/labels.ts `TOOK_BY_LABEL`); kept through every operation. */
  __tookByLabel?: true;
};

/** The outputs the PlivoNumberOrder class declares (state keys besides the internal ones). */
export const PLIVO_NUMBER_ORDER_OUTPUTS = [
  "numbers",
  "quantity",
  "appId",
  "alias",
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

const digits = (e164: string) => e164.replace(/^\+/, "");

const everyDetail = (o: Props, test: (d: PlivoNumberDetail) => boolean) =>
  Array.isArray(o.details) && (o.details as PlivoNumberDetail[]).every(test);

/** Which fields replace the order and which update it in place. */
export const plivoNumberOrderRules: FieldRules = {
  countryIso: { replace: true, satisfied: (n, o) => o.countryIso === n.countryIso },
  numberType: {
    replace: true,
    satisfied: (n, o) =>
      o.numberType === n.numberType || everyDetail(o, (d) => d.numberType === n.numberType),
  },
  prefix: {
    replace: true,
    satisfied: (n, o) => {
      const cc = callingCode(String(o.countryIso));
      return everyDetail(o, (d) => digits(d.number).startsWith(`${cc}${n.prefix}`));
    },
  },
  region: {
    replace: true,
    satisfied: (n, o) =>
      everyDetail(o, (d) => (d.region ?? "").toLowerCase().includes(String(n.region).toLowerCase())),
  },
  services: {
    replace: true,
    satisfied: (n, o) =>
      everyDetail(o, (d) =>
        (n.services as string[]).every((s) =>
          s === "voice" ? d.voiceEnabled : s === "sms" ? d.smsEnabled : d.mmsEnabled,
        ),
      ),
  },
  groupId: { replace: true },
  // Pending orders count towards the quantity; an order still pending makes `up` look for its numbers.
  quantity: { satisfied: (n, o) => o.quantity === n.quantity && o.status !== "pending" },
  numbers: {
    satisfied: (n, o) => {
      const want = [...(n.numbers as string[])].sort();
      const have = [...((o.numbers as string[]) ?? []), ...((o.pendingNumbers as string[]) ?? [])].sort();
      return want.length === have.length && want.every((v, i) => v === have[i]);
    },
  },
  appId: { satisfied: (n, o) => everyDetail(o, (d) => d.appId === n.appId) },
  alias: { satisfied: (n, o) => everyDetail(o, (d) => d.alias === n.alias) },
};
