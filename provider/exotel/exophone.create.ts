/**
 * ExoPhone create: take a number rented before a crash (its label), rent an exact number or adopt
 * it, or search and rent the first candidate; then apply the routing the rent did not carry.
 */
import type * as pulumi from "@pulumi/pulumi";
import { type Props, stripMeta, toE164 } from "../core/check.js";
import { claim, unclaim } from "../core/claims.js";
import { rentFirst } from "../core/create.js";
import { inPlacePatch } from "../core/diff.js";
import { answerOf } from "../core/fields.js";
import { identityOf, labelFor, TOOK_BY_LABEL } from "../core/labels.js";
import { takeByLabel } from "../core/one-number.js";
import { messageOf, PartialSuccessError, UncertainPurchaseError, unlessGone } from "../core/outcome.js";
import { poolFor } from "../core/pool.js";
import { type PurchaseOutcome, purchase } from "../core/purchase.js";
import { placeholderId, type UncertainMark, uncertainMark } from "../core/settle.js";
import type { ExotelAvailableNumber, ExotelNumber } from "./client.js";
import { EXOPHONE_FIELDS, type ExoPhoneInputs, type ExoPhoneOutputs } from "./exophone.schema.js";
import { type Account, client, D, findHeld, INPUTS, MAX_CANDIDATES, outputsOf } from "./exophone.state.js";

/** Rents one number through the purchase engine. FriendlyName is the identity label when there is one. */
export function rentOne(c: Account, e164: string, inputs: ExoPhoneInputs, label: string | undefined) {
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
export function uncertainOutputs(
  e164: string,
  inputs: ExoPhoneInputs,
  mark: { __uncertain: UncertainMark },
  a?: ExotelAvailableNumber,
): Props {
  const n: ExotelNumber = {
    sid: "",
    date_created: "",
    phone_number: e164,
    ...answerOf(EXOPHONE_FIELDS, inputs),
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
  };
  return { ...outputsOf(n, inputs), ...mark };
}

export function uncertainError(
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
export async function created(
  c: Account,
  rented: ExotelNumber,
  inputs: ExoPhoneInputs,
  news: Props,
): Promise<Required<pulumi.dynamic.CreateResult<ExoPhoneOutputs>>> {
  const outs = outputsOf(rented, inputs, undefined, inputs);
  return withRouting(c, rented.sid, outs, inputs, news, `rented ${outs.phoneNumber}`);
}

/**
 * Applies the routing the inputs ask for and the held record lacks. A failure keeps the number:
 * the error carries the record's complete outputs.
 */
export async function withRouting(
  c: Account,
  sid: string,
  outs: ExoPhoneOutputs,
  inputs: ExoPhoneInputs,
  news: Props,
  what: string,
): Promise<Required<pulumi.dynamic.CreateResult<ExoPhoneOutputs>>> {
  const routing = inPlacePatch(D.rules, inputs, outs);
  if (Object.keys(routing).length === 0) return { id: sid, outs };
  try {
    const updated = await c.api.update(sid, routing);
    return { id: sid, outs: outputsOf(updated, inputs, outs, routing) };
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

export function criteriaOf(inputs: ExoPhoneInputs) {
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
export async function ownFromLabel(
  c: Account,
  label: string,
  inputs: ExoPhoneInputs,
): Promise<ExotelNumber | undefined> {
  // Get-one answers an abridged record: the listed one is handed out while it still carries the label.
  const reread = async (x: ExotelNumber) =>
    (await unlessGone(c.api.get(x.sid)))?.friendly_name === label ? x : undefined;
  const candidates = await c.labels.take(label, reread);
  return takeByLabel(c.key, candidates, (n) => toE164(n.phone_number) ?? n.phone_number, inputs.phoneNumber);
}

export async function create(news: Props): Promise<Required<pulumi.dynamic.CreateResult<ExoPhoneOutputs>>> {
  const inputs = INPUTS.parse(stripMeta(news));
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

export async function adopt(
  c: Account,
  e164: string,
  inputs: ExoPhoneInputs,
  news: Props,
): Promise<Required<pulumi.dynamic.CreateResult<ExoPhoneOutputs>>> {
  // A burst of adoptions (an exported inventory's first up) is answered from one walk of the list.
  const held = await c.byNumber.read(e164, () => findHeld(c.api, e164));
  if (!held) throw new Error(`adopt: ${e164} is not held by this Exotel account; remove adopt to rent it`);
  return withRouting(c, held.sid, outputsOf(held, inputs), inputs, news, `adopted ${e164}`);
}
