/**
 * ApifonicaNumber: one Apifonica number. Create rents exactly `number`, adopts it, or searches a
 * country's available numbers and rents the first; in place: the linked call and message
 * applications (which carry the voice and SMS controller URLs), `name` and `mode`; delete releases it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { parsePhoneNumberFromString } from "libphonenumber-js";
import { z } from "zod";
import { perAccount } from "../core/accounts.js";
import {
  type CheckFailure,
  checkWith,
  e164Of,
  exactOrSearch,
  isoCountry,
  nonEmpty,
  oneOf,
  type Props,
  phoneNumber,
  stripMeta,
  withPlus,
} from "../core/check.js";
import { claim, unclaim } from "../core/claims.js";
import { apifonicaSettings, configure } from "../core/config.js";
import { diffWith, type FieldRules } from "../core/diff.js";
import { isNotFound } from "../core/errors.js";
import { InventoryReader } from "../core/inventory.js";
import { messageOf, PartialSuccessError, unlessGone } from "../core/outcome.js";
import { purchase } from "../core/purchase.js";
import {
  type ApifonicaClient,
  type ApifonicaNumber,
  type ApifonicaNumberCost,
  apifonicaClient,
} from "./client.js";

export const KIND = "apifonica-number";
const STATE_VERSION = 1;
const MAX_CANDIDATES = 5;
const DEFAULT_APPS = new Set(["default_call_app_sid", "default_msg_app_sid", ""]);

export const apifonicaNumberInputs = z.strictObject({
  number: phoneNumber("Apifonica number")
    .transform((v) => e164Of(v)!)
    .optional(),
  countryCode: isoCountry().optional(),
  type: oneOf(["local", "mobile", "toll_free", "sip"]).optional(),
  voice: z.boolean().optional(),
  messaging: z.boolean().optional(),
  callAppSid: nonEmpty(64).optional(),
  msgAppSid: nonEmpty(64).optional(),
  name: nonEmpty(100).optional(),
  mode: oneOf(["xml", "sip_phone", "end_point"]).optional(),
  adopt: z.boolean().optional(),
});
export type ApifonicaNumberInputs = z.infer<typeof apifonicaNumberInputs>;

function crossCheck(raw: Props): CheckFailure[] {
  const failures = exactOrSearch(raw, "number", ["type", "voice", "messaging"]);
  const exact = raw.number !== undefined;
  if (!exact && raw.countryCode === undefined) {
    failures.push({
      property: "countryCode",
      reason:
        'is required to search when no exact number is given; allowed: an ISO country code such as "GB"',
    });
  }
  if (exact && typeof raw.number === "string" && typeof raw.countryCode === "string") {
    const country = parsePhoneNumberFromString(withPlus(raw.number))?.country;
    if (country && country !== raw.countryCode.toUpperCase()) {
      failures.push({
        property: "countryCode",
        reason: `${raw.number} is a ${country} number; allowed: "${country}" or leave countryCode out`,
      });
    }
  }
  return failures;
}

export interface ApifonicaNumberOutputs {
  stateVersion: number;
  numberSid: string;
  number: string;
  countryCode: string;
  countryName: string;
  type: string;
  voice: boolean;
  messaging: boolean;
  capabilities: { voice: boolean; messaging: boolean };
  callAppSid: string | null;
  msgAppSid: string | null;
  callController: string | null;
  callMethod: string | null;
  msgController: string | null;
  msgMethod: string | null;
  name: string | null;
  mode: string;
  /** Monthly rental from Apifonica's number cost list (decimal string); null when it lists none. */
  monthlyRental: string | null;
  setupPrice: string | null;
  currency: string | null;
  adopt?: boolean;
}

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
    callController: n.call_controller || null,
    callMethod: n.call_controller ? (n.call_method ?? null) : null,
    msgController: n.msg_controller || null,
    msgMethod: n.msg_controller ? (n.msg_method ?? null) : null,
    name: n.name ?? null,
    mode: n.mode ?? "xml",
    monthlyRental: cost?.monthly_price ?? null,
    setupPrice: cost?.setup_price ?? null,
    currency: cost?.currency ?? null,
  };
  if (typeof inputs.adopt === "boolean") out.adopt = inputs.adopt;
  return out;
}

const rules: FieldRules = {
  number: { replace: true, deleteBeforeReplace: true },
  countryCode: { replace: true },
  type: { replace: true },
  voice: { replace: true, satisfied: (n, o) => n.voice !== true || o.voice === true },
  messaging: { replace: true, satisfied: (n, o) => n.messaging !== true || o.messaging === true },
  callAppSid: {},
  msgAppSid: {},
  name: {},
  mode: {},
};

interface Account {
  api: ApifonicaClient;
  key: string;
  reader: InventoryReader<ApifonicaNumber>;
  costs: InventoryReader<ApifonicaNumberCost>;
}
function account(): Account {
  const settings = apifonicaSettings();
  const key = `apifonica:${settings.baseUrl}:${settings.accountSid}`;
  return perAccount(KIND, key, () => {
    const api = apifonicaClient(settings);
    return {
      api,
      key,
      reader: new InventoryReader(
        () => api.listNumberPages(),
        (n) => n.number_sid,
      ),
      costs: new InventoryReader(
        () => pages(api.listNumberCosts()),
        (c) => c.number_sid,
      ),
    };
  });
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
  for await (const n of a.api.listNumbers({ number: e164 })) {
    if (e164Of(n.number) === e164) return n;
  }
  return undefined;
}

/** Rents one number; "taken" when it is not for sale. */
async function rent(a: Account, e164: string, inputs: ApifonicaNumberInputs): Promise<string | "taken"> {
  // Apifonica takes only one of the two app SIDs when renting; the other is linked right after.
  const link =
    inputs.callAppSid !== undefined
      ? { callAppSid: inputs.callAppSid }
      : inputs.msgAppSid !== undefined
        ? { msgAppSid: inputs.msgAppSid }
        : {};
  const sid = await purchase({
    what: `Apifonica rent of ${e164}`,
    console: "the Apifonica console",
    buy: async () => (await a.api.rentNumber({ number: e164, ...link })).numberSid,
    findHeld: async () => (await findHeld(a, e164))?.number_sid,
  });
  return sid;
}

function changes(inputs: Partial<ApifonicaNumberInputs>, current: Props) {
  const p: { callAppSid?: string; msgAppSid?: string; mode?: string; name?: string } = {};
  if (inputs.callAppSid !== undefined && inputs.callAppSid !== current.callAppSid)
    p.callAppSid = inputs.callAppSid;
  if (inputs.msgAppSid !== undefined && inputs.msgAppSid !== current.msgAppSid)
    p.msgAppSid = inputs.msgAppSid;
  if (inputs.mode !== undefined && inputs.mode !== current.mode) p.mode = inputs.mode;
  if (inputs.name !== undefined && inputs.name !== current.name) p.name = inputs.name;
  return p;
}

/** After the rent: link the rest of the routing. A failure keeps the number in state. */
async function finish(
  a: Account,
  numberSid: string,
  e164: string,
  inputs: ApifonicaNumberInputs,
): Promise<pulumi.dynamic.CreateResult> {
  let live: ApifonicaNumber | undefined;
  try {
    live = await a.api.getNumber(numberSid);
    const p = changes(inputs, outputsOf(live, inputs, undefined) as unknown as Props);
    if (Object.keys(p).length > 0) {
      await a.api.updateNumber(numberSid, p);
      live = await a.api.getNumber(numberSid);
    }
    return { id: numberSid, outs: await outputsNow(a, live, inputs) };
  } catch (err) {
    const partial = live
      ? outputsOf(live, inputs, undefined)
      : { stateVersion: STATE_VERSION, numberSid, number: e164 };
    throw new PartialSuccessError(
      numberSid,
      partial as Props,
      `rented ${e164} but could not finish its routing: ${messageOf(err)}`,
      err,
    );
  }
}

async function create(news: Props): Promise<pulumi.dynamic.CreateResult> {
  const inputs = apifonicaNumberInputs.parse(stripMeta(news));
  const a = account();
  if (inputs.number !== undefined) {
    const e164 = inputs.number;
    if (!claim(a.key, e164))
      throw new Error(`${e164} is already declared by another ApifonicaNumber in this stack`);
    try {
      if (inputs.adopt) {
        const held = await findHeld(a, e164);
        if (!held)
          throw new Error(`adopt: ${e164} is not held by this Apifonica account; remove adopt to rent it`);
        return await finish(a, held.number_sid, e164, inputs);
      }
      const sid = await rent(a, e164, inputs);
      if (sid === "taken") {
        const held = await findHeld(a, e164);
        throw new Error(
          held
            ? `${e164} is already held by this Apifonica account; set adopt: true to manage it instead of renting it`
            : `${e164} is not available to rent from Apifonica (taken or not for sale)`,
        );
      }
      return await finish(a, sid, e164, inputs);
    } catch (err) {
      if (!(err instanceof PartialSuccessError)) unclaim(a.key, e164);
      throw err;
    }
  }

  const country = inputs.countryCode!;
  const candidates = await a.api.searchAvailableNumbers(country, {
    ...(inputs.type !== undefined && { type: inputs.type }),
    ...(inputs.voice !== undefined && { voice: inputs.voice }),
    ...(inputs.messaging !== undefined && { messaging: inputs.messaging }),
  });
  let tried = 0;
  for (const c of candidates) {
    if (tried >= MAX_CANDIDATES) break;
    const e164 = e164Of(c.number) ?? c.number;
    if (!claim(a.key, e164)) continue;
    tried++;
    let sid: string;
    try {
      sid = await rent(a, e164, inputs);
    } catch (err) {
      unclaim(a.key, e164);
      throw err;
    }
    if (sid !== "taken") return finish(a, sid, e164, inputs);
    unclaim(a.key, e164);
  }
  const criteria = `countryCode ${country}${inputs.type ? `, type ${inputs.type}` : ""}${inputs.voice ? ", voice" : ""}${inputs.messaging ? ", messaging" : ""}`;
  throw new Error(
    tried === 0
      ? `no Apifonica number is available for ${criteria}; loosen the criteria`
      : `Apifonica numbers for ${criteria} were all taken before they could be rented (${tried} tried); run pulumi up again`,
  );
}

async function read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
  const a = account();
  const live = await a.reader.read(id, () => unlessGone(a.api.getNumber(id)));
  if (!live) return { id: "", props: {} };
  return { id, props: (await outputsNow(a, live, props)) as unknown as Props };
}

async function update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = apifonicaNumberInputs.parse(stripMeta(news));
  const a = account();
  a.reader.invalidate(id);
  const p = changes(inputs, olds);
  if (Object.keys(p).length > 0) await a.api.updateNumber(id, p);
  return { outs: await outputsNow(a, await a.api.getNumber(id), inputs) };
}

async function del(id: string, props: Props): Promise<void> {
  const a = account();
  a.reader.invalidate(id);
  try {
    await a.api.releaseNumber(id);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (typeof props.number === "string") unclaim(a.key, props.number);
}

export const apifonicaNumberProvider = {
  configure,
  check: async (_olds: Props, news: Props) => checkWith(apifonicaNumberInputs, news, crossCheck),
  diff: async (_id: string, olds: Props, news: Props) => diffWith(olds, news, rules),
  create,
  read,
  update,
  delete: del,
};
