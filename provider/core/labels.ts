/**
 * Identity labels: how a create recognises its own purchase after a crash.
 *
 * A create receives only its inputs, so the SDK classes pass `__identity` ("<project>/<stack>/<name>").
 * The provider writes a label derived from it on the number it buys: Exotel's `FriendlyName` with the
 * rent itself; Plivo's `alias` and Apifonica's `name` right after the buy. Before renting, a create
 * with an identity looks for a number already carrying its label (the process was killed after a rent
 * the vendor applied: the engine kept only a pending create) and takes it instead of renting again.
 * The look is one shared list walk per account per provider process (`LabelIndex`), not one per create.
 *
 * A user-set friendlyName / name / alias wins: the label is the value of that field only while the
 * program leaves it unset (then the field is unmanaged, so the label causes no drift). Exotel rents with
 * the label and then sets the user's friendlyName in place; Plivo and Apifonica write the user's value
 * instead of the label. A crash is recognised while the label is on the number: on Exotel from the rent
 * until the friendlyName update; on Plivo and Apifonica, for numbers whose field is unset, from the
 * label write on.
 *
 * The moment between a Plivo or Apifonica buy and its label (or user name) write is covered by a guard
 * instead ("while uncertain, never rent another"): every number a create with an identity buys gets a
 * label or the user's name right after the buy, so a number carrying no name at all (null, empty,
 * absent, or Apifonica's default of the number itself) that was rented recently and matches a search
 * create's criteria is either rented by hand without a name or a purchase of ours interrupted before its
 * label. A search create with an identity then rents nothing and fails naming it (`unlabelledGuard`),
 * with the ways on: adopt it, release it, or set the window (PHONE_NUMBERS_UNLABELLED_WINDOW_HOURS or
 * `<vendor>:unlabelledWindowHours`, default 24) to 0. The same shared list walk collects them; each
 * one is read again (GET) before it blocks, so a number released or named since the walk does not.
 */
import { createHash } from "node:crypto";
import type { Props } from "./check.js";

export const LABEL_PREFIX = "pulumi:";
const MAX_LABEL = 64;

/** The identity the SDK passed (`__identity`), or undefined (older programs, direct callers). */
export function identityOf(news: Props): string | undefined {
  const v = news.__identity;
  return typeof v === "string" && v !== "" ? v : undefined;
}

const hash = (text: string, n: number) => createHash("sha256").update(text).digest("hex").slice(0, n);

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .filter((k) => !k.startsWith("__") && (v as Props)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Props)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}

/**
 * The label for an identity and the create's inputs: `pulumi:<identity>#<8 hex of the inputs>`, the
 * identity shortened with a hash when long (64 characters at most). The inputs are part of it so a
 * replacement (same name, new criteria, created while the old number is still held) never takes the
 * old number; a rerun of the same program after a crash has the same inputs, hence the same label.
 */
export function labelFor(identity: string, inputs: Props): string {
  const tail = `#${hash(canonical(inputs), 8)}`;
  const room = MAX_LABEL - LABEL_PREFIX.length - tail.length;
  const id = identity.length <= room ? identity : `${identity.slice(0, room - 13)}~${hash(identity, 12)}`;
  return `${LABEL_PREFIX}${id}${tail}`;
}

/** Whether a vendor name field holds one of our labels. */
export function isLabel(text: unknown): text is string {
  return typeof text === "string" && text.startsWith(LABEL_PREFIX);
}

/** A labelled number found in an account: the label names the resource that rented it. */
export interface LabelledNumber {
  number: string;
  label: string;
  /** "<project>/<stack>/<name>" when the label is not shortened. */
  identity: string | undefined;
}

export function labelled(number: string, label: string): LabelledNumber {
  const id = label.slice(LABEL_PREFIX.length).replace(/#[0-9a-f]*$/, "");
  return { number, label, identity: id.includes("~") ? undefined : id };
}

/**
 * Numbers a create took by their label in this process. A replacement with unchanged inputs
 * (`pulumi up --replace`) has the old resource's label, takes the old number, and the old resource's
 * delete then runs in the same process: delete skips numbers listed here instead of releasing the
 * number the new resource now holds.
 */
const takenByLabel = new Set<string>();

export function tookByLabel(account: string, number: string): void {
  takenByLabel.add(`${account}\n${number}`);
}

/**
 * A number left the resource that took it by its label (released, or kept for that resource when the
 * replaced one was deleted): the entry has served. Kept, it would make the delete of a later holder
 * of the same number (released, then rented again in this process) keep it instead of releasing it.
 */
export function forgetTakenByLabel(account: string, number: string): void {
  takenByLabel.delete(`${account}\n${number}`);
}

/** Marks the outputs of the resource that took a number by its label (only this process reads it). */
export const TOOK_BY_LABEL = "__tookByLabel";

/**
 * Whether a delete must keep `number`: a create in this process took it by its label and the
 * resource being deleted is not that create's (its props lack the mark), i.e. it is the replaced one.
 */
export function wasTakenByLabel(account: string, number: string, props: Props): boolean {
  return props[TOOK_BY_LABEL] !== true && takenByLabel.has(`${account}\n${number}`);
}

/**
 * The labelled numbers of one account, from one walk of its number list shared by every create in the
 * process. A number a create takes is removed, so no other create can take it too. With `isUnnamed`,
 * the same walk also keeps the numbers that carry no name at all (see `unlabelledGuard`); it answers
 * "unknown" for a list item that has no name field (the record must be read to know).
 */
export class LabelIndex<T> {
  private walk: Promise<{ byLabel: Map<string, T[]>; unnamed: T[] }> | undefined;

  constructor(
    private readonly items: () => AsyncIterable<T>,
    private readonly labelOf: (item: T) => string | null | undefined,
    private readonly isUnnamed?: (item: T) => boolean | "unknown",
  ) {}

  private load(): Promise<{ byLabel: Map<string, T[]>; unnamed: T[] }> {
    this.walk ??= (async () => {
      const byLabel = new Map<string, T[]>();
      const unnamed: T[] = [];
      for await (const item of this.items()) {
        const label = this.labelOf(item);
        if (!isLabel(label)) {
          if (this.isUnnamed && this.isUnnamed(item) !== false) unnamed.push(item);
          continue;
        }
        const list = byLabel.get(label) ?? [];
        list.push(item);
        byLabel.set(label, list);
      }
      return { byLabel, unnamed };
    })();
    // A failed walk is not kept: the next create walks again.
    this.walk.catch(() => {
      this.walk = undefined;
    });
    return this.walk;
  }

  /**
   * The numbers carrying `label`, handed to the caller (removed from the index). Each is read again
   * with `reread` first (the walk may be older than a release, a re-rent by someone else or a rename:
   * a long-lived process, or a resource deleted and created again in one run); only a number the
   * account still holds under the label is handed out.
   */
  async take(label: string, reread: (item: T) => Promise<T | undefined>): Promise<T[]> {
    const { byLabel } = await this.load();
    const found = byLabel.get(label) ?? [];
    const now: T[] = [];
    for (const item of found) {
      const live = await reread(item);
      if (live !== undefined && this.labelOf(live) === label) now.push(live);
    }
    byLabel.delete(label);
    return now;
  }

  /** The numbers the walk found with no name (or, "unknown", no name field), shared: not removed. */
  async unnamed(): Promise<readonly T[]> {
    return (await this.load()).unnamed;
  }
}

/** A vendor name field that carries no name: null, empty, absent, or the number itself (a default). */
export function isBlankName(name: unknown, number: string): boolean {
  if (name === null || name === undefined) return true;
  if (typeof name !== "string") return false;
  const t = name.trim();
  return t === "" || t.replace(/^\+/, "") === number.replace(/^\+/, "");
}

/** When a number was rented, as an interval (a date without time is its whole day, UTC). */
export interface RentedAt {
  /** As the vendor wrote it, for messages. */
  text: string;
  /** Epoch ms of the earliest and latest moment it may have been rented; undefined when unreadable. */
  from?: number;
  to?: number;
}

/** Parses a vendor date: RFC-2822-like (`Thu, 31 Mar 2016 11:16:59 +0300`), ISO, or a bare day (UTC). */
export function rentedAt(text: string | null | undefined): RentedAt {
  const t = (text ?? "").trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    const from = Date.parse(`${t}T00:00:00Z`);
    return Number.isNaN(from) ? { text: t } : { text: t, from, to: from + 86_400_000 - 1 };
  }
  const at = Date.parse(t);
  return Number.isNaN(at) ? { text: t } : { text: t, from: at, to: at };
}

/** Thrown by `unlabelledGuard`: nothing was bought, nothing is recorded. */
export class UnlabelledNumberError extends Error {
  readonly numbers: string[];
  constructor(message: string, numbers: string[]) {
    super(message);
    this.name = "UnlabelledNumberError";
    this.numbers = numbers;
  }
}

export interface UnlabelledGuard<T> {
  /** e.g. "ApifonicaNumber", "PlivoNumberOrder" */
  resource: string;
  /** e.g. "Apifonica" */
  vendor: string;
  /** The vendor's name field, e.g. "name", "alias". */
  field: string;
  /** The inputs that adopt a number, e.g. `number: "+44...", adopt: true`. */
  adoptInputs: (number: string) => string;
  /** The stack config key of the window, e.g. `apifonica:unlabelledWindowHours`. */
  configKey: string;
  index: LabelIndex<T>;
  /** 0 disables the guard. */
  windowMs: number;
  numberOf: (item: T) => string;
  rentedOf: (item: T) => RentedAt;
  /** Whether the number matches the create's search criteria (as the search would). */
  matches: (item: T) => boolean;
  /** Whether a resource in this provider process holds or is buying it (core/claims.ts). */
  claimed: (number: string) => boolean;
  /**
   * Reads the record again: true when the account still holds it and it still carries no name
   * (the walk may be older than a release or a name write, and a list may not carry the name).
   */
  stillUnnamed: (item: T) => Promise<boolean>;
  /** The criteria, for the message (e.g. "countryCode GB, type local"). */
  criteria: string;
  now?: number;
}

/**
 * "While uncertain, never rent another": before a search create with an identity buys, fails when the
 * account holds numbers that carry no name, were rented within the window, match the criteria and no
 * resource of this process holds (see the header). Nothing is bought and nothing recorded.
 */
export async function unlabelledGuard<T>(g: UnlabelledGuard<T>): Promise<void> {
  if (g.windowMs <= 0) return;
  const since = (g.now ?? Date.now()) - g.windowMs;
  const found: Array<{ number: string; at: RentedAt }> = [];
  for (const item of await g.index.unnamed()) {
    const number = g.numberOf(item);
    const at = g.rentedOf(item);
    // An unreadable date is treated as recent: the guard errs towards not renting.
    if ((at.to !== undefined && at.to < since) || !g.matches(item) || g.claimed(number)) continue;
    if (!(await g.stillUnnamed(item))) continue;
    if (g.claimed(number)) continue;
    found.push({ number, at });
  }
  if (found.length === 0) return;
  const hours = g.windowMs / 3_600_000;
  const list = found.map((f) => `${f.number} (rented ${f.at.text || "at an unknown time"})`).join(", ");
  throw new UnlabelledNumberError(
    `${g.resource}: nothing was rented. This ${g.vendor} account holds ${found.length === 1 ? "a number" : `${found.length} numbers`} ` +
      `matching ${g.criteria} with no ${g.field}, rented in the last ${hours} h: ${list}. ` +
      `It may be a purchase of this resource interrupted before its label was written (the pulumi process was killed), ` +
      `so renting another could buy twice. Either adopt it (${g.adoptInputs(found[0]!.number)}), ` +
      `or release it in the ${g.vendor} console if it is not yours, or set PHONE_NUMBERS_UNLABELLED_WINDOW_HOURS=0 ` +
      `(or pulumi config set ${g.configKey} 0) to rent anyway; then run pulumi up again.`,
    found.map((f) => f.number),
  );
}
