/**
 * ExoPhone: one Exotel number. Create rents exactly `phoneNumber`, adopts it (`adopt: true`), or searches
 * with the criteria and rents the first candidate in Exotel's order; routing (voiceUrl, smsUrl) and
 * friendlyName update in place; delete releases the number.
 */
import type * as pulumi from "@pulumi/pulumi";
import { type Props, stripMeta, toE164 } from "../core/check.js";
import { claim, unclaim } from "../core/claims.js";
import { configure, exotelSettings } from "../core/config.js";
import { rentFirst } from "../core/create.js";
import { inPlacePatch } from "../core/diff.js";
import { echoesOf, recordEchoes, throughEchoes } from "../core/echoes.js";
import { isNotFound } from "../core/errors.js";
import { InventoryReader } from "../core/inventory.js";
import {
  identityOf,
  LabelIndex,
  labelFor,
  TOOK_BY_LABEL,
  tookByLabel,
  wasTakenByLabel,
} from "../core/labels.js";
import { keepTookByLabel } from "../core/marks.js";
import { messageOf, PartialSuccessError, UncertainPurchaseError, unlessGone } from "../core/outcome.js";
import { poolFor } from "../core/pool.js";
import { type PurchaseOutcome, purchase, release } from "../core/purchase.js";
import {
  placeholderId,
  reportNotHeld,
  type UncertainMark,
  uncertainDiff,
  uncertainMark,
  uncertainOf,
  vendorId,
} from "../core/settle.js";
import { vendorAccount } from "../core/vendor-account.js";
import { checkKind, diffKind, KINDS, type ResourceKind } from "../registry.js";
import {
  type ExotelAvailableNumber,
  type ExotelClient,
  type ExotelNumber,
  type ExotelNumberAnswer,
  type ExotelNumberDetails,
  exotelClients,
  exotelNationalForm,
} from "./client.js";
import {
  type ExoPhoneConnectivity,
  type ExoPhoneInputs,
  type ExoPhoneOutputs,
  exoPhoneInputs,
} from "./exophone.schema.js";

const D: ResourceKind = KINDS.exophone;
export const KIND = D.kind;
const STATE_VERSION = 1;
/** Candidates tried when the first picks were taken by someone else between search and rent. */
const MAX_CANDIDATES = 5;

/** An `alternate_exophone` entry, whose shape the documents leave open: a number, or an object naming one. */
function alternateOf(entry: unknown): string {
  if (typeof entry === "string" || typeof entry === "number") return toE164(String(entry)) ?? String(entry);
  if (typeof entry === "object" && entry !== null) {
    const o = entry as Record<string, unknown>;
    const number = o["phone_number"] ?? o["exophone"] ?? o["number"] ?? o["sid"];
    if (typeof number === "string" || typeof number === "number") return alternateOf(number);
  }
  return JSON.stringify(entry);
}

function connectivityOf(d: ExotelNumberDetails): ExoPhoneConnectivity {
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
 * echoes carry over); `sent`: the URLs just written, whose stored form is recorded as an echo.
 */
function outputsOf(
  n: ExotelNumber | ExotelNumberDetails | ExotelNumberAnswer,
  inputs: Props,
  previous?: Props,
  sent?: { voiceUrl?: string | null; smsUrl?: string | null },
): ExoPhoneOutputs {
  // Get-one and update may answer an abridged object: a field left out keeps its last known value.
  const prev = (previous ?? {}) as Partial<ExoPhoneOutputs>;
  const text = (v: string | undefined, last: string | undefined, fallback = "") => v ?? last ?? fallback;
  const urls = { voiceUrl: n.voice_url, smsUrl: n.sms_url };
  const echoes = sent
    ? recordEchoes("Exotel", { voiceUrl: sent.voiceUrl, smsUrl: sent.smsUrl }, urls, echoesOf(previous))
    : echoesOf(previous);
  const url = (field: "voiceUrl" | "smsUrl", live: string | null | undefined) =>
    live === undefined ? (prev[field] ?? null) : throughEchoes(echoes, field, live);
  const caps = n.capabilities ?? prev.capabilities;
  const phone = n.phone_number ?? prev.phoneNumber ?? "";
  const out: ExoPhoneOutputs = {
    stateVersion: STATE_VERSION,
    sid: n.sid,
    phoneNumber: toE164(phone) ?? phone,
    friendlyName: n.friendly_name === undefined ? (prev.friendlyName ?? null) : n.friendly_name,
    voiceUrl: url("voiceUrl", urls.voiceUrl),
    smsUrl: url("smsUrl", urls.smsUrl),
    country: text(n.country, prev.country),
    region: text(n.region, prev.region),
    numberType: text(n.number_type, prev.numberType),
    incomingSms: caps ? caps.sms === true : prev.incomingSms === true,
    capabilities: { voice: caps?.voice === true, sms: caps?.sms === true },
    oneTimePrice: text(n.one_time_price, prev.oneTimePrice),
    rentalPrice: text(n.rental_price, prev.rentalPrice),
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

/** The URLs a create or update writes (the rest of the routing is not normalised by Exotel). */
function urlsSent(p: { voiceUrl?: string | undefined; smsUrl?: string | undefined }) {
  return {
    ...(p.voiceUrl !== undefined && { voiceUrl: p.voiceUrl }),
    ...(p.smsUrl !== undefined && { smsUrl: p.smsUrl }),
  };
}

// ---- one client and one batched reader per account, shared by every resource in the process ----

/** The account's client and readers, shared by every ExoPhone of the process. */
type Account = ReturnType<typeof client>;

function client() {
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

async function findHeld(api: ExotelClient, e164: string): Promise<ExotelNumber | undefined> {
  for await (const n of api.list({ pageSize: 100 })) if (toE164(n.phone_number) === e164) return n;
  return undefined;
}

/** Rents one number through the purchase engine. FriendlyName is the identity label when there is one. */
function rentOne(c: Account, e164: string, inputs: ExoPhoneInputs, label: string | undefined) {
  const friendlyName = label ?? inputs.friendlyName;
  const params = {
    phoneNumber: e164,
    ...inPlacePatch(D.rules, inputs),
    ...(friendlyName !== undefined && { friendlyName }),
  };
  return purchase({
    what: `Exotel rent of ${e164}`,
    buy: () => c.api.rent(params),
    findHeld: () => findHeld(c.api, e164),
  });
}

/**
 * The outputs of a candidate whose rent is uncertain: complete (every key a normal create writes,
 * the inputs under their keys), the vendor's fields from the search result where there is one.
 */
function uncertainOutputs(
  e164: string,
  inputs: ExoPhoneInputs,
  mark: { __uncertain: UncertainMark },
  a?: ExotelAvailableNumber,
): Props {
  const n: ExotelNumber = {
    sid: "",
    date_created: "",
    phone_number: e164,
    friendly_name: inputs.friendlyName ?? null,
    capabilities: a?.capabilities ?? { voice: true, sms: inputs.incomingSms === true },
    country: a?.country ?? inputs.country ?? "IN",
    region: a?.region ?? inputs.region ?? "",
    one_time_price: a?.one_time_price ?? "",
    rental_price: a?.rental_price ?? "",
    incoming_rate: a?.incoming_rate ?? "",
    incoming_pulse: a?.incoming_pulse ?? "",
    currency: "INR",
    number_type: a?.number_type ?? inputs.numberType ?? "Landline",
    vanity_number: a?.vanity_number === true,
    voice_url: inputs.voiceUrl ?? null,
    sms_url: inputs.smsUrl ?? null,
  };
  return { ...outputsOf(n, inputs), ...mark };
}

function uncertainError(
  news: Props,
  e164: string,
  inputs: ExoPhoneInputs,
  reason: string,
  a?: ExotelAvailableNumber,
) {
  const mark = uncertainMark(e164, reason);
  return new UncertainPurchaseError(
    placeholderId(e164),
    uncertainOutputs(e164, inputs, mark, a),
    news,
    reason,
  );
}

/**
 * The create result for a rented number, from the rent's own answer (no read after the rent:
 * connectivity, which only the v2 details have, arrives with the first refresh; the diff ignores it).
 * A user-set friendlyName replaces the identity label the rent wrote; its failure keeps the number.
 */
async function created(
  c: Account,
  rented: ExotelNumber,
  inputs: ExoPhoneInputs,
  news: Props,
): Promise<pulumi.dynamic.CreateResult> {
  const outs = outputsOf(rented, inputs, undefined, urlsSent(inputs));
  return withRouting(c, rented.sid, outs, inputs, news, `rented ${outs.phoneNumber}`);
}

/**
 * Applies the routing the inputs ask for and the held record lacks. A failure keeps the number:
 * the error carries the record's complete outputs.
 */
async function withRouting(
  c: Account,
  sid: string,
  outs: ExoPhoneOutputs,
  inputs: ExoPhoneInputs,
  news: Props,
  what: string,
): Promise<pulumi.dynamic.CreateResult> {
  const routing = inPlacePatch(D.rules, inputs, outs);
  if (Object.keys(routing).length === 0) return { id: sid, outs };
  try {
    const updated = await c.api.update(sid, routing);
    return { id: sid, outs: outputsOf(updated, inputs, outs, urlsSent(routing)) };
  } catch (err) {
    throw new PartialSuccessError(
      sid,
      outs,
      news,
      `${what} but could not apply its routing: ${messageOf(err)}`,
      err,
    );
  }
}

function criteriaOf(inputs: ExoPhoneInputs) {
  const country = inputs.country ?? "IN";
  const numberType = inputs.numberType ?? "Landline";
  return {
    query: {
      country,
      numberType,
      ...(inputs.region !== undefined && { inRegion: inputs.region }),
      ...(inputs.incomingSms === true && { incomingSms: true }),
      ...(inputs.contains !== undefined && { contains: inputs.contains }),
    },
    text: `country ${country}, numberType ${numberType}${inputs.region ? `, region ${inputs.region}` : ""}${inputs.contains ? `, contains ${inputs.contains}` : ""}${inputs.incomingSms ? ", incomingSms" : ""}`,
  };
}

/** A number this resource rented before the process was killed (it carries the label): take it. */
async function ownFromLabel(
  c: Account,
  label: string,
  inputs: ExoPhoneInputs,
): Promise<ExotelNumber | undefined> {
  for (const n of await c.labels.take(label)) {
    const e164 = toE164(n.phone_number) ?? n.phone_number;
    if (inputs.phoneNumber !== undefined && e164 !== inputs.phoneNumber) continue;
    if (!claim(c.key, e164)) continue;
    tookByLabel(c.key, e164);
    return n;
  }
  return undefined;
}

async function create(news: Props): Promise<pulumi.dynamic.CreateResult> {
  const inputs = exoPhoneInputs.parse(stripMeta(news));
  const c = client();
  const identity = identityOf(news);
  const label = identity !== undefined && !inputs.adopt ? labelFor(identity, stripMeta(news)) : undefined;
  if (label !== undefined) {
    const own = await ownFromLabel(c, label, inputs);
    if (own) {
      const r = await created(c, own, inputs, news);
      return { ...r, outs: { ...r.outs, [TOOK_BY_LABEL]: true } };
    }
  }

  if (inputs.phoneNumber !== undefined) {
    const e164 = inputs.phoneNumber;
    if (!claim(c.key, e164)) throw new Error(`${e164} is already declared by another ExoPhone in this stack`);
    let rented: PurchaseOutcome<ExotelNumber>;
    try {
      if (inputs.adopt) return await adopt(c, e164, inputs, news);
      rented = await rentOne(c, e164, inputs, label);
    } catch (err) {
      unclaim(c.key, e164);
      throw err;
    }
    if (rented.outcome === "uncertain") throw uncertainError(news, e164, inputs, rented.reason);
    if (rented.outcome === "bought") return created(c, rented.value, inputs, news);
    unclaim(c.key, e164);
    const held = await findHeld(c.api, e164).catch(() => undefined);
    if (held)
      throw new Error(
        `${e164} is already held by this Exotel account; set adopt: true to manage it instead of renting it`,
      );
    throw new Error(`${e164} is not available to rent from Exotel (taken or not for sale): ${rented.reason}`);
  }

  const criteria = criteriaOf(inputs);
  const numberOf = (a: ExotelAvailableNumber) => toE164(a.phone_number) ?? a.phone_number;
  const pool = poolFor(
    c.key,
    JSON.stringify(criteria.query),
    () => c.api.searchAvailableNumbers(criteria.query),
    numberOf,
  );
  const { value } = await rentFirst({
    account: c.key,
    pool,
    numberOf,
    maxCandidates: MAX_CANDIDATES,
    attempt: (a) => rentOne(c, numberOf(a), inputs, label),
    uncertain: (a, reason) => uncertainError(news, numberOf(a), inputs, reason, a),
    exhausted: (tried) =>
      new Error(
        tried === 0
          ? `no Exotel number is available for ${criteria.text}; loosen the criteria or pick another region`
          : `Exotel numbers for ${criteria.text} were all taken before they could be rented (${tried} tried); run pulumi up again`,
      ),
  });
  return created(c, value, inputs, news);
}

async function adopt(
  c: Account,
  e164: string,
  inputs: ExoPhoneInputs,
  news: Props,
): Promise<pulumi.dynamic.CreateResult> {
  // A burst of adoptions (an exported inventory's first up) is answered from one walk of the list.
  const held = await c.byNumber.read(e164, () => findHeld(c.api, e164));
  if (!held) throw new Error(`adopt: ${e164} is not held by this Exotel account; remove adopt to rent it`);
  return withRouting(c, held.sid, outputsOf(held, inputs), inputs, news, `adopted ${e164}`);
}

/** The number an uncertain record stands for, if the account holds it (one shared walk per burst). */
function settled(c: Account, mark: UncertainMark): Promise<ExotelNumber | undefined> {
  return c.byNumber.read(mark.number, () => findHeld(c.api, mark.number));
}

async function settleRead(c: Account, mark: UncertainMark, props: Props): Promise<pulumi.dynamic.ReadResult> {
  const held = await settled(c, mark);
  if (held) return { id: held.sid, props: keepTookByLabel(props, outputsOf(held, props)) };
  unclaim(c.key, mark.number);
  reportNotHeld("ExoPhone", mark);
  return { id: "", props: {} };
}

async function read(rawId: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
  const c = client();
  const mark = uncertainOf(props);
  if (mark) return settleRead(c, mark, props);
  const id = vendorId(rawId, props.sid);
  const e164 = typeof props.phoneNumber === "string" ? props.phoneNumber : undefined;
  const live = await c.reader.read(id, () => liveOf(c, id, e164));
  if (!live) return { id: "", props: {} };
  return { id, props: keepTookByLabel(props, outputsOf(live, props, props)) };
}

const saidOnce = new Set<string>();
function sayOnce(key: string, line: string): void {
  if (saidOnce.has(key)) return;
  saidOnce.add(key);
  console.log(line);
}

/**
 * The v2 details (with connectivity) of a held number. The rent answers a 32-hex sid while the v2
 * example's sid is the national number ("can be different than the ExoPhone itself"), so the rent
 * sid is tried first, then the national number. The answer keeps `sid` as given: it is the id that
 * v2_beta's update and release take. Undefined when v2 knows the number by neither.
 */
export async function detailsOf(
  api: ExotelClient,
  sid: string,
  e164: string | undefined,
): Promise<ExotelNumberDetails | undefined> {
  const national = e164 === undefined ? undefined : exotelNationalForm(e164);
  for (const candidate of national && national !== sid ? [sid, national] : [sid]) {
    try {
      const d = await api.getNumberDetails(candidate);
      if (candidate !== sid) {
        sayOnce(
          `v2-sid:${candidate}`,
          `pulumi-phone-numbers: Exotel v2 details know ${e164} by its national number ${candidate}, not by sid ${sid}; reading them that way`,
        );
      }
      return { ...d, sid };
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return undefined;
}

/**
 * The live number for a read, or undefined when it is gone. Gone means confirmed: a 404 from the v2
 * details alone is not enough (dropping a number from state makes the next up rent another), so
 * the v2_beta record is asked too; only when both say "not found" is the number gone.
 */
async function liveOf(
  c: Account,
  sid: string,
  e164: string | undefined,
): Promise<ExotelNumber | ExotelNumberDetails | ExotelNumberAnswer | undefined> {
  const details = await detailsOf(c.api, sid, e164);
  if (details) return details;
  const record = await unlessGone(c.api.get(sid));
  if (record) {
    sayOnce(
      `v2-missing:${sid}`,
      `pulumi-phone-numbers: Exotel v2 details do not know ExoPhone ${sid} (${e164 ?? "number unknown"}) but v2_beta holds it; connectivity is kept from the last read`,
    );
  }
  return record;
}

async function update(rawId: string, stored: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = exoPhoneInputs.parse(stripMeta(news));
  const c = client();
  let olds = stored;
  const mark = uncertainOf(stored);
  if (mark) {
    // Settle a rent left uncertain: held, keep it; not held, rent now (the id stays the placeholder;
    // read, update and delete use the `sid` output).
    const held = await settled(c, mark);
    if (!held) {
      unclaim(c.key, mark.number);
      reportNotHeld("ExoPhone", mark);
      return { outs: (await create(news)).outs };
    }
    olds = outputsOf(held, inputs);
  }
  const id = vendorId(rawId, olds.sid);
  const routing = inPlacePatch(D.rules, inputs, olds);
  c.reader.invalidate(id);
  let outs: ExoPhoneOutputs;
  if (Object.keys(routing).length > 0) {
    outs = outputsOf(await c.api.update(id, routing), inputs, olds, urlsSent(routing));
  } else {
    const e164 = typeof olds.phoneNumber === "string" ? olds.phoneNumber : undefined;
    outs = outputsOf((await detailsOf(c.api, id, e164)) ?? (await c.api.get(id)), inputs, olds);
  }
  // The mark of a create that took its number by its label stays (its delete must release it).
  return { outs: keepTookByLabel(stored, outs) };
}

async function del(rawId: string, props: Props): Promise<void> {
  const c = client();
  const mark = uncertainOf(props);
  let id = vendorId(rawId, props.sid);
  if (mark) {
    const held = await findHeld(c.api, mark.number); // a failed look fails the delete: nothing is forgotten
    unclaim(c.key, mark.number);
    if (!held) return;
    id = held.sid;
  }
  const e164 = mark?.number ?? props.phoneNumber;
  if (typeof e164 === "string" && wasTakenByLabel(c.key, e164, props)) {
    // Replaced with unchanged inputs: the new resource took this number by its label; keep it.
    process.stderr.write(`ExoPhone: ${e164} is now held by its replacement; not released.\n`);
    return;
  }
  c.reader.invalidate(id);
  await release({
    what: `Exotel release of ${e164 ?? id}`,
    release: () => c.api.release(id),
    isHeld: async () => (await unlessGone(c.api.get(id))) !== undefined,
  });
  if (typeof e164 === "string") unclaim(c.key, e164);
}

export const exoPhoneProvider = {
  configure,
  check: async (_olds: Props, news: Props) => checkKind(D, news),
  diff: async (_id: string, olds: Props, news: Props) => uncertainDiff(olds) ?? diffKind(D, olds, news),
  create,
  read,
  update,
  delete: del,
};
