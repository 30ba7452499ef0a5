/**
 * ApifonicaNumber: one Apifonica number. Create rents exactly `number`, adopts it, or searches a
 * country's available numbers and rents the first; in place: the linked call and message
 * applications (which carry the voice and SMS controller URLs), `name` and `mode`; delete releases it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { parsePhoneNumberFromString } from "libphonenumber-js";
import { e164Of, type Props, stripMeta } from "../core/check.js";
import { claim, isClaimed, unclaim } from "../core/claims.js";
import { apifonicaSettings, configure, unlabelledWindowMs } from "../core/config.js";
import { rentFirst } from "../core/create.js";
import { inPlacePatch } from "../core/diff.js";
import { type Intent, Intents, intending, recoverIntents, SKEW_MS, withIntents } from "../core/intents.js";
import { InventoryReader } from "../core/inventory.js";
import {
  identityOf,
  isBlankName,
  isLabel,
  LabelIndex,
  labelFor,
  rentedAt,
  TOOK_BY_LABEL,
  tookByLabel,
  unlabelledGuard,
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
  type ApifonicaAvailableNumber,
  type ApifonicaNumber,
  type ApifonicaNumberCost,
  apifonicaClients,
} from "./client.js";
import {
  type ApifonicaNumberInputs,
  type ApifonicaNumberOutputs,
  apifonicaNumberInputs,
} from "./number.schema.js";

const D: ResourceKind = KINDS["apifonica-number"];
export const KIND = D.kind;
const STATE_VERSION = 1;
const MAX_CANDIDATES = 5;
const DEFAULT_APPS = new Set(["default_call_app_sid", "default_msg_app_sid", ""]);

const app = (sid: string | null | undefined) => (sid && !DEFAULT_APPS.has(sid) ? sid : null);

function outputsOf(
  n: ApifonicaNumber,
  inputs: Props,
  cost: ApifonicaNumberCost | undefined,
): ApifonicaNumberOutputs {
  const out: ApifonicaNumberOutputs = {
    stateVersion: STATE_VERSION,
    numberSid: n.number_sid,
    number: e164Of(n.number) ?? n.number,
    countryCode: n.country_code.toUpperCase(),
    countryName: n.country_name ?? "",
    type: n.type,
    voice: n.voice === true,
    messaging: n.messaging === true,
    capabilities: { voice: n.voice === true, messaging: n.messaging === true },
    callAppSid: app(n.call_app_sid),
    msgAppSid: app(n.msg_app_sid),
    // One copy of the list documentation has no `name`: an answer without the key keeps the name known.
    name: n.name !== undefined ? n.name : typeof inputs.name === "string" ? inputs.name : null,
    mode: n.mode ?? "xml",
    monthlyRental: cost?.monthly_price ?? null,
    setupPrice: cost?.setup_price ?? null,
    currency: cost?.currency ?? null,
  };
  if (typeof inputs.adopt === "boolean") out.adopt = inputs.adopt;
  return out;
}

/** The account's client and readers, shared by every ApifonicaNumber of the process. */
type Account = ReturnType<typeof account>;

function account() {
  return vendorAccount(KIND, apifonicaClients, apifonicaSettings(), ({ api }) => ({
    /** Numbers carrying an identity label (`name`), from one walk per process. */
    labels: new LabelIndex(
      () => api.list(),
      (n) => n.name,
      // A list without the `name` key (one copy of the documents): the record must be read.
      (n) => (!("name" in n) ? "unknown" : isBlankName(n.name, n.number)),
    ),
    reader: new InventoryReader(
      () => api.listPages(),
      (n: ApifonicaNumber) => n.number_sid,
    ),
    costs: new InventoryReader(
      () => pages(api.listNumberCosts()),
      (c: ApifonicaNumberCost) => c.number_sid,
    ),
  }));
}

async function* pages<T>(items: AsyncIterable<T>, size = 20): AsyncIterable<T[]> {
  let page: T[] = [];
  for await (const item of items) {
    page.push(item);
    if (page.length === size) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

/** A number's prices: Apifonica has no per-number cost endpoint, so its cost list is walked (batched). */
function costOf(a: Account, numberSid: string): Promise<ApifonicaNumberCost | undefined> {
  return a.costs.read(numberSid, async () => {
    for await (const c of a.api.listNumberCosts()) if (c.number_sid === numberSid) return c;
    return undefined;
  });
}

async function outputsNow(a: Account, n: ApifonicaNumber, inputs: Props): Promise<ApifonicaNumberOutputs> {
  return outputsOf(n, inputs, await costOf(a, n.number_sid));
}

async function findHeld(a: Account, e164: string): Promise<ApifonicaNumber | undefined> {
  for await (const n of a.api.list({ number: e164 })) {
    if (e164Of(n.number) === e164) return n;
  }
  return undefined;
}

/** What create knows of a number before reading it back: enough for complete outputs. */
interface Known {
  e164: string;
  candidate?: ApifonicaAvailableNumber | undefined;
  /** The app SID sent with the rent. */
  link: { callAppSid?: string; msgAppSid?: string };
  name: string | null;
}

/** Rents one number through the purchase engine. */
function rentOne(a: Account, known: Known): Promise<PurchaseOutcome<string>> {
  return purchase({
    what: `Apifonica rent of ${known.e164}`,
    buy: async () => (await a.api.rent({ number: known.e164, ...known.link })).numberSid,
    findHeld: async () => (await findHeld(a, known.e164))?.number_sid,
  });
}

/** The in-place fields whose input differs from `current` (the update patch, from the diff rules). */
function changes(inputs: ApifonicaNumberInputs, current: Props) {
  return inPlacePatch(D.rules, inputs, current);
}

/**
 * Complete outputs of a number create has not read back (a failed read after the rent, or an
 * uncertain rent): every key a normal create writes, the inputs under their keys, so the next diff
 * proposes no replacement and the next up finishes the job in place.
 */
function knownOutputs(
  numberSid: string,
  known: Known,
  inputs: ApifonicaNumberInputs,
): ApifonicaNumberOutputs {
  const c = known.candidate;
  const country = inputs.countryCode ?? parsePhoneNumberFromString(known.e164)?.country ?? "";
  return outputsOf(
    {
      number_sid: numberSid,
      number: known.e164,
      name: known.name,
      country_code: country,
      type: c?.type ?? inputs.type ?? "local",
      call_controller: null,
      call_method: null,
      msg_controller: null,
      msg_method: null,
      call_app_sid: known.link.callAppSid ?? null,
      msg_app_sid: known.link.msgAppSid ?? null,
      created: "",
      voice: c?.voice ?? inputs.voice === true,
      messaging: c?.messaging ?? inputs.messaging === true,
      mode: "xml",
    },
    inputs,
    undefined,
  );
}

/**
 * After the rent (not part of it): write the label or the user's name and the rest of the routing in
 * one update, then read the number back. A failure keeps the number in state with complete outputs.
 */
async function finish(
  a: Account,
  numberSid: string,
  known: Known,
  inputs: ApifonicaNumberInputs,
  news: Props,
  label?: string,
): Promise<pulumi.dynamic.CreateResult> {
  const sent = { callAppSid: known.link.callAppSid, msgAppSid: known.link.msgAppSid, name: known.name };
  const p = changes(inputs, sent);
  if (label !== undefined && inputs.name === undefined && known.name !== label) p.name = label;
  // What is known to hold if the update fails: the rent's own fields (an update is asked again by the next up).
  const outs = knownOutputs(numberSid, known, inputs);
  try {
    if (Object.keys(p).length > 0) {
      a.reader.invalidate(numberSid);
      await a.api.update(numberSid, p);
    }
    return { id: numberSid, outs: await outputsNow(a, await a.api.get(numberSid), inputs) };
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

function uncertainError(news: Props, known: Known, inputs: ApifonicaNumberInputs, reason: string) {
  const outs = { ...knownOutputs("", known, inputs), ...uncertainMark(known.e164, reason) };
  return new UncertainPurchaseError(placeholderId(known.e164), outs, news, reason);
}

/** Apifonica takes only one of the two app SIDs when renting; the other is linked right after. */
function linkOf(inputs: ApifonicaNumberInputs): Known["link"] {
  return inputs.callAppSid !== undefined
    ? { callAppSid: inputs.callAppSid }
    : inputs.msgAppSid !== undefined
      ? { msgAppSid: inputs.msgAppSid }
      : {};
}

/** A number this resource rented before the process was killed (it carries the label): take it. */
async function ownFromLabel(a: Account, label: string, inputs: ApifonicaNumberInputs) {
  for (const n of await a.labels.take(label)) {
    const e164 = e164Of(n.number) ?? n.number;
    if (inputs.number !== undefined && e164 !== inputs.number) continue;
    if (!claim(a.key, e164)) continue;
    tookByLabel(a.key, e164);
    return n;
  }
  return undefined;
}

/** What one create works with. */
interface Creating {
  a: Account;
  inputs: ApifonicaNumberInputs;
  news: Props;
  /** The identity label (core/labels.ts), for a create with an identity that does not adopt. */
  label: string | undefined;
  /** Its purchase intents (core/intents.ts), with the label. */
  intents: Intents | undefined;
  link: Known["link"];
}

async function create(news: Props): Promise<pulumi.dynamic.CreateResult> {
  const inputs = apifonicaNumberInputs.parse(stripMeta(news));
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
async function recovered(c: Creating): Promise<pulumi.dynamic.CreateResult | undefined> {
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
    { e164, link: {}, name: own.name ?? null },
    inputs,
    c.news,
    label,
  );
  return { ...r, outs: { ...r.outs, [TOOK_BY_LABEL]: true } };
}

/** The intent's number as the earlier run's purchase: held, rented since the intent, unnamed or ours. */
async function boughtSince(
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
async function createExact(c: Creating, e164: string): Promise<pulumi.dynamic.CreateResult> {
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
      return await finish(a, held.number_sid, { e164, link: {}, name: held.name ?? null }, inputs, news);
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
async function createBySearch(c: Creating): Promise<pulumi.dynamic.CreateResult> {
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
async function refuseIfUnlabelled(a: Account, inputs: ApifonicaNumberInputs, criteria: string) {
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

/** The number an uncertain record stands for, if the account holds it. */
function settled(a: Account, mark: UncertainMark): Promise<ApifonicaNumber | undefined> {
  return findHeld(a, mark.number);
}

async function read(rawId: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
  const a = account();
  const mark = uncertainOf(props);
  if (mark) {
    const held = await settled(a, mark);
    if (held) return { id: held.number_sid, props: keepTookByLabel(props, await outputsNow(a, held, props)) };
    unclaim(a.key, mark.number);
    reportNotHeld("ApifonicaNumber", mark);
    return { id: "", props: {} };
  }
  const id = vendorId(rawId, props.numberSid);
  const live = await a.reader.read(id, () => confirmedLive(a, id, props.number));
  if (!live) return { id: "", props: {} };
  return { id, props: keepTookByLabel(props, await outputsNow(a, live, props)) };
}

/**
 * The number by its sid; gone only when confirmed. The get-one path is inferred from the rent's
 * `uri` (no document shows it), so its 404 alone does not drop a number (dropping means re-buying):
 * the account's list, filtered by the number, must agree.
 */
async function confirmedLive(a: Account, id: string, number: unknown): Promise<ApifonicaNumber | undefined> {
  const one = await unlessGone(a.api.get(id));
  if (one || typeof number !== "string") return one;
  const listed = await findHeld(a, number);
  if (listed) {
    console.log(
      `pulumi-phone-numbers: Apifonica answered 404 for number ${id} (${number}) but its list holds it as ${listed.number_sid}; kept`,
    );
  }
  return listed;
}

async function update(rawId: string, stored: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = apifonicaNumberInputs.parse(stripMeta(news));
  const a = account();
  let olds = stored;
  const mark = uncertainOf(stored);
  if (mark) {
    // Settle a rent left uncertain: held, keep it; not held, rent now (the id stays the placeholder;
    // read, update and delete use the `numberSid` output).
    const held = await settled(a, mark);
    if (!held) {
      unclaim(a.key, mark.number);
      reportNotHeld("ApifonicaNumber", mark);
      return { outs: (await create(news)).outs };
    }
    olds = outputsOf(held, inputs, undefined);
  }
  const id = vendorId(rawId, olds.numberSid);
  // Held by this resource: the unlabelled-number guard of creates in this process skips it.
  if (typeof olds.number === "string") claim(a.key, olds.number);
  a.reader.invalidate(id);
  const p = changes(inputs, olds);
  // A create whose label write failed (partial success) left the number unnamed: label it now, or
  // the next runs' unlabelled-number guard would see a number no resource claims.
  const identity = identityOf(news);
  if (
    identity !== undefined &&
    !inputs.adopt &&
    inputs.name === undefined &&
    typeof olds.number === "string" &&
    !isLabel(olds.name) &&
    isBlankName(olds.name, olds.number)
  )
    p.name = labelFor(identity, stripMeta(news));
  if (Object.keys(p).length > 0) await a.api.update(id, p);
  const outs = await outputsNow(a, await a.api.get(id), inputs);
  // The mark of a create that took its number by its label stays (its delete must release it).
  return { outs: keepTookByLabel(stored, outs) };
}

async function del(rawId: string, props: Props): Promise<void> {
  const a = account();
  const mark = uncertainOf(props);
  let id = vendorId(rawId, props.numberSid);
  if (mark) {
    const held = await settled(a, mark); // a failed look fails the delete: nothing is forgotten
    unclaim(a.key, mark.number);
    if (!held) return;
    id = held.number_sid;
  }
  const e164 = mark?.number ?? props.number;
  if (typeof e164 === "string" && wasTakenByLabel(a.key, e164, props)) {
    // Replaced with unchanged inputs: the new resource took this number by its label; keep it.
    process.stderr.write(`ApifonicaNumber: ${e164} is now held by its replacement; not released.\n`);
    return;
  }
  a.reader.invalidate(id);
  await release({
    what: `Apifonica release of ${e164 ?? id}`,
    release: () => a.api.release(id),
    isHeld: async () => (await unlessGone(a.api.get(id))) !== undefined,
  });
  if (typeof e164 === "string") unclaim(a.key, e164);
}

/**
 * A number in the stack's state (seen by diff): claimed in this process, so the unlabelled-number
 * guard of creates never blocks on a number a resource holds (an adopted one without a name).
 */
function heldInState(olds: Props): void {
  if (typeof olds.number !== "string" || uncertainOf(olds)) return;
  try {
    claim(account().key, olds.number);
  } catch {
    // no settings yet (a diff never fails for this)
  }
}

export const apifonicaNumberProvider = {
  configure,
  check: async (_olds: Props, news: Props) => checkKind(D, news),
  diff: async (_id: string, olds: Props, news: Props) => {
    heldInState(olds);
    return uncertainDiff(olds) ?? diffKind(D, olds, news);
  },
  create,
  read,
  update,
  delete: del,
};
