/**
 * ApifonicaNumber create: take a number rented before a crash (label, intents), rent an exact
 * number or adopt it, or search and rent the first candidate; link the applications and name it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { countryOf, e164Of, type Props, stripMeta } from "../core/check.js";
import { claim, isClaimed, unclaim } from "../core/claims.js";
import { unlabelledWindowMs } from "../core/config.js";
import { rentFirst } from "../core/create.js";
import { inPlacePatch } from "../core/diff.js";
import { answerOf, type Field } from "../core/fields.js";
import { type Intent, Intents, intending, recoverIntents, SKEW_MS, withIntents } from "../core/intents.js";
import {
  identityOf,
  isBlankName,
  labelFor,
  rentedAt,
  TOOK_BY_LABEL,
  tookByLabel,
  unlabelledGuard,
} from "../core/labels.js";
import { takeByLabel } from "../core/one-number.js";
import { messageOf, PartialSuccessError, UncertainPurchaseError, unlessGone } from "../core/outcome.js";
import { poolFor } from "../core/pool.js";
import { type PurchaseOutcome, purchase } from "../core/purchase.js";
import { placeholderId, uncertainMark } from "../core/settle.js";
import type { ApifonicaAvailableNumber, ApifonicaNumber, ApifonicaNumberPatch } from "./client.js";
import {
  APIFONICA_NUMBER_FIELDS,
  type ApifonicaNumberInputs,
  type ApifonicaNumberOutputs,
} from "./number.schema.js";
import { type Account, account, D, findHeld, INPUTS, MAX_CANDIDATES, outputsOf } from "./number.state.js";

/** What create knows of a number before reading it back: enough for complete outputs. */
export interface Known {
  e164: string;
  candidate?: ApifonicaAvailableNumber | undefined;
  /** The app SID sent with the rent. */
  link: { callAppSid?: string; msgAppSid?: string };
  name: string | null;
  /** The vendor's record of a number held before this create (taken by label or intent, adopted). */
  record?: ApifonicaNumber | undefined;
}

/** Rents one number through the purchase engine. */
export function rentOne(a: Account, known: Known): Promise<PurchaseOutcome<string>> {
  return purchase({
    what: `Apifonica rent of ${known.e164}`,
    buy: async () => (await a.api.rent({ number: known.e164, ...known.link })).numberSid,
    findHeld: async () => (await findHeld(a, known.e164))?.number_sid,
  });
}

/** The in-place fields whose input differs from `current` (the update patch, from the diff rules). */
export function changes(inputs: ApifonicaNumberInputs, current: Props) {
  return inPlacePatch(D.rules, inputs, current);
}

/**
 * Complete outputs of a number create has not read back (a failed read after the rent, or an
 * uncertain rent): every key a normal create writes, the inputs under their keys, so the next diff
 * proposes no replacement and the next up finishes the job in place.
 */
export function knownOutputs(
  numberSid: string,
  known: Known,
  inputs: ApifonicaNumberInputs,
): ApifonicaNumberOutputs {
  const c = known.candidate;
  const country = inputs.countryCode ?? countryOf(known.e164) ?? "";
  return outputsOf(
    rentRecord(numberSid, known, {
      name: known.name,
      country_code: country,
      type: c?.type ?? inputs.type ?? "local",
      voice: c?.voice ?? inputs.voice === true,
      messaging: c?.messaging ?? inputs.messaging === true,
    }),
    inputs,
    undefined,
  );
}

/** What a rent's record holds besides what the rent sent. */
type RentFields = Pick<ApifonicaNumber, "country_code" | "type" | "voice" | "messaging"> &
  Partial<Pick<ApifonicaNumber, "name" | "country_name">>;

/**
 * The record a rent of `known` makes: the app SID sent and every other in-place field unset (the
 * name is the vendor's default, unknown unless `fields` gives it), no controllers, Apifonica's
 * default mode.
 */
function rentRecord(numberSid: string, known: Known, fields: RentFields): ApifonicaNumber {
  const { name: _vendorDefault, ...unset } = answerOf(APIFONICA_NUMBER_FIELDS, known.link);
  return {
    number_sid: numberSid,
    number: known.e164,
    ...unset,
    ...fields,
    call_controller: null,
    call_method: null,
    msg_controller: null,
    msg_method: null,
    created: "",
    mode: "xml",
  };
}

/** The record's values of the in-place fields a patch writes, under their answer keys. */
function writtenBy(p: ApifonicaNumberPatch): Partial<ApifonicaNumber> {
  const written: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(APIFONICA_NUMBER_FIELDS) as [string, Field][]) {
    const v = (p as Record<string, unknown>)[k];
    if (f.wire && v !== undefined) written[f.wire.answer] = v;
  }
  return written as Partial<ApifonicaNumber>;
}

/**
 * After the rent (not part of it): write the label or the user's name and the rest of the routing in
 * one update, then read the number back. A failure keeps the number in state with complete outputs.
 */
export async function finish(
  a: Account,
  numberSid: string,
  known: Known,
  inputs: ApifonicaNumberInputs,
  news: Props,
  label?: string,
): Promise<Required<pulumi.dynamic.CreateResult<ApifonicaNumberOutputs>>> {
  const sent = { callAppSid: known.link.callAppSid, msgAppSid: known.link.msgAppSid, name: known.name };
  const p = changes(inputs, sent);
  if (label !== undefined && inputs.name === undefined && known.name !== label) p.name = label;
  // What is known to hold if the update fails: the rent's own fields (an update is asked again by the next up).
  const outs = knownOutputs(numberSid, known, inputs);
  // The cost lookup does not depend on the update: both run at once (one round trip less per create).
  const cost = a.costList.get(numberSid);
  cost.catch(() => undefined);
  try {
    if (Object.keys(p).length > 0) {
      a.reader.invalidate(numberSid);
      await a.api.update(numberSid, p);
    }
    const record = recordAfter(numberSid, known, inputs, p) ?? (await a.api.get(numberSid));
    return { id: numberSid, outs: outputsOf(record, inputs, await cost) };
  } catch (err) {
    throw new PartialSuccessError(
      numberSid,
      outs,
      news,
      `rented ${known.e164} but could not finish its routing: ${messageOf(err)}`,
      err,
    );
  }
}

/**
 * The number's record after the create's writes, from what is known instead of a read (the rent and
 * the update answer only a status): the record of a number held before, or the search's offer (type,
 * services, country name) with what the rent and the update sent. Undefined when the vendor holds a
 * field state keeps that is not known (an exact rent has no offer; a rent whose name was not written
 * has the vendor's default name): then the number is read. A fresh rent's mode is Apifonica's default,
 * `xml`, unless the update set it.
 */
export function recordAfter(
  numberSid: string,
  known: Known,
  inputs: ApifonicaNumberInputs,
  p: ApifonicaNumberPatch,
): ApifonicaNumber | undefined {
  const base = known.record ?? offered(numberSid, known, inputs);
  const name = p.name ?? base?.name;
  if (base === undefined || name === undefined) return undefined;
  return { ...base, name, ...writtenBy(p) };
}

/** The record a rent of a searched offer makes (its name unknown), or undefined without the offer's country name. */
function offered(
  numberSid: string,
  known: Known,
  inputs: ApifonicaNumberInputs,
): ApifonicaNumber | undefined {
  const c = known.candidate;
  if (c?.country_name === undefined || inputs.countryCode === undefined) return undefined;
  return rentRecord(numberSid, known, {
    country_code: inputs.countryCode,
    country_name: c.country_name,
    type: c.type,
    voice: c.voice,
    messaging: c.messaging,
  });
}

export function uncertainError(news: Props, known: Known, inputs: ApifonicaNumberInputs, reason: string) {
  const outs = { ...knownOutputs("", known, inputs), ...uncertainMark(known.e164, reason) };
  return new UncertainPurchaseError(placeholderId(known.e164), outs, news, reason);
}

/** Apifonica takes only one of the two app SIDs when renting; the other is linked right after. */
export function linkOf(inputs: ApifonicaNumberInputs): Known["link"] {
  return inputs.callAppSid !== undefined
    ? { callAppSid: inputs.callAppSid }
    : inputs.msgAppSid !== undefined
      ? { msgAppSid: inputs.msgAppSid }
      : {};
}

/** A number this resource rented before the process was killed (it carries the label): take it. */
export async function ownFromLabel(a: Account, label: string, inputs: ApifonicaNumberInputs) {
  const candidates = await a.labels.take(label, (x) => unlessGone(a.api.get(x.number_sid)));
  return takeByLabel(a.key, candidates, (n) => e164Of(n.number) ?? n.number, inputs.number);
}

/** What one create works with. */
export interface Creating {
  a: Account;
  inputs: ApifonicaNumberInputs;
  news: Props;
  /** The identity label (core/labels.ts), for a create with an identity that does not adopt. */
  label: string | undefined;
  /** Its purchase intents (core/intents.ts), with the label. */
  intents: Intents | undefined;
  link: Known["link"];
}

export async function create(
  news: Props,
): Promise<Required<pulumi.dynamic.CreateResult<ApifonicaNumberOutputs>>> {
  const inputs = INPUTS.parse(stripMeta(news));
  const a = account();
  const identity = identityOf(news);
  const label = identity !== undefined && !inputs.adopt ? labelFor(identity, stripMeta(news)) : undefined;
  const c: Creating = {
    a,
    inputs,
    news,
    label,
    intents: label !== undefined ? new Intents(a.key, label) : undefined,
    link: linkOf(inputs),
  };
  return withIntents(c.intents, async () => {
    const own = await recovered(c);
    if (own) return own;
    return inputs.number !== undefined ? createExact(c, inputs.number) : createBySearch(c);
  });
}

/**
 * A number an earlier run of this create bought before the process was killed: carrying the label,
 * or named by an intent that earlier run left (core/intents.ts). Taken, labelled and routed.
 */
export async function recovered(
  c: Creating,
): Promise<Required<pulumi.dynamic.CreateResult<ApifonicaNumberOutputs>> | undefined> {
  const { a, inputs, label } = c;
  if (label === undefined) return undefined;
  let own = await ownFromLabel(a, label, inputs);
  if (!own) {
    const back = await recoverIntents(c.intents, (it) => boughtSince(a, it, label, inputs));
    const first = back.held.find((h) => claim(a.key, h.number));
    if (first) own = first.value;
    else if (back.unknown[0]) {
      const u = back.unknown[0];
      if (!claim(a.key, u.number))
        throw new Error(`${u.reason}; another ApifonicaNumber of this stack holds it now`);
      throw uncertainError(c.news, { e164: u.number, link: c.link, name: null }, inputs, u.reason);
    }
    if (own) tookByLabel(a.key, e164Of(own.number) ?? own.number);
  }
  if (!own) return undefined;
  const e164 = e164Of(own.number) ?? own.number;
  const r = await finish(
    a,
    own.number_sid,
    { e164, link: {}, name: own.name ?? null, record: own },
    inputs,
    c.news,
    label,
  );
  return { ...r, outs: { ...r.outs, [TOOK_BY_LABEL]: true } };
}

/** The intent's number as the earlier run's purchase: held, rented since the intent, unnamed or ours. */
export async function boughtSince(
  a: Account,
  it: Intent,
  label: string,
  inputs: ApifonicaNumberInputs,
): Promise<ApifonicaNumber | undefined> {
  if (inputs.number !== undefined && it.number !== inputs.number) return undefined;
  const n = await findHeld(a, it.number);
  if (!n || isClaimed(a.key, it.number)) return undefined;
  if (n.name !== label && !isBlankName(n.name, n.number)) return undefined;
  const at = rentedAt(n.created);
  return at.to !== undefined && at.to < it.at - SKEW_MS ? undefined : n;
}

/** Rents (or adopts) exactly `number`. */
export async function createExact(
  c: Creating,
  e164: string,
): Promise<Required<pulumi.dynamic.CreateResult<ApifonicaNumberOutputs>>> {
  const { a, inputs, news, label } = c;
  if (!claim(a.key, e164))
    throw new Error(`${e164} is already declared by another ApifonicaNumber in this stack`);
  const known: Known = { e164, link: c.link, name: null };
  let rented: PurchaseOutcome<string>;
  try {
    if (inputs.adopt) {
      const held = await findHeld(a, e164);
      if (!held)
        throw new Error(`adopt: ${e164} is not held by this Apifonica account; remove adopt to rent it`);
      const known = { e164, link: {}, name: held.name ?? null, record: held };
      return await finish(a, held.number_sid, known, inputs, news);
    }
    rented = await intending(c.intents, e164, () => rentOne(a, known));
  } catch (err) {
    if (!(err instanceof PartialSuccessError)) unclaim(a.key, e164);
    throw err;
  }
  if (rented.outcome === "bought") return finish(a, rented.value, known, inputs, news, label);
  if (rented.outcome === "uncertain") throw uncertainError(news, known, inputs, rented.reason);
  unclaim(a.key, e164);
  const held = await findHeld(a, e164).catch(() => undefined);
  throw new Error(
    held
      ? `${e164} is already held by this Apifonica account; set adopt: true to manage it instead of renting it`
      : `${e164} is not available to rent from Apifonica (taken or not for sale): ${rented.reason}`,
  );
}

/** Searches the country's available numbers (shared pool) and rents the first available one. */
export async function createBySearch(
  c: Creating,
): Promise<Required<pulumi.dynamic.CreateResult<ApifonicaNumberOutputs>>> {
  const { a, inputs, news, label } = c;
  const country = inputs.countryCode!;
  const query = {
    ...(inputs.type !== undefined && { type: inputs.type }),
    ...(inputs.voice !== undefined && { voice: inputs.voice }),
    ...(inputs.messaging !== undefined && { messaging: inputs.messaging }),
  };
  const numberOf = (n: ApifonicaAvailableNumber) => e164Of(n.number) ?? n.number;
  const pool = poolFor(
    a.key,
    JSON.stringify({ country, ...query }),
    () => a.api.searchAvailableNumbers(country, query),
    numberOf,
  );
  const knownOf = (n: ApifonicaAvailableNumber): Known => ({
    e164: numberOf(n),
    candidate: n,
    link: c.link,
    name: null,
  });
  const criteria = `countryCode ${country}${inputs.type ? `, type ${inputs.type}` : ""}${inputs.voice ? ", voice" : ""}${inputs.messaging ? ", messaging" : ""}`;
  if (label !== undefined) await refuseIfUnlabelled(a, inputs, criteria);
  const { candidate, value } = await rentFirst({
    account: a.key,
    pool,
    numberOf,
    maxCandidates: MAX_CANDIDATES,
    attempt: (n) => intending(c.intents, numberOf(n), () => rentOne(a, knownOf(n))),
    uncertain: (n, reason) => uncertainError(news, knownOf(n), inputs, reason),
    exhausted: (tried) =>
      new Error(
        tried === 0
          ? `no Apifonica number is available for ${criteria}; loosen the criteria`
          : `Apifonica numbers for ${criteria} were all taken before they could be rented (${tried} tried); run pulumi up again`,
      ),
  });
  return finish(a, value, knownOf(candidate), inputs, news, label);
}

/**
 * A search create with an identity rents nothing while the account holds a recent unnamed number
 * matching its criteria (a rent of ours may have been cut off before its label: core/labels.ts).
 */
export async function refuseIfUnlabelled(a: Account, inputs: ApifonicaNumberInputs, criteria: string) {
  await unlabelledGuard({
    resource: "ApifonicaNumber",
    vendor: "Apifonica",
    field: "name",
    adoptInputs: (n) => `number: "${n}", adopt: true`,
    configKey: "apifonica:unlabelledWindowHours",
    index: a.labels,
    windowMs: unlabelledWindowMs("apifonica"),
    numberOf: (n) => e164Of(n.number) ?? n.number,
    rentedOf: (n) => rentedAt(n.created),
    matches: (n) =>
      n.country_code.toUpperCase() === inputs.countryCode &&
      (inputs.type === undefined || n.type === inputs.type) &&
      (inputs.voice !== true || n.voice === true) &&
      (inputs.messaging !== true || n.messaging === true),
    claimed: (number) => isClaimed(a.key, number),
    stillUnnamed: async (n) => {
      const now = await unlessGone(a.api.get(n.number_sid));
      return now !== undefined && now.name !== undefined && isBlankName(now.name, now.number);
    },
    criteria,
  });
}
