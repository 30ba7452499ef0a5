/**
 * ExoPhone state: the outputs of a number as Exotel answers it (connectivity, echoes, abridged
 * answers), and the per-account bundle (client, readers, label index) every ExoPhone shares.
 */
import { type Props, toE164 } from "../core/check.js";
import { exotelSettings } from "../core/config.js";
import { echoesOf, recordEchoes } from "../core/echoes.js";
import { echoedLive, echoedOf, fieldOutputsOf } from "../core/fields.js";
import { InventoryReader } from "../core/inventory.js";
import { LabelIndex } from "../core/labels.js";
import { vendorAccount } from "../core/vendor-account.js";
import { KINDS, type ResourceKind } from "../registry.js";
import {
  type ExotelClient,
  type ExotelNumber,
  type ExotelNumberAnswer,
  type ExotelNumberDetails,
  exotelClients,
} from "./client.js";
import { EXOPHONE_FIELDS, type ExoPhoneConnectivity, type ExoPhoneOutputs } from "./exophone.schema.js";

export const D: ResourceKind = KINDS.exophone;
/** The input schema, typed (the registry's, built from the field table). */
export const INPUTS = KINDS.exophone.inputs;
export const KIND = D.kind;
export const STATE_VERSION = 1;
/** Candidates tried when the first picks were taken by someone else between search and rent. */
export const MAX_CANDIDATES = 5;

/** An `alternate_exophone` entry, whose shape the documents leave open: a number, or an object naming one. */
export function alternateOf(entry: unknown): string {
  if (typeof entry === "string" || typeof entry === "number") return toE164(String(entry)) ?? String(entry);
  if (typeof entry === "object" && entry !== null) {
    const o = entry as Record<string, unknown>;
    const number = o["phone_number"] ?? o["exophone"] ?? o["number"] ?? o["sid"];
    if (typeof number === "string" || typeof number === "number") return alternateOf(number);
  }
  return JSON.stringify(entry);
}

export function connectivityOf(d: ExotelNumberDetails): ExoPhoneConnectivity {
  // last_check_time is left out on purpose: it changes on every health check and would show as drift.
  const side = (c: { status: string; alternate_exophone?: unknown } | undefined) => ({
    status: c?.status ?? "unknown",
    alternateExophones: Array.isArray(c?.alternate_exophone)
      ? (c.alternate_exophone as unknown[]).map(alternateOf)
      : c?.alternate_exophone !== undefined && c.alternate_exophone !== null
        ? [alternateOf(c.alternate_exophone)]
        : [],
  });
  return {
    incomingCall: side(d.connectivity?.incoming_call),
    outgoingCall: side(d.connectivity?.outgoing_call),
  };
}

/**
 * The outputs for a number as Exotel answered it. `previous`: the state before (its connectivity and
 * echoes carry over); `sent`: the in-place values just written, whose stored form is recorded as an
 * echo for the fields that echo (URLs). The in-place fields come from the field table.
 */
export function outputsOf(
  n: ExotelNumber | ExotelNumberDetails | ExotelNumberAnswer,
  inputs: Props,
  previous?: Props,
  sent?: Props,
): ExoPhoneOutputs {
  // Get-one and update may answer an abridged object: a field left out keeps its last known value.
  const prev = (previous ?? {}) as Partial<ExoPhoneOutputs>;
  const text = (v: string | undefined, last: string | undefined, fallback = "") => v ?? last ?? fallback;
  const echoes = sent
    ? recordEchoes(
        "Exotel",
        echoedOf(EXOPHONE_FIELDS, sent),
        echoedLive(EXOPHONE_FIELDS, n),
        echoesOf(previous),
      )
    : echoesOf(previous);
  const caps = n.capabilities ?? prev.capabilities;
  const phone = n.phone_number ?? prev.phoneNumber ?? "";
  const out: ExoPhoneOutputs = {
    stateVersion: STATE_VERSION,
    sid: n.sid,
    phoneNumber: toE164(phone) ?? phone,
    ...fieldOutputsOf(EXOPHONE_FIELDS, n, prev, echoes),
    country: text(n.country, prev.country),
    region: text(n.region, prev.region),
    numberType: text(n.number_type, prev.numberType),
    incomingSms: caps ? caps.sms === true : prev.incomingSms === true,
    capabilities: { voice: caps?.voice === true, sms: caps?.sms === true },
    oneTimePrice: text(n.one_time_price, prev.oneTimePrice),
    monthlyRental: text(n.rental_price, prev.monthlyRental),
    incomingRate: text(n.incoming_rate, prev.incomingRate),
    incomingPulse: text(n.incoming_pulse, prev.incomingPulse),
    currency: text(n.currency, prev.currency, "INR"),
    vanityNumber: n.vanity_number === undefined ? prev.vanityNumber === true : n.vanity_number === true,
    // The list API has no connectivity; a batched read keeps the last one seen.
    connectivity:
      "connectivity" in n && n.connectivity
        ? connectivityOf(n as ExotelNumberDetails)
        : ((previous?.connectivity as ExoPhoneConnectivity | undefined) ?? null),
  };
  if (Object.keys(echoes).length > 0) out.echoes = echoes;
  if (typeof inputs.contains === "string") out.contains = inputs.contains;
  if (typeof inputs.adopt === "boolean") out.adopt = inputs.adopt;
  return out;
}

// ---- one client and one batched reader per account, shared by every resource in the process ----

/** The account's client and readers, shared by every ExoPhone of the process. */
export type Account = ReturnType<typeof client>;

export function client() {
  return vendorAccount(KIND, exotelClients, exotelSettings(), ({ api }) => ({
    reader: new InventoryReader<ExotelNumber | ExotelNumberDetails | ExotelNumberAnswer>(
      () => api.listPages({ pageSize: 100 }),
      (n) => n.sid,
    ),
    /** Numbers by E.164, for adoption: Exotel has no lookup by number, so adopting many shares walks. */
    byNumber: new InventoryReader(
      () => api.listPages({ pageSize: 100 }),
      (n: ExotelNumber) => toE164(n.phone_number) ?? n.phone_number,
    ),
    /** Numbers carrying an identity label (FriendlyName), from one walk per process. */
    labels: new LabelIndex(
      () => api.list({ pageSize: 100 }),
      (n) => n.friendly_name,
    ),
  }));
}

export async function findHeld(api: ExotelClient, e164: string): Promise<ExotelNumber | undefined> {
  for await (const n of api.list({ pageSize: 100 })) if (toE164(n.phone_number) === e164) return n;
  return undefined;
}
