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
 * before the walk started and was not found is not in the list (undefined). Items a walk saw answer
 * later lookups for `ttlMs`; a lookup never waits for more than the walks its own wait overlaps.
 */

export interface ListLookupOptions {
  /** How long an item a walk saw answers lookups without walking again. */
  ttlMs: number;
  /** How long a walk waits after the first lookup before its first page, to gather others. */
  gatherMs: number;
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

export class ListLookup<T> {
  private readonly opts: ListLookupOptions;
  private readonly seen = new Map<string, { item: T; at: number }>();
  private readonly waiting = new Map<string, Waiter<T>[]>();
  private running = false;
  /** Counters for tests and benchmarks. */
  readonly stats = { walks: 0, pages: 0, fromCache: 0 };

  constructor(
    private readonly pages: () => AsyncIterable<T[]>,
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
        await new Promise((r) => setTimeout(r, this.opts.gatherMs));
        await this.walk();
      }
    } finally {
      this.running = false;
    }
  }

  /** One walk: answers lookups from its pages; ends the ones that waited since before it started. */
  private async walk(): Promise<void> {
    const walk = ++this.stats.walks;
    try {
      for await (const page of this.pages()) {
        this.stats.pages++;
        const at = this.opts.now();
        for (const item of page) {
          const id = this.idOf(item);
          this.seen.set(id, { item, at });
          for (const w of this.waiting.get(id) ?? []) w.resolve(item);
          this.waiting.delete(id);
        }
        if (this.waiting.size === 0) break;
      }
    } catch (err) {
      for (const list of this.waiting.values()) for (const w of list) w.reject(err);
      this.waiting.clear();
      return;
    }
    this.prune();
    for (const [id, list] of this.waiting) {
      const later = list.filter((w) => w.after >= walk);
      for (const w of list) if (w.after < walk) w.resolve(undefined);
      if (later.length > 0) this.waiting.set(id, later);
      else this.waiting.delete(id);
    }
  }

  private prune(): void {
    const now = this.opts.now();
    for (const [id, s] of this.seen) if (now - s.at >= this.opts.ttlMs) this.seen.delete(id);
  }
}
