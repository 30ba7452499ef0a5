/**
 * PlivoNumberOrder state: the per-number details and the outputs, derived from the held numbers.
 */
import { type Props, withPlus } from "../core/check.js";
import { outputKeysOf, wireKeysOf } from "../core/fields.js";
import { KINDS, type ResourceKind } from "../registry.js";
import type { PlivoAccountNumber } from "./client.js";
import {
  type PendingGroupOrder,
  PLIVO_NUMBER_ORDER_FIELDS,
  type PlivoNumberDetail,
  type PlivoNumberOrderOutputs,
} from "./number-order.schema.js";
import type { PlivoNumberRouting } from "./number-order.types.js";

export const D: ResourceKind = KINDS["plivo-number-order"];
export const KIND = D.kind;
export const STATE_VERSION = 1;
/** Extra candidates tried beyond the quantity when picks are taken between search and buy. */
export const SPARE_CANDIDATES = 5;

export const digits = (e164: string) => e164.replace(/^\+/, "");
export const appIdOf = (n: PlivoAccountNumber) =>
  /\/Application\/([^/]+)\/?$/.exec(n.application ?? "")?.[1] ?? null;
export const today = () => new Date().toISOString().slice(0, 10);

/**
 * A number's in-place per-number fields from its record: each field's answer key (null when unset);
 * `appId` from the `application` URI.
 */
export function routingOf(n: PlivoAccountNumber): PlivoNumberRouting {
  const out: Props = {};
  for (const key of wireKeysOf(PLIVO_NUMBER_ORDER_FIELDS) as string[]) {
    const wire = PLIVO_NUMBER_ORDER_FIELDS[key as keyof typeof PLIVO_NUMBER_ORDER_FIELDS] as {
      wire: { answer: string };
    };
    out[key] = (n as Props)[wire.wire.answer] ?? null;
  }
  return { ...(out as PlivoNumberRouting), appId: appIdOf(n) };
}

/** The in-place per-number fields of a number whose record is not read: all null (the caller sets what it sent). */
export function noRouting(): PlivoNumberRouting {
  return Object.fromEntries(
    (wireKeysOf(PLIVO_NUMBER_ORDER_FIELDS) as string[]).map((k) => [k, null]),
  ) as PlivoNumberRouting;
}

export function detailOf(n: PlivoAccountNumber): PlivoNumberDetail {
  return {
    number: withPlus(n.number),
    ...routingOf(n),
    numberType: n.number_type,
    region: n.region ?? null,
    country: n.country ?? null,
    voiceEnabled: n.voice_enabled === true,
    smsEnabled: n.sms_enabled === true,
    mmsEnabled: n.mms_enabled === true,
    monthlyRentalRate: n.monthly_rental_rate,
    addedOn: n.added_on ?? null,
  };
}

export function common(values: (string | null)[]): string | null {
  if (values.length === 0) return null;
  return values.every((v) => v === values[0]) ? (values[0] ?? null) : "mixed";
}

export function sumRates(details: PlivoNumberDetail[]): string {
  // Plivo rates carry five decimals; sum in integer units of 1e-5 to avoid float drift.
  const units = details.reduce((acc, d) => acc + Math.round(Number(d.monthlyRentalRate) * 100_000), 0);
  return (units / 100_000).toFixed(5);
}

/** Each output per-number field's common value over the numbers ("mixed" when they differ, null for none). */
function commonRouting(details: PlivoNumberDetail[]): PlivoNumberRouting {
  const out: Props = {};
  for (const key of outputKeysOf(PLIVO_NUMBER_ORDER_FIELDS)) out[key] = common(details.map((d) => d[key]));
  return out as PlivoNumberRouting;
}

/** The state after an operation; everything is derived from the held numbers' live details. */
export function outputsOf(
  inputs: Props,
  details: PlivoNumberDetail[],
  pendingNumbers: string[],
  pendingOrders: PendingGroupOrder[],
): PlivoNumberOrderOutputs {
  const expected = pendingNumbers.length + pendingOrders.reduce((a, o) => a + o.quantity, 0);
  const target = Array.isArray(inputs.numbers)
    ? inputs.numbers.length
    : typeof inputs.quantity === "number"
      ? inputs.quantity
      : 1;
  const held = details.length;
  const out: PlivoNumberOrderOutputs = {
    stateVersion: STATE_VERSION,
    countryIso: String(inputs.countryIso),
    numbers: details.map((d) => d.number),
    quantity: held + expected,
    status: expected > 0 ? "pending" : held < target ? "partial" : "fulfilled",
    pendingDetails: pendingOrders.find((o) => o.details)?.details ?? null,
    pendingNumbers,
    pendingOrders,
    ...commonRouting(details),
    details,
    monthlyRental: sumRates(details),
    currency: "USD",
  };
  for (const k of ["numberType", "prefix", "region", "services", "groupId", "adopt"] as const) {
    if (inputs[k] !== undefined) (out as Props)[k] = inputs[k];
  }
  return out;
}
