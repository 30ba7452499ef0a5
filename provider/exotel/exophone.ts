/**
 * ExoPhone: one Exotel number. Create rents exactly `phoneNumber`, adopts it (`adopt: true`), or searches
 * with the criteria and rents the first candidate in Exotel's order; routing (voiceUrl, smsUrl) and
 * friendlyName update in place; delete releases the number.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { perAccount } from "../core/accounts.js";
import {
  type CheckFailure,
  checkWith,
  exactOrSearch,
  httpUrl,
  isoCountry,
  nonEmpty,
  oneOf,
  type Props,
  phoneNumber,
  stripMeta,
  toE164,
} from "../core/check.js";
import { claim, unclaim } from "../core/claims.js";
import { configure, exotelSettings } from "../core/config.js";
import { diffWith, type FieldRules } from "../core/diff.js";
import { isNotFound } from "../core/errors.js";
import { InventoryReader } from "../core/inventory.js";
import { messageOf, PartialSuccessError, unlessGone } from "../core/outcome.js";
import { purchase } from "../core/purchase.js";
import { type ExotelClient, type ExotelNumber, type ExotelNumberDetails, exotelClient } from "./client.js";

export const KIND = "exophone";
const STATE_VERSION = 1;
/** Candidates tried when the first picks were taken by someone else between search and rent. */
const MAX_CANDIDATES = 5;

/** The 22 Indian telecom circles Exotel uses for `InRegion` and `region`. */
export const INDIA_CIRCLES = [
  "AP", "AS", "BR", "DL", "GJ", "HP", "HR", "JK", "KA", "KL", "KO",
  "MH", "MP", "MU", "NE", "OR", "PB", "RJ", "TN", "UE", "UW", "WB",
] as const; // biome-ignore format: a table

export const exoPhoneInputs = z.strictObject({
  phoneNumber: phoneNumber("Exotel number").optional(),
  country: isoCountry().optional(),
  numberType: oneOf(["Landline", "Mobile", "TollFree"]).optional(),
  region: z
    .string()
    .transform((v) => v.toUpperCase())
    .optional(),
  contains: z
    .string()
    .regex(/^\d{1,15}$/, { error: 'must be 1 to 15 digits; allowed: digits the number contains, such as "8047"' })
    .optional(),
  incomingSms: z.boolean().optional(),
  friendlyName: nonEmpty(100).optional(),
  voiceUrl: httpUrl().optional(),
  smsUrl: httpUrl().optional(),
  adopt: z.boolean().optional(),
});
export type ExoPhoneInputs = z.infer<typeof exoPhoneInputs>;

/** Rules across fields, checked on the raw inputs so they are reported together with field errors. */
function crossCheck(raw: Props): CheckFailure[] {
  const failures = exactOrSearch(raw, "phoneNumber", ["region", "contains", "incomingSms"], {
    field: "country",
    default: "IN",
  });
  const country = typeof raw.country === "string" ? raw.country.toUpperCase() : "IN";
  if (typeof raw.region === "string") {
    const region = raw.region.toUpperCase();
    if (country === "IN" && !(INDIA_CIRCLES as readonly string[]).includes(region)) {
      failures.push({
        property: "region",
        reason: `"${raw.region}" is not an Indian telecom circle; allowed: ${INDIA_CIRCLES.join(", ")}`,
      });
    } else if (country !== "IN" && region !== country) {
      failures.push({
        property: "region",
        reason: `outside India the region is the country code; allowed: "${country}"`,
      });
    }
  }
  return failures;
}

/** What state holds. Keys match the inputs so drift shows as a diff of the same field. */
export interface ExoPhoneOutputs {
  stateVersion: number;
  sid: string;
  phoneNumber: string;
  friendlyName: string | null;
  voiceUrl: string | null;
  smsUrl: string | null;
  country: string;
  region: string;
  numberType: string;
  incomingSms: boolean;
  capabilities: { voice: boolean; sms: boolean };
  oneTimePrice: string;
  rentalPrice: string;
  monthlyRental: string;
  incomingRate: string;
  incomingPulse: string;
  currency: string;
  vanityNumber: boolean;
  connectivity: Connectivity | null;
  contains?: string;
  adopt?: boolean;
}

interface Connectivity {
  incomingCall: { status: string; alternateExophones: string[] };
  outgoingCall: { status: string; alternateExophones: string[] };
}

function connectivityOf(d: ExotelNumberDetails): Connectivity {
  // last_check_time is left out on purpose: it changes on every health check and would show as drift.
  const side = (c: { status: string; alternate_exophone?: unknown } | undefined) => ({
    status: c?.status ?? "unknown",
    alternateExophones: Array.isArray(c?.alternate_exophone)
      ? (c.alternate_exophone as unknown[]).map(String)
      : [],
  });
  return {
    incomingCall: side(d.connectivity?.incoming_call),
    outgoingCall: side(d.connectivity?.outgoing_call),
  };
}

function outputsOf(n: ExotelNumber | ExotelNumberDetails, inputs: Props, previous?: Props): ExoPhoneOutputs {
  const out: ExoPhoneOutputs = {
    stateVersion: STATE_VERSION,
    sid: n.sid,
    phoneNumber: toE164(n.phone_number) ?? n.phone_number,
    friendlyName: n.friendly_name ?? null,
    voiceUrl: n.voice_url ?? null,
    smsUrl: n.sms_url ?? null,
    country: n.country,
    region: n.region,
    numberType: n.number_type,
    incomingSms: n.capabilities.sms === true,
    capabilities: { voice: n.capabilities.voice === true, sms: n.capabilities.sms === true },
    oneTimePrice: n.one_time_price,
    rentalPrice: n.rental_price,
    monthlyRental: n.rental_price,
    incomingRate: n.incoming_rate,
    incomingPulse: n.incoming_pulse,
    currency: n.currency ?? "INR",
    vanityNumber: n.vanity_number === true,
    // The list API has no connectivity; a batched read keeps the last one seen.
    connectivity:
      "connectivity" in n && n.connectivity
        ? connectivityOf(n as ExotelNumberDetails)
        : ((previous?.connectivity as Connectivity | undefined) ?? null),
  };
  if (typeof inputs.contains === "string") out.contains = inputs.contains;
  if (typeof inputs.adopt === "boolean") out.adopt = inputs.adopt;
  return out;
}

const rules: FieldRules = {
  // A different exact number is a different number: release the old one first, then rent the new one.
  phoneNumber: { replace: true, deleteBeforeReplace: true },
  // Search criteria the held number still satisfies are not a change: never re-buy a number in use.
  country: { replace: true },
  numberType: { replace: true },
  region: { replace: true },
  contains: { replace: true, satisfied: (n, o) => String(o.phoneNumber ?? "").includes(String(n.contains)) },
  incomingSms: { replace: true, satisfied: (n, o) => n.incomingSms !== true || o.incomingSms === true },
  friendlyName: {},
  voiceUrl: {},
  smsUrl: {},
};

// ---- one client and one batched reader per account, shared by every resource in the process ----

interface Account {
  api: ExotelClient;
  account: string;
  reader: InventoryReader<ExotelNumber | ExotelNumberDetails>;
  /** Numbers by E.164, for adoption: Exotel has no lookup by number, so adopting many shares walks. */
  byNumber: InventoryReader<ExotelNumber>;
}

function client(): Account {
  const settings = exotelSettings();
  const account = `exotel:${settings.baseUrl}:${settings.accountSid}`;
  return perAccount(KIND, account, () => {
    const api = exotelClient(settings);
    return {
      api,
      account,
      reader: new InventoryReader(
        () => api.listNumberPages({ pageSize: 100 }),
        (n) => n.sid,
      ),
      byNumber: new InventoryReader(
        () => api.listNumberPages({ pageSize: 100 }),
        (n) => toE164(n.phone_number) ?? n.phone_number,
      ),
    };
  });
}

async function findHeld(api: ExotelClient, e164: string): Promise<ExotelNumber | undefined> {
  for await (const n of api.listNumbers({ pageSize: 100 })) if (toE164(n.phone_number) === e164) return n;
  return undefined;
}

function rentExact(c: Account, e164: string, inputs: ExoPhoneInputs): Promise<ExotelNumber | "taken"> {
  const params = {
    phoneNumber: e164,
    ...(inputs.voiceUrl !== undefined && { voiceUrl: inputs.voiceUrl }),
    ...(inputs.smsUrl !== undefined && { smsUrl: inputs.smsUrl }),
    ...(inputs.friendlyName !== undefined && { friendlyName: inputs.friendlyName }),
  };
  return purchase({
    what: `Exotel rent of ${e164}`,
    console: "the Exotel dashboard",
    buy: () => c.api.rentNumber(params),
    findHeld: () => findHeld(c.api, e164),
  });
}

/**
 * The create result for a rented number. The rent response has no connectivity; one details read
 * fills it in so the first refresh shows no change. The number is bought either way: a failure of
 * that read only leaves connectivity empty until the next refresh.
 */
async function created(
  c: Account,
  rented: ExotelNumber,
  inputs: ExoPhoneInputs,
): Promise<pulumi.dynamic.CreateResult> {
  const details = await c.api.getNumberDetails(rented.sid).catch(() => undefined);
  return { id: rented.sid, outs: outputsOf(details ?? rented, inputs) };
}

async function create(news: Props): Promise<pulumi.dynamic.CreateResult> {
  const inputs = exoPhoneInputs.parse(stripMeta(news));
  const c = client();

  if (inputs.phoneNumber !== undefined) {
    const e164 = inputs.phoneNumber;
    if (!claim(c.account, e164))
      throw new Error(`${e164} is already declared by another ExoPhone in this stack`);
    try {
      if (inputs.adopt) return await adopt(c, e164, inputs);
      const rented = await rentExact(c, e164, inputs);
      if (rented === "taken") {
        const held = await findHeld(c.api, e164);
        if (held)
          throw new Error(
            `${e164} is already held by this Exotel account; set adopt: true to manage it instead of renting it`,
          );
        throw new Error(`${e164} is not available to rent from Exotel (taken or not for sale)`);
      }
      return created(c, rented, inputs);
    } catch (err) {
      unclaim(c.account, e164);
      throw err;
    }
  }

  const country = inputs.country ?? "IN";
  const numberType = inputs.numberType ?? "Landline";
  const candidates = await c.api.searchAvailableNumbers({
    country,
    numberType,
    ...(inputs.region !== undefined && { inRegion: inputs.region }),
    ...(inputs.incomingSms === true && { incomingSms: true }),
    ...(inputs.contains !== undefined && { contains: inputs.contains }),
  });
  const criteria = `country ${country}, numberType ${numberType}${inputs.region ? `, region ${inputs.region}` : ""}${inputs.contains ? `, contains ${inputs.contains}` : ""}${inputs.incomingSms ? ", incomingSms" : ""}`;
  let tried = 0;
  for (const candidate of candidates) {
    if (tried >= MAX_CANDIDATES) break;
    const e164 = toE164(candidate.phone_number) ?? candidate.phone_number;
    if (!claim(c.account, e164)) continue;
    tried++;
    let rented: ExotelNumber | "taken";
    try {
      rented = await rentExact(c, e164, inputs);
    } catch (err) {
      unclaim(c.account, e164);
      throw err;
    }
    if (rented !== "taken") return created(c, rented, inputs);
    unclaim(c.account, e164);
  }
  throw new Error(
    tried === 0
      ? `no Exotel number is available for ${criteria}; loosen the criteria or pick another region`
      : `Exotel numbers for ${criteria} were all taken before they could be rented (${tried} tried); run pulumi up again`,
  );
}

async function adopt(c: Account, e164: string, inputs: ExoPhoneInputs): Promise<pulumi.dynamic.CreateResult> {
  // A burst of adoptions (an exported inventory's first up) is answered from one walk of the list.
  const held = await c.byNumber.read(e164, () => findHeld(c.api, e164));
  if (!held) throw new Error(`adopt: ${e164} is not held by this Exotel account; remove adopt to rent it`);
  const outs = outputsOf(held, inputs);
  const routing = routingChanges(inputs, outs as unknown as Props);
  if (Object.keys(routing).length === 0) return { id: held.sid, outs };
  try {
    const updated = await c.api.updateNumber(held.sid, routing);
    return { id: held.sid, outs: outputsOf(updated, inputs) };
  } catch (err) {
    throw new PartialSuccessError(
      held.sid,
      outs as unknown as Props,
      `adopted ${e164} but could not apply its routing: ${messageOf(err)}`,
      err,
    );
  }
}

function routingChanges(inputs: Partial<ExoPhoneInputs>, current: Props) {
  const p: { voiceUrl?: string; smsUrl?: string; friendlyName?: string } = {};
  if (inputs.voiceUrl !== undefined && inputs.voiceUrl !== current.voiceUrl) p.voiceUrl = inputs.voiceUrl;
  if (inputs.smsUrl !== undefined && inputs.smsUrl !== current.smsUrl) p.smsUrl = inputs.smsUrl;
  if (inputs.friendlyName !== undefined && inputs.friendlyName !== current.friendlyName)
    p.friendlyName = inputs.friendlyName;
  return p;
}

async function read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
  const c = client();
  const live = await c.reader.read(id, () => unlessGone(c.api.getNumberDetails(id)));
  if (!live) return { id: "", props: {} };
  return { id, props: outputsOf(live, props, props) as unknown as Props };
}

async function update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = exoPhoneInputs.parse(stripMeta(news));
  const c = client();
  const routing = routingChanges(inputs, olds);
  c.reader.invalidate(id);
  const live =
    Object.keys(routing).length > 0
      ? await c.api.updateNumber(id, routing)
      : await c.api.getNumberDetails(id);
  return { outs: outputsOf(live, inputs, olds) };
}

async function del(id: string, props: Props): Promise<void> {
  const c = client();
  c.reader.invalidate(id);
  try {
    await c.api.releaseNumber(id);
  } catch (err) {
    if (!isNotFound(err)) throw err; // already released: the goal is met
  }
  if (typeof props.phoneNumber === "string") unclaim(c.account, props.phoneNumber);
}

export const exoPhoneProvider = {
  configure,
  check: async (_olds: Props, news: Props) => checkWith(exoPhoneInputs, news, crossCheck),
  diff: async (_id: string, olds: Props, news: Props) => diffWith(olds, news, rules),
  create,
  read,
  update,
  delete: del,
};
