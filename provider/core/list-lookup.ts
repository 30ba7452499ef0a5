/**
 * Lookups of items that appear in a vendor list the vendor offers no single-item read for (such as
 * Apifonica's number costs), shared by every caller of one provider process.
 *
 * A create asks for the item of the number it has just bought. Asked one by one, every create would
 * walk the whole list (the item is new, so no earlier walk saw it). Here the lookups that wait at the
 * same time share one walk: it starts a moment after the first lookup (so the lookups of creates that
 * run at once join it), answers each lookup from the page that holds its item, and stops paging as soon
 * as no lookup is waiting. A lookup that came in while a walk was under way and was not found by it
 * (its item may have been added behind the walk's position) waits for the next walk; one that waited
 * before a whole walk started and was not found by it is not in the list (undefined). Items a walk
 * saw answer later lookups for `ttlMs`.
 *
 * Tail walks: a list whose pages carry the cursor they were read from lets a walk start at the page a
 * recent walk read last, where items added since then are when the list is kept in the order items
 * were added (Apifonica's cursors are ObjectId-like, so in creation order). A tail walk never decides
 * that an item is missing: a lookup it did not answer, waiting since before it started, is looked up
 * by a whole walk next, so a list kept in another order costs a page more, never a wrong answer.
 */

/** One page of the list, with the cursor it was read from (undefined for the first page). */
export interface CursorPage<T, C> {
  items: T[];
  at: C | undefined;
}

export interface ListLookupOptions {
  /** How long an item a walk saw (and the cursor of the last page it read) stays usable. */
  ttlMs: number;
  /**
   * How long a walk waits after the first lookup before its first page, to gather others; asked
   * before each walk (longer while requests queue for the rate limit: then pages, not waits, cost time).
   */
  gatherMs: number | (() => number);
  /** The clock (tests). */
  now: () => number;
}

const DEFAULTS: ListLookupOptions = { ttlMs: 30_000, gatherMs: 20, now: Date.now };

interface Waiter<T> {
  /** The number of walks started before this lookup came in. */
  after: number;
  resolve: (item: T | undefined) => void;
  reject: (err: unknown) => void;
}

export class ListLookup<T, C = string> {
  private readonly opts: ListLookupOptions;
  private readonly seen = new Map<string, { item: T; at: number }>();
  private readonly waiting = new Map<string, Waiter<T>[]>();
  private tail: { at: C; when: number } | undefined;
  private wholeNext = false;
  private running = false;
  /** Counters for tests and benchmarks. */
  readonly stats = { walks: 0, tailWalks: 0, pages: 0, fromCache: 0 };

  /** `pages(from)`: the list's pages from the page read at cursor `from` on (from the first without one). */
  constructor(
    private readonly pages: (from: C | undefined) => AsyncIterable<CursorPage<T, C>>,
    private readonly idOf: (item: T) => string,
    opts: Partial<ListLookupOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  /** Forgets what walks saw of `id` (it was changed or released by this process). */
  forget(id: string): void {
    this.seen.delete(id);
  }

  /** The list's item for `id`, or undefined when the list does not hold it. */
  get(id: string): Promise<T | undefined> {
    const hit = this.seen.get(id);
    if (hit && this.opts.now() - hit.at < this.opts.ttlMs) {
      this.stats.fromCache++;
      return Promise.resolve(hit.item);
    }
    return new Promise((resolve, reject) => {
      const list = this.waiting.get(id) ?? [];
      list.push({ after: this.stats.walks, resolve, reject });
      this.waiting.set(id, list);
      if (!this.running) void this.run();
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.size > 0) {
        const gather = this.opts.gatherMs;
        await new Promise((r) => setTimeout(r, typeof gather === "number" ? gather : gather()));
        const tail = this.tail;
        const useTail =
          !this.wholeNext && tail !== undefined && this.opts.now() - tail.when < this.opts.ttlMs;
        this.wholeNext = false;
        await this.walk(useTail ? tail.at : undefined);
      }
    } finally {
      this.running = false;
    }
  }

  /** One walk from `from` (a tail walk) or from the first page (a whole walk). */
  private async walk(from: C | undefined): Promise<void> {
    const walk = ++this.stats.walks;
    if (from !== undefined) this.stats.tailWalks++;
    try {
      for await (const page of this.pages(from)) {
        this.stats.pages++;
        const at = this.opts.now();
        if (page.at !== undefined) this.tail = { at: page.at, when: at };
        this.answer(page.items, at);
        if (this.waiting.size === 0) return;
      }
    } catch (err) {
      if (from !== undefined) {
        // A tail cursor the vendor no longer takes: a whole walk decides.
        this.tail = undefined;
        this.wholeNext = true;
        return;
      }
      for (const list of this.waiting.values()) for (const w of list) w.reject(err);
      this.waiting.clear();
      return;
    }
    this.ended(walk, from !== undefined);
  }

  private answer(items: T[], at: number): void {
    for (const item of items) {
      const id = this.idOf(item);
      this.seen.set(id, { item, at });
      for (const w of this.waiting.get(id) ?? []) w.resolve(item);
      this.waiting.delete(id);
    }
  }

  /** After walk number `walk` read the list to its end: who it leaves waiting, and what walks next. */
  private ended(walk: number, tail: boolean): void {
    this.prune();
    for (const [id, list] of this.waiting) {
      const before = list.filter((w) => w.after < walk);
      if (before.length === 0) continue;
      if (tail) {
        this.wholeNext = true;
        continue;
      }
      for (const w of before) w.resolve(undefined);
      const later = list.filter((w) => w.after >= walk);
      if (later.length > 0) this.waiting.set(id, later);
      else this.waiting.delete(id);
    }
  }

  private prune(): void {
    const now = this.opts.now();
    for (const [id, s] of this.seen) if (now - s.at >= this.opts.ttlMs) this.seen.delete(id);
  }
}
