/**
 * ApifonicaNumber: one Apifonica number. Create rents exactly `number`, adopts it, or searches a
 * country's available numbers and rents the first; in place: the linked call and message
 * applications (which carry the voice and SMS controller URLs), `name` and `mode`; delete releases it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { type Props, stripMeta } from "../core/check.js";
import { claim, unclaim } from "../core/claims.js";
import { configure } from "../core/config.js";
import { identityOf, isBlankName, isLabel, labelFor } from "../core/labels.js";
import { keepTookByLabel } from "../core/marks.js";
import { releaseNumber, settledState, settleMark } from "../core/one-number.js";
import { unlessGone } from "../core/outcome.js";
import { reportNotHeld, type UncertainMark, uncertainDiff, uncertainOf, vendorId } from "../core/settle.js";
import { checkKind, diffKind, type KindProvider, VENDOR_NAMES } from "../registry.js";
import type { ApifonicaNumber } from "./client.js";
import { changes, create } from "./number.create.js";
import type { ApifonicaNumberOutputs } from "./number.schema.js";
import { type Account, account, D, findHeld, INPUTS, outputsNow, outputsOf } from "./number.state.js";

/** The number an uncertain record stands for, if the account holds it. */
function settled(a: Account, mark: UncertainMark): Promise<ApifonicaNumber | undefined> {
  return findHeld(a, mark.number);
}

async function read(
  rawId: string,
  props: Props,
): Promise<pulumi.dynamic.ReadResult<Partial<ApifonicaNumberOutputs>>> {
  const a = account();
  const mark = uncertainOf(props);
  if (mark) {
    const held = await settleMark("ApifonicaNumber", mark, () => settled(a, mark));
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

async function update(
  rawId: string,
  stored: Props,
  news: Props,
): Promise<pulumi.dynamic.UpdateResult<ApifonicaNumberOutputs>> {
  const inputs = INPUTS.parse(stripMeta(news));
  const a = account();
  const olds = await settledState(
    a.key,
    D.typeName,
    stored,
    (m) => settled(a, m),
    (held) => outputsOf(held, inputs, undefined),
  );
  if (!olds) return { outs: (await create(news)).outs };
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
  await releaseNumber(
    {
      typeName: D.typeName,
      vendorName: VENDOR_NAMES[D.vendor],
      key: a.key,
      rawId,
      storedId: props.numberSid,
      number: props.number,
      settle: async (e164) => (await findHeld(a, e164))?.number_sid,
      invalidate: (id) => a.reader.invalidate(id),
      release: (id) => a.api.release(id),
      get: (id) => a.api.get(id),
    },
    props,
  );
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
} satisfies KindProvider;
