/**
 * The steps create, update and delete compose from an `Order`: keep what was bought when a step
 * fails, fill to the quantity, take what a killed run left (labels, intents), reconcile a held order
 * with its inputs, settle pending numbers before a destroy.
 */
import { type Props, stripMeta, withPlus } from "../core/check.js";
import { claim, isClaimed, unclaim } from "../core/claims.js";
import { Intents, recoverIntents, SKEW_MS } from "../core/intents.js";
import { identityOf, isBlankName, labelFor, rentedAt, TOOK_BY_LABEL, tookByLabel } from "../core/labels.js";
import { messageOf, PartialSuccessError } from "../core/outcome.js";
import { settleOptions } from "../core/purchase.js";
import type { PendingGroupOrder, PlivoNumberDetail, PlivoNumberOrderInputs } from "./number-order.schema.js";

import { detailOf } from "./number-order.state.js";
import { type Account, getHeld, Order } from "./number-order.workflow.js";

/** Runs `work`; if it fails after something was bought, the error keeps what was bought in state. */
export async function keeping(
  id: string,
  order: Order,
  news: Props,
  what: string,
  work: () => Promise<void>,
  marked = false,
): Promise<void> {
  try {
    await work();
    order.commit();
  } catch (err) {
    const out = order.outputs();
    // Nothing to record: the engine keeps the state as it was, naming what it named (claims stay).
    if (out.numbers.length === 0 && out.pendingNumbers.length === 0 && out.pendingOrders.length === 0)
      throw err;
    order.commit();
    // The mark of numbers taken by their label stays on a partial record too: without it, its delete
    // would take them for a replacement's and keep them (a delete that returns while they stay held).
    const outs = marked || order.tookByLabel ? { ...out, [TOOK_BY_LABEL]: true } : out;
    throw new PartialSuccessError(id, outs, news, `${what}: ${messageOf(err)}`, err);
  }
}

export async function fill(order: Order, target: number): Promise<void> {
  const i = order.inputs;
  const have = () =>
    order.details.length +
    order.pendingNumbers.length +
    order.pendingOrders.reduce((a, o) => a + o.quantity, 0);
  if (i.numbers !== undefined) {
    const held = new Set([...order.details.map((d) => d.number), ...order.pendingNumbers]);
    for (const e164 of i.numbers) {
      if (held.has(e164)) continue;
      if (i.adopt) {
        const live = await getHeld(order.a, e164);
        if (!live)
          throw new Error(`adopt: ${e164} is not held by this Plivo account; remove adopt to buy it`);
        if (!claim(order.a.key, e164))
          throw new Error(`${e164} is already declared by another PlivoNumberOrder in this stack`);
        order.details.push(detailOf(live));
        continue;
      }
      if (!claim(order.a.key, e164))
        throw new Error(`${e164} is already declared by another PlivoNumberOrder in this stack`);
      if (!(await order.buy(e164))) {
        unclaim(order.a.key, e164);
        const live = await getHeld(order.a, e164);
        throw new Error(
          live
            ? `${e164} is already held by this Plivo account; set adopt: true to manage it instead of buying it`
            : `${e164} is not available to buy from Plivo (taken or not for sale)`,
        );
      }
    }
    return;
  }
  const missing = target - have();
  if (missing <= 0) return;
  if (i.groupId !== undefined) await order.orderFromGroup(i.groupId, missing);
  else await order.buyBySearch(missing);
}

/**
 * Numbers this order bought before the process was killed (they carry its label): taken into the
 * order instead of buying again.
 */
export async function ownFromLabel(order: Order): Promise<void> {
  if (order.label === undefined) return;
  const want = order.inputs.numbers ? new Set(order.inputs.numbers) : undefined;
  const target = order.inputs.numbers?.length ?? order.inputs.quantity ?? 1;
  for (const n of await order.a.labels.take(order.label, (x) => getHeld(order.a, x.number))) {
    const e164 = withPlus(n.number);
    if (order.details.length >= target) break;
    if ((want && !want.has(e164)) || !claim(order.a.key, e164)) continue;
    tookByLabel(order.a.key, e164);
    order.details.push(detailOf(n));
    order.tookByLabel = true;
  }
}

/**
 * Numbers an earlier run of this order was buying when the process was killed, named by the intents
 * it left (core/intents.ts): held (bought since, no alias or the label), they are taken into the order;
 * not yet known, they are recorded as pending (settled by the next read or up), and nothing is bought
 * in their place.
 */
export async function ownFromIntents(order: Order): Promise<void> {
  const { a, label } = order;
  if (label === undefined) return;
  const want = order.inputs.numbers ? new Set(order.inputs.numbers) : undefined;
  const back = await recoverIntents(order.intents, async (it) => {
    if ((want && !want.has(it.number)) || isClaimed(a.key, it.number)) return undefined;
    const n = await getHeld(a, it.number);
    if (!n || (n.alias !== label && !isBlankName(n.alias, "\u0000"))) return undefined;
    const on = rentedAt(n.added_on);
    return on.to !== undefined && on.to < it.at - SKEW_MS ? undefined : n;
  });
  const target = order.inputs.numbers?.length ?? order.inputs.quantity ?? 1;
  for (const h of back.held) {
    if (order.details.length >= target || !claim(a.key, h.number)) continue;
    tookByLabel(a.key, h.number);
    order.fresh.add(h.number);
    order.details.push(detailOf(h.value));
    order.tookByLabel = true;
  }
  for (const u of back.unknown) {
    if (order.details.length + order.pendingNumbers.length >= target || !claim(a.key, u.number)) continue;
    order.fresh.add(u.number);
    order.pendingNumbers.push(u.number);
    order.uncertain.push(u.reason);
  }
}

export function labelled(order: Order, news: Props): Order {
  const identity = identityOf(news);
  if (identity !== undefined && !order.inputs.adopt) {
    order.label = labelFor(identity, stripMeta(news));
    order.intents = new Intents(order.a.key, order.label);
  }
  return order;
}

export function restore(a: Account, inputs: PlivoNumberOrderInputs, olds: Props): Order {
  const order = new Order(a, inputs);
  order.details = Array.isArray(olds.details) ? (olds.details as PlivoNumberDetail[]) : [];
  order.pendingNumbers = Array.isArray(olds.pendingNumbers) ? (olds.pendingNumbers as string[]) : [];
  order.pendingOrders = Array.isArray(olds.pendingOrders) ? (olds.pendingOrders as PendingGroupOrder[]) : [];
  // Pending numbers too: their buys may still land, and no other order may buy one meanwhile.
  for (const n of [...order.details.map((d) => d.number), ...order.pendingNumbers]) claim(a.key, n);
  return order;
}

/** Brings a held order to its inputs: claims arrivals, releases what is no longer wanted, buys the rest. */
export async function reconcile(order: Order, inputs: PlivoNumberOrderInputs): Promise<void> {
  await order.poll();
  if (inputs.numbers !== undefined) {
    const want = new Set(inputs.numbers);
    await order.release(order.details.map((d) => d.number).filter((n) => !want.has(n)));
    for (const n of order.pendingNumbers) if (!want.has(n)) order.letGo(n);
    order.pendingNumbers = order.pendingNumbers.filter((n) => want.has(n));
  } else {
    const target = inputs.quantity ?? 1;
    const excess = order.details.length + order.pendingNumbers.length - target;
    // Quantity down releases the most recently added numbers first.
    if (excess > 0)
      await order.release(order.details.slice(-Math.min(excess, order.details.length)).map((d) => d.number));
  }
  // Numbers a killed run of this same update bought (labelled, or named by its intents).
  await ownFromLabel(order);
  await ownFromIntents(order);
  await fill(order, inputs.quantity ?? 1);
  await order.route();
  order.settleLater();
}

/**
 * Before a delete gives up on a pending number: a buy recorded as uncertain may still be landing
 * while Plivo offers the number for sale, so "offered" counts as "never bought" only once the settle
 * window has passed (looking with backoff until then). Dropping it earlier would let the delete
 * return while the number it was about to release arrives afterwards, billed and in no state.
 */
export async function settlePending(order: Order): Promise<void> {
  const { windowMs, firstDelayMs, maxDelayMs } = settleOptions();
  const until = Date.now() + windowMs;
  let delay = firstDelayMs;
  await order.poll({ dropOffered: false });
  while (order.pendingNumbers.length > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(0, until - Date.now()))));
    delay = Math.min(delay * 2, maxDelayMs);
    await order.poll({ dropOffered: false });
  }
  if (order.pendingNumbers.length > 0) await order.poll();
}
