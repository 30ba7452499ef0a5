/**
 * PlivoNumberOrder: one or more Plivo numbers bought together. Three ways to order:
 * - search criteria (`countryIso`, `numberType`, `prefix`, `region`, `services`) and `quantity`: the
 *   first numbers of Plivo's PhoneNumber search, bought one by one;
 * - exact `numbers` (or `adopt: true` to take over numbers the account already holds);
 * - `groupId`: an order of `quantity` numbers from that number group, which in regulated countries
 *   goes `pending` and is completed by a later refresh or up when its numbers arrive.
 * In place: `appId`, `alias`, `quantity` (up orders the difference; down releases the most recently
 * added numbers first) and the `numbers` set (added ones are bought, removed ones released).
 */
import { randomUUID } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { type Props, stripMeta } from "../core/check.js";
import { claim } from "../core/claims.js";
import { configure } from "../core/config.js";
import { inputSchemaOf } from "../core/field-schema.js";
import { withIntents } from "../core/intents.js";
import { TOOK_BY_LABEL } from "../core/labels.js";
import { keepTookByLabel } from "../core/marks.js";
import { checkKind, diffKind, type KindProvider } from "../registry.js";
import {
  PLIVO_NUMBER_ORDER_FIELDS,
  type PlivoNumberDetail,
  type PlivoNumberOrderInputs,
  type PlivoNumberOrderOutputs,
} from "./number-order.schema.js";
import { D, detailOf } from "./number-order.state.js";
import {
  fill,
  keeping,
  labelled,
  ownFromIntents,
  ownFromLabel,
  reconcile,
  restore,
  settlePending,
} from "./number-order.steps.js";
import { account, Order, readHeld } from "./number-order.workflow.js";

const plivoNumberOrderInputs = inputSchemaOf(PLIVO_NUMBER_ORDER_FIELDS);

async function create(news: Props): Promise<Required<pulumi.dynamic.CreateResult<PlivoNumberOrderOutputs>>> {
  const inputs = plivoNumberOrderInputs.parse(stripMeta(news));
  const order = labelled(new Order(account(), inputs), news);
  const id = `plivo-order-${randomUUID()}`;
  await withIntents(order.intents, () =>
    keeping(id, order, news, "the order is incomplete", async () => {
      await ownFromLabel(order);
      await ownFromIntents(order);
      await fill(order, inputs.quantity ?? 1);
      await order.route();
      order.settleLater();
    }),
  );
  const outs = order.outputs();
  return { id, outs: order.tookByLabel ? { ...outs, [TOOK_BY_LABEL]: true } : outs };
}

/** The inputs an order's state carries under their own keys (outputsOf copies them): read and delete restore from them. */
function storedInputs(props: Props): PlivoNumberOrderInputs {
  return { ...props } as PlivoNumberOrderInputs;
}

async function read(
  id: string,
  props: Props,
): Promise<pulumi.dynamic.ReadResult<Partial<PlivoNumberOrderOutputs>>> {
  const a = account();
  const inputs = storedInputs(props);
  const order = restore(a, inputs, props);
  const live: PlivoNumberDetail[] = [];
  for (const d of order.details) {
    const n = await readHeld(a, d.number);
    if (n) live.push(detailOf(n));
    else order.letGo(d.number); // released outside Pulumi
  }
  order.details = live;
  await order.poll();
  order.commit(); // nothing after this can fail: the read's answer is recorded
  const out = order.outputs();
  // Target for the status is what state asked for, so a number released out of band reads as partial.
  out.status =
    out.pendingNumbers.length + out.pendingOrders.length > 0
      ? "pending"
      : out.numbers.length < Number(props.quantity ?? out.numbers.length)
        ? "partial"
        : "fulfilled";
  if (out.numbers.length === 0 && out.pendingNumbers.length === 0 && out.pendingOrders.length === 0) {
    return { id: "", props: {} };
  }
  return { id, props: keepTookByLabel(props, out) };
}

async function update(
  id: string,
  olds: Props,
  news: Props,
): Promise<pulumi.dynamic.UpdateResult<PlivoNumberOrderOutputs>> {
  const inputs = plivoNumberOrderInputs.parse(stripMeta(news));
  const order = labelled(restore(account(), inputs, olds), news);
  const work = () => reconcile(order, inputs);
  await withIntents(order.intents, () =>
    keeping(id, order, news, "the order update is incomplete", work, olds[TOOK_BY_LABEL] === true),
  );
  // The mark of a create that took numbers by their label stays (its delete must release them).
  const outs = order.outputs();
  const marked = olds[TOOK_BY_LABEL] === true || order.tookByLabel;
  return { outs: marked ? { ...outs, [TOOK_BY_LABEL]: true } : outs };
}

/**
 * Releases every number of the order. Numbers that arrived for pending orders since the last refresh
 * are claimed first (and released too); an order still pending after that fails the destroy, naming
 * it: numbers delivered later would be billed and in no state.
 */
async function del(_id: string, props: Props): Promise<void> {
  const a = account();
  const order = restore(a, storedInputs(props), props);
  if (order.pendingNumbers.length > 0 || order.pendingOrders.length > 0) await settlePending(order);
  await order.release(
    order.details.map((d) => d.number),
    props,
  );
  const waiting = [
    ...order.pendingOrders.map(
      (o) => `an order of ${o.quantity} number(s) from number group ${o.groupId} placed on ${o.orderedOn}`,
    ),
    ...order.pendingNumbers.map((n) => `${n} (bought, not yet delivered)`),
  ];
  if (waiting.length > 0)
    throw new Error(
      `the Plivo order still waits for ${waiting.join("; ")}. Its held numbers were released; numbers delivered later would be billed and in no state. ` +
        "Run `pulumi destroy` again once Plivo has completed or cancelled it (each run claims and releases what arrived); " +
        "if you are sure nothing will arrive, drop the resource with `pulumi state delete <urn>`.",
    );
  order.commit();
}

export const plivoNumberOrderProvider = {
  configure,
  check: async (_olds: Props, news: Props) => checkKind(D, news),
  diff: async (_id: string, olds: Props, news: Props) => {
    // Numbers in the stack's state are claimed in this process, so the unlabelled-number guard of
    // creates never blocks on a number an order holds (an adopted one without an alias).
    try {
      const key = account().key;
      const pending = Array.isArray(olds.pendingNumbers) ? olds.pendingNumbers : [];
      for (const n of [...(Array.isArray(olds.numbers) ? olds.numbers : []), ...pending])
        if (typeof n === "string") claim(key, n);
    } catch {
      // no settings yet (a diff never fails for this)
    }
    return diffKind(D, olds, news);
  },
  create,
  read,
  update,
  delete: del,
} satisfies KindProvider;
