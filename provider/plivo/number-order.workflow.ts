/**
 * The PlivoNumberOrder workflow: the per-account bundle and the `Order` (search, buy, group orders,
 * pending numbers, routing, release).
 */
import { parsePhoneNumberFromString } from "libphonenumber-js";
import { countryOf, type Props, withPlus } from "../core/check.js";
import { claim, isClaimed, unclaim } from "../core/claims.js";
import { plivoSettings, unlabelledWindowMs } from "../core/config.js";
import { VendorApiError } from "../core/errors.js";
import { wireKeysOf } from "../core/fields.js";
import { type Intents, intending } from "../core/intents.js";
import { InventoryReader } from "../core/inventory.js";
import {
  forgetTakenByLabel,
  isBlankName,
  LabelIndex,
  rentedAt,
  unlabelledGuard,
  wasTakenByLabel,
} from "../core/labels.js";
import { messageOf, unlessGone } from "../core/outcome.js";
import { type CandidatePool, poolFor } from "../core/pool.js";
import { purchase, release, unlessRefused } from "../core/purchase.js";
import { vendorAccount } from "../core/vendor-account.js";
import {
  type PlivoAccountNumber,
  type PlivoAvailableNumber,
  type PlivoNumberPatch,
  type PlivoOrderResult,
  plivoClients,
} from "./client.js";
import {
  callingCode,
  type PendingGroupOrder,
  PLIVO_NUMBER_ORDER_FIELDS,
  type PlivoNumberDetail,
  type PlivoNumberOrderInputs,
  type PlivoNumberOrderOutputs,
} from "./number-order.schema.js";

import {
  detailOf,
  digits,
  KIND,
  noRouting,
  outputsOf,
  SPARE_CANDIDATES,
  today,
} from "./number-order.state.js";

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
      // A buy sends only the app (the other per-number fields are written by route()).
      ...noRouting(),
      appId: this.inputs.appId ?? null,
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
        countryOf(n.number) === i.countryIso &&
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
    const pending = (details: string | null) =>
      this.pendingOrders.push({
        groupId,
        quantity: count,
        numberStartswith,
        region: group.region ?? null,
        orderedOn: today(),
        heldBefore,
        details,
      });
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
      pending(`the order request failed ambiguously (${err.message}); numbers that arrive will be claimed`);
      return;
    }
    if (result.status === "pending" || result.numbers.length === 0)
      pending(result.details ?? result.message ?? null);
    else await this.took(result);
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
    for (const [idx, d] of this.details.entries()) {
      const p = this.routingPatch(d);
      if (Object.keys(p).length === 0) continue;
      this.a.reader.invalidate(digits(d.number));
      await unlessRefused(() => this.a.api.update(digits(d.number), p)); // a 429 is a refusal
      this.details[idx] = { ...d, ...p };
    }
  }

  /** The per-number fields (number-order.schema.ts) the inputs set that number `d` does not have yet. */
  private routingPatch(d: PlivoNumberDetail): PlivoNumberPatch {
    const want: Props = { ...this.inputs };
    // Also numbers left without an alias by a label write that failed after their buy (partial
    // success): the unlabelled-number guard of later runs would otherwise see them unclaimed.
    if (this.fresh.has(d.number) || isBlankName(d.alias, "\u0000")) want.alias ??= this.label;
    const p: Props = {};
    for (const key of wireKeysOf(PLIVO_NUMBER_ORDER_FIELDS)) {
      if (want[key] !== undefined && d[key] !== want[key]) p[key] = want[key];
    }
    return p as PlivoNumberPatch;
  }

  /**
   * Releases numbers through the release engine (404 = released; after an ambiguous failure it looks:
   * gone = released). Every failure is reported, none swallowed: the error names what was released and
   * what is still held, and the command that reconciles state with the account.
   *
   * `deleted` is the state of the order being deleted (a delete only): a number a replacement took by
   * its label in this process is kept for it. An update passes nothing: the numbers it lets go are its
   * own, taken by their label or not, and every one is released.
   */
  async release(numbers: string[], deleted?: Props): Promise<void> {
    const failed: string[] = [];
    const released: string[] = [];
    for (const e164 of numbers) {
      this.a.reader.invalidate(digits(e164));
      if (deleted !== undefined && wasTakenByLabel(this.a.key, e164, deleted)) {
        // Replaced with unchanged inputs: the replacement took this number by its label; keep it, and
        // keep its claim (the replacement holds it).
        process.stderr.write(`PlivoNumberOrder: ${e164} is now held by its replacement; not released.\n`);
        forgetTakenByLabel(this.a.key, e164);
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
      forgetTakenByLabel(this.a.key, e164);
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
