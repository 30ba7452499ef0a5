/**
 * ExoPhone: one Exotel number. Create rents exactly `phoneNumber`, adopts it (`adopt: true`), or searches
 * with the criteria and rents the first candidate in Exotel's order; routing (voiceUrl, smsUrl) and
 * friendlyName update in place; delete releases the number.
 */
import type * as pulumi from "@pulumi/pulumi";
import { type Props, stripMeta } from "../core/check.js";
import { unclaim } from "../core/claims.js";
import { configure } from "../core/config.js";
import { inPlacePatch } from "../core/diff.js";
import { isNotFound } from "../core/errors.js";
import { keepTookByLabel } from "../core/marks.js";
import { releaseNumber, settledState, settleMark } from "../core/one-number.js";
import { unlessGone } from "../core/outcome.js";
import { reportNotHeld, type UncertainMark, uncertainDiff, uncertainOf, vendorId } from "../core/settle.js";
import { checkKind, diffKind, type KindProvider, VENDOR_NAMES } from "../registry.js";
import {
  type ExotelClient,
  type ExotelNumber,
  type ExotelNumberAnswer,
  type ExotelNumberDetails,
  exotelNationalForm,
} from "./client.js";
import { create } from "./exophone.create.js";
import type { ExoPhoneOutputs } from "./exophone.schema.js";
import { type Account, client, D, findHeld, INPUTS, outputsOf } from "./exophone.state.js";

/** The number an uncertain record stands for, if the account holds it (one shared walk per burst). */
function settled(c: Account, mark: UncertainMark): Promise<ExotelNumber | undefined> {
  return c.byNumber.read(mark.number, () => findHeld(c.api, mark.number));
}

async function settleRead(
  c: Account,
  mark: UncertainMark,
  props: Props,
): Promise<pulumi.dynamic.ReadResult<Partial<ExoPhoneOutputs>>> {
  const held = await settleMark("ExoPhone", mark, () => settled(c, mark));
  if (held) return { id: held.sid, props: keepTookByLabel(props, outputsOf(held, props)) };
  unclaim(c.key, mark.number);
  reportNotHeld("ExoPhone", mark);
  return { id: "", props: {} };
}

async function read(
  rawId: string,
  props: Props,
): Promise<pulumi.dynamic.ReadResult<Partial<ExoPhoneOutputs>>> {
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

async function update(
  rawId: string,
  stored: Props,
  news: Props,
): Promise<pulumi.dynamic.UpdateResult<ExoPhoneOutputs>> {
  const inputs = INPUTS.parse(stripMeta(news));
  const c = client();
  const olds = await settledState(
    c.key,
    D.typeName,
    stored,
    (m) => settled(c, m),
    (held) => outputsOf(held, inputs),
  );
  if (!olds) return { outs: (await create(news)).outs };
  const id = vendorId(rawId, olds.sid);
  const routing = inPlacePatch(D.rules, inputs, olds);
  c.reader.invalidate(id);
  let outs: ExoPhoneOutputs;
  if (Object.keys(routing).length > 0) {
    outs = outputsOf(await c.api.update(id, routing), inputs, olds, routing);
  } else {
    const e164 = typeof olds.phoneNumber === "string" ? olds.phoneNumber : undefined;
    outs = outputsOf((await detailsOf(c.api, id, e164)) ?? (await c.api.get(id)), inputs, olds);
  }
  // The mark of a create that took its number by its label stays (its delete must release it).
  return { outs: keepTookByLabel(stored, outs) };
}

async function del(rawId: string, props: Props): Promise<void> {
  const c = client();
  await releaseNumber(
    {
      typeName: D.typeName,
      vendorName: VENDOR_NAMES[D.vendor],
      key: c.key,
      rawId,
      storedId: props.sid,
      number: props.phoneNumber,
      settle: async (e164) => (await findHeld(c.api, e164))?.sid,
      invalidate: (id) => c.reader.invalidate(id),
      release: (id) => c.api.release(id),
      get: (id) => c.api.get(id),
    },
    props,
  );
}

export const exoPhoneProvider = {
  configure,
  check: async (_olds: Props, news: Props) => checkKind(D, news),
  diff: async (_id: string, olds: Props, news: Props) => uncertainDiff(olds) ?? diffKind(D, olds, news),
  create,
  read,
  update,
  delete: del,
} satisfies KindProvider;
