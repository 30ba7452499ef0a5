import { parsePhoneNumberFromString } from "libphonenumber-js";
import { type Props, stripMeta, withPlus } from "../core/check.js";
import { claim, isClaimed, unclaim } from "../core/claims.js";
import { plivoSettings, unlabelledWindowMs } from "../core/config.js";
import { VendorApiError } from "../core/errors.js";
import { Intents, intending, recoverIntents, SKEW_MS } from "../core/intents.js";
import { InventoryReader } from "../core/inventory.js";
import {
  identityOf,
  isBlankName,
  LabelIndex,
  labelFor,
  rentedAt,
  TOOK_BY_LABEL,
  tookByLabel,
  unlabelledGuard,
  wasTakenByLabel,
} from "../core/labels.js";
import { messageOf, PartialSuccessError, unlessGone } from "../core/outcome.js";
import { type CandidatePool, poolFor } from "../core/pool.js";
import { purchase, release, settleOptions, unlessRefused } from "../core/purchase.js";
import { vendorAccount } from "../core/vendor-account.js";
import {
  type PlivoAccountNumber,
  type PlivoAvailableNumber,
  type PlivoOrderResult,
  plivoClients,
} from "./client.js";
import {
  callingCode,
  type PendingGroupOrder,
  type PlivoNumberDetail,
  type PlivoNumberOrderInputs,
  type PlivoNumberOrderOutputs,
} from "./number-order.schema.js";

import { detailOf, digits, KIND, outputsOf, SPARE_CANDIDATES, today } from "./number-order.state.js";

// ---- one client and one batched reader per account ----

/** The account's client and readers, shared by every PlivoNumberOrder of the process. */
export type Account = ReturnType<typeof account>;

export function account() {
  return vendorAccount(KIND, plivoClients, plivoSettings(), ({ api }) => ({
    /** Numbers carrying an identity label (`alias`), from one walk per process. */
    labels: new LabelIndex(
      () => api.list({ pageSize: 20 }),
      (n) => n.alias,
      (n) => isBlankName(n.alias, "\u0000"),
    ),
    reader: new InventoryReader(
      () => api.listPages({ pageSize: 20 }),
      (n: PlivoAccountNumber) => n.number,
    ),
  }));
}

export function getHeld(a: Account, number: string): Promise<PlivoAccountNumber | undefined> {
  return unlessGone(a.api.get(digits(number)));
}

/**
 * A held number for a read; gone only when confirmed: a 404 of the number's own GET drops it from
 * state (and the next up buys another) only when the account's list, filtered by the number, agrees.
 */
export async function readHeld(a: Account, number: string): Promise<PlivoAccountNumber | undefined> {
  return a.reader.read(digits(number), async () => {
    const one = await getHeld(a, number);
    if (one) return one;
    for await (const n of a.api.list({ numberStartswith: digits(number) })) {
      if (digits(n.number) === digits(number)) {
        console.log(
          `pulumi-phone-numbers: Plivo answered 404 for ${number} but the account's list holds it; kept`,
        );
        return n;
      }
    }
    return undefined;
  });
}

/** Progress of an operation that buys numbers; on failure it becomes the partial state. */
export class Order {
  details: PlivoNumberDetail[] = [];
  pendingNumbers: string[] = [];
  pendingOrders: PendingGroupOrder[] = [];
  constructor(
    readonly a: Account,
    readonly inputs: PlivoNumberOrderInputs,
  ) {}

  outputs(): PlivoNumberOrderOutputs {
    return outputsOf(this.inputs as Props, this.details, this.pendingNumbers, this.pendingOrders);
  }

  /** Numbers bought by this operation: they get the identity label when `alias` is unset. */
  readonly fresh = new Set<string>();
  /** The identity label (see core/labels.ts), when the program passed an identity. */
  label: string | undefined;
  /** Its purchase intents (core/intents.ts), with the label. */
  intents: Intents | undefined;
  /** Some numbers were taken by their label (a crash recovery; see core/labels.ts). */
  tookByLabel = false;
  /** Why buys of this operation were left uncertain (recorded as pending numbers). */
  readonly uncertain: string[] = [];
  /**
   * Numbers that left the order in this operation (released, or a pending buy that never landed).
   * Their in-process claims end only once the outcome is recorded (`commit`): an operation that then
   * fails without outputs leaves the state naming them, and another order must not take one meanwhile.
   */
  private readonly leaving = new Set<string>();

  /** Marks a number as leaving the order (see `leaving`). */
  letGo(e164: string): void {
    this.leaving.add(e164);
  }

  /** The operation's outputs are recorded (returned, or carried by a partial-success error). */
  commit(): void {
    for (const n of this.leaving) unclaim(this.a.key, n);
    this.leaving.clear();
  }

  /**
   * Records what a buy answered. A number bought from a search result takes its details from that
   * result (no read after the buy: one request per number; the next refresh brings live values). The
   * GET that fills in an exact number's details is not part of the purchase: when it fails, the
   * details come from what the order asked for. The number is never bought again or lost.
   */
  async took(result: PlivoOrderResult, candidate?: PlivoAvailableNumber): Promise<void> {
    for (const n of result.numbers) {
      const e164 = withPlus(n.number);
      claim(this.a.key, e164);
      this.fresh.add(e164);
      if (/^success$/i.test(n.status)) {
        if (candidate !== undefined && withPlus(candidate.number) === e164) {
          this.details.push(this.assumed(e164, candidate));
          continue;
        }
        let held: PlivoAccountNumber | undefined;
        try {
          held = await getHeld(this.a, e164);
        } catch {
          this.details.push(this.assumed(e164, candidate));
          continue;
        }
        if (held) this.details.push(detailOf(held));
        else this.pendingNumbers.push(e164);
      } else this.pendingNumbers.push(e164);
    }
  }

  /** Details of a bought number not read back: from its search result, else from the order's inputs. */
  private assumed(e164: string, c?: PlivoAvailableNumber): PlivoNumberDetail {
    return {
      number: e164,
      appId: this.inputs.appId ?? null,
      alias: null,
      // The account lists the type searched for ("local"), not the search result's sub-type ("fixed").
      numberType: this.inputs.numberType ?? "local",
      region: c?.region ?? null,
      country: c?.country ?? this.inputs.countryIso,
      voiceEnabled: c?.voice_enabled ?? true,
      smsEnabled: c?.sms_enabled ?? false,
      mmsEnabled: c?.mms_enabled ?? false,
      monthlyRentalRate: c?.monthly_rental_rate ?? "0.00000",
      addedOn: today(),
    };
  }

  /**
   * Buys one exact number through the purchase engine. Returns false when it was certainly not
   * bought (not for sale, or an ambiguous failure that did not land while Plivo still offers it).
   * A number whose outcome is not known (the looks failed, or it is neither held nor offered: a
   * regulated number can be pending and invisible) is recorded as pending: a later read or up
   * claims it when it arrives, or drops it once Plivo offers it for sale again.
   */
  async buy(e164: string, candidate?: PlivoAvailableNumber): Promise<boolean> {
    const appId = this.inputs.appId;
    const out = await intending(this.intents, e164, () =>
      purchase<{ order?: PlivoOrderResult; held?: PlivoAccountNumber }>({
        what: `Plivo buy of ${e164}`,
        buy: async () => ({
          order: await this.a.api.rent({ number: digits(e164), ...(appId !== undefined && { appId }) }),
        }),
        findHeld: async () => {
          const held = await getHeld(this.a, e164);
          return held ? { held } : undefined;
        },
      }),
    );
    if (out.outcome === "bought") {
      if (out.value.order) await this.took(out.value.order, candidate);
      else if (out.value.held) {
        this.fresh.add(e164);
        this.details.push(detailOf(out.value.held));
      }
      return true;
    }
    if (out.outcome === "taken" && !out.afterAmbiguous) return false;
    if (out.outcome === "taken" && (await this.offered(e164).catch(() => false))) return false;
    this.fresh.add(e164);
    this.pendingNumbers.push(e164);
    this.uncertain.push(
      out.outcome === "uncertain" ? out.reason : `${e164}: ${out.reason}, and Plivo no longer offers it`,
    );
    return true;
  }

  /** Ends the operation with an error when a buy was left uncertain: the state keeps the order. */
  settleLater(): void {
    if (this.uncertain.length === 0) return;
    throw new Error(
      `${this.uncertain.join("; ")}. Recorded as pending, and no other number was bought in its place; ` +
        "`pulumi refresh` or `pulumi up` settles it (claimed if the account holds it, bought again if Plivo offers it for sale)",
    );
  }

  /** Whether Plivo offers the number for sale (then it is certainly not held by anyone). */
  async offered(e164: string): Promise<boolean> {
    const parsed = parsePhoneNumberFromString(e164);
    if (!parsed?.country) return false;
    for await (const c of this.a.api.search({
      countryIso: parsed.country,
      pattern: parsed.nationalNumber,
      limit: 20,
    })) {
      if (withPlus(c.number) === e164) return true;
    }
    return false;
  }

  /** The account's shared candidate pool for this order's criteria (one search per burst). */
  private pool(): CandidatePool<PlivoAvailableNumber> {
    const i = this.inputs;
    const query = {
      countryIso: i.countryIso,
      type: i.numberType ?? "local",
      ...(i.prefix !== undefined && { pattern: i.prefix }),
      ...(i.region !== undefined && { region: i.region }),
      ...(i.services !== undefined && { services: i.services.join(",") }),
      limit: 20,
    };
    return poolFor(
      this.a.key,
      JSON.stringify(query),
      async () => {
        const page: PlivoAvailableNumber[] = [];
        for await (const c of this.a.api.search(query)) {
          page.push(c);
          if (page.length >= 20) break;
        }
        return page;
      },
      (c) => withPlus(c.number),
    );
  }

  /** Buys `count` more numbers matching the search criteria, in Plivo's order. */
  async buyBySearch(count: number): Promise<void> {
    const i = this.inputs;
    if (this.label !== undefined) await this.refuseIfUnlabelled();
    const pool = this.pool();
    let bought = 0;
    let tried = 0;
    while (bought < count && tried < count + SPARE_CANDIDATES) {
      const candidate = await pool.take();
      if (candidate === undefined) break;
      const e164 = withPlus(candidate.number);
      tried++;
      let ok: boolean;
      try {
        ok = await this.buy(e164, candidate);
      } catch (err) {
        unclaim(this.a.key, e164);
        throw err;
      } finally {
        pool.settle();
      }
      if (ok) bought++;
      else unclaim(this.a.key, e164);
    }
    if (bought < count) {
      throw new Error(
        `only ${bought} of ${count} Plivo numbers could be bought for countryIso ${i.countryIso}` +
          `${i.numberType ? `, numberType ${i.numberType}` : ""}${i.prefix ? `, prefix ${i.prefix}` : ""}${i.region ? `, region ${i.region}` : ""}` +
          ` (${tried} candidates tried); loosen the criteria or lower the quantity`,
      );
    }
  }

  /**
   * A search buy with an identity buys nothing while the account holds a recent number without an
   * alias matching the criteria that no order of this process holds: a buy of ours may have been cut
   * off before its label (core/labels.ts). `added_on` is a day: the whole day counts, UTC.
   */
  private async refuseIfUnlabelled(): Promise<void> {
    const i = this.inputs;
    const cc = callingCode(i.countryIso);
    const type = i.numberType ?? "local";
    await unlabelledGuard({
      resource: "PlivoNumberOrder",
      vendor: "Plivo",
      field: "alias",
      adoptInputs: (n) => `countryIso: "${i.countryIso}", numbers: ["${n}"], adopt: true`,
      configKey: "plivo:unlabelledWindowHours",
      index: this.a.labels,
      windowMs: unlabelledWindowMs("plivo"),
      numberOf: (n) => withPlus(n.number),
      rentedOf: (n) => rentedAt(n.added_on),
      matches: (n) =>
        parsePhoneNumberFromString(withPlus(n.number))?.country === i.countryIso &&
        n.number_type === type &&
        (i.prefix === undefined || digits(n.number).startsWith(`${cc}${i.prefix}`)) &&
        (i.region === undefined || (n.region ?? "").toLowerCase().includes(i.region.toLowerCase())) &&
        (i.services ?? []).every((s) =>
          s === "voice"
            ? n.voice_enabled === true
            : s === "sms"
              ? n.sms_enabled === true
              : n.mms_enabled === true,
        ),
      claimed: (number) => isClaimed(this.a.key, number),
      stillUnnamed: async (n) => {
        const now = await getHeld(this.a, n.number);
        return now !== undefined && isBlankName(now.alias, "\u0000");
      },
      criteria:
        `countryIso ${i.countryIso}, numberType ${type}${i.prefix ? `, prefix ${i.prefix}` : ""}` +
        `${i.region ? `, region ${i.region}` : ""}${i.services ? `, services ${i.services.join(",")}` : ""}`,
    });
  }

  /** Orders `count` numbers from the number group (the seed's flow). Never re-ordered blindly. */
  async orderFromGroup(groupId: string, count: number): Promise<void> {
    const group = await this.a.api.getNumberGroup(groupId);
    const numberStartswith = `${callingCode(this.inputs.countryIso)}${group.prefix ?? ""}`;
    const heldBefore: string[] = [];
    for await (const n of this.a.api.list({ numberStartswith, pageSize: 20 }))
      heldBefore.push(withPlus(n.number));
    const appId = this.inputs.appId;
    let result: PlivoOrderResult;
    try {
      // A 429 is a refusal: asked again after Retry-After.
      result = await unlessRefused(() =>
        this.a.api.orderFromGroup(groupId, {
          quantity: count,
          ...(appId !== undefined && { appId }),
        }),
      );
    } catch (err) {
      if (!(err instanceof VendorApiError) || !err.ambiguous) throw err;
      // The order may have been placed. Record it as pending: a later read claims its numbers if they
      // arrive. Ordering again could buy twice.
      this.pendingOrders.push({
        groupId,
        quantity: count,
        numberStartswith,
        region: group.region ?? null,
        orderedOn: today(),
        heldBefore,
        details: `the order request failed ambiguously (${err.message}); numbers that arrive will be claimed`,
      });
      return;
    }
    if (result.status === "pending" || result.numbers.length === 0) {
      this.pendingOrders.push({
        groupId,
        quantity: count,
        numberStartswith,
        region: group.region ?? null,
        orderedOn: today(),
        heldBefore,
        details: result.details ?? result.message ?? null,
      });
    } else await this.took(result);
  }

  /**
   * Looks for numbers of pending orders and bought numbers not yet delivered. `dropOffered: false`
   * keeps a pending number that Plivo still offers for sale (its buy may still be landing).
   */
  async poll({ dropOffered = true }: { dropOffered?: boolean } = {}): Promise<void> {
    const still: string[] = [];
    for (const e164 of this.pendingNumbers) {
      const held = await getHeld(this.a, e164);
      if (held) this.details.push(detailOf(held));
      // Offered for sale again: it was never bought (an uncertain buy that did not land); drop it.
      else if (dropOffered && (await this.offered(e164))) this.letGo(e164);
      else still.push(e164);
    }
    this.pendingNumbers = still;
    const open: PendingGroupOrder[] = [];
    for (const order of this.pendingOrders) {
      const mine = new Set([...this.details.map((d) => d.number), ...order.heldBefore]);
      let claimed = 0;
      for await (const n of this.a.api.list({
        numberStartswith: order.numberStartswith,
        pageSize: 20,
      })) {
        if (claimed >= order.quantity) break;
        const e164 = withPlus(n.number);
        if (mine.has(e164) || (n.added_on ?? "") < order.orderedOn || isClaimed(this.a.key, e164)) continue;
        if (
          order.region &&
          n.region &&
          !n.region.toLowerCase().includes(order.region.split(",")[0]!.toLowerCase())
        )
          continue;
        claim(this.a.key, e164);
        this.details.push(detailOf(n));
        claimed++;
      }
      if (claimed < order.quantity) open.push({ ...order, quantity: order.quantity - claimed });
    }
    this.pendingOrders = open;
  }

  /**
   * Links every held number to the wanted app and alias. Numbers bought by this operation get the
   * identity label as their alias when the program leaves `alias` unset (core/labels.ts).
   */
  async route(): Promise<void> {
    const { appId } = this.inputs;
    for (const [idx, d] of this.details.entries()) {
      // Also numbers left without an alias by a label write that failed after their buy (partial
      // success): the unlabelled-number guard of later runs would otherwise see them unclaimed.
      const alias =
        this.inputs.alias ??
        (this.fresh.has(d.number) || isBlankName(d.alias, "\u0000") ? this.label : undefined);
      const p: { appId?: string; alias?: string } = {};
      if (appId !== undefined && d.appId !== appId) p.appId = appId;
      if (alias !== undefined && d.alias !== alias) p.alias = alias;
      if (Object.keys(p).length === 0) continue;
      this.a.reader.invalidate(digits(d.number));
      await unlessRefused(() => this.a.api.update(digits(d.number), p)); // a 429 is a refusal
      this.details[idx] = {
        ...d,
        ...(p.appId !== undefined && { appId: p.appId }),
        ...(p.alias !== undefined && { alias: p.alias }),
      };
    }
  }

  /**
   * Releases numbers through the release engine (404 = released; after an ambiguous failure it looks:
   * gone = released). Every failure is reported, none swallowed: the error names what was released and
   * what is still held, and the command that reconciles state with the account.
   */
  async release(numbers: string[], props: Props = {}): Promise<void> {
    const failed: string[] = [];
    const released: string[] = [];
    for (const e164 of numbers) {
      this.a.reader.invalidate(digits(e164));
      if (wasTakenByLabel(this.a.key, e164, props)) {
        // Replaced with unchanged inputs: the replacement took this number by its label; keep it, and
        // keep its claim (the replacement holds it).
        process.stderr.write(`PlivoNumberOrder: ${e164} is now held by its replacement; not released.\n`);
        released.push(e164);
        this.details = this.details.filter((d) => d.number !== e164);
        continue;
      } else {
        try {
          await release({
            what: `Plivo release of ${e164}`,
            release: () => this.a.api.release(digits(e164)),
            isHeld: async () => (await getHeld(this.a, e164)) !== undefined,
          });
        } catch (err) {
          failed.push(`${e164}: ${messageOf(err)}`);
          continue;
        }
      }
      released.push(e164);
      this.letGo(e164);
      this.details = this.details.filter((d) => d.number !== e164);
    }
    if (failed.length > 0)
      throw new Error(
        `could not release ${failed.length} of ${numbers.length} Plivo number(s); still held:\n  ${failed.join("\n  ")}\n` +
          `released: ${released.length > 0 ? released.join(", ") : "none"}. ` +
          "Run `pulumi up --refresh` (or `pulumi destroy` again when destroying) to reconcile: a refresh drops released numbers from state, and the release of those still held is asked again.",
      );
  }
}

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
