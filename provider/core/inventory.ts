/**
 * Reads of many numbers of one account answered from one lazy walk of the account's number list.
 *
 * Pulumi refreshes resources a few at a time (bounded parallelism), so batching by time window alone
 * would never see more than a handful of reads together. Instead, once reads for an account come in a
 * burst (a refresh or a preview --refresh of an inventory), the reader starts walking the account's
 * list pages and answers every read from them; a page is fetched only while some read is still
 * waiting for an id it has not seen. A number missing from the walk is confirmed with a single GET
 * before it is reported gone, because offset pagination can skip rows when the list changes under it.
 * A write through this process marks its id dirty, so a later read never returns the walk's old copy.
 *
 * A walk lives as long as reads keep using it (it expires `ttlMs` after the last one, and at the
 * latest `maxAgeMs` after it started), so a refresh that lasts minutes still walks the list once.
 * After a finished walk, an id it did not see is confirmed by a single GET; only a burst of such ids
 * (numbers rented after the walk started) starts a new walk.
 */

export interface InventoryReaderOptions {
  /** Reads within `windowMs` that start a walk. */
  burst: number;
  windowMs: number;
  /** How long a walk keeps answering reads after the last read it answered. */
  ttlMs: number;
  /** How long after it started a walk may answer reads at all. */
  maxAgeMs: number;
  /** The clock (tests). */
  now: () => number;
}

const DEFAULTS: InventoryReaderOptions = {
  burst: 4,
  windowMs: 2_000,
  ttlMs: 30_000,
  maxAgeMs: 15 * 60_000,
  now: Date.now,
};

interface Walk<T> {
  startedAt: number;
  lastUsed: number;
  items: Map<string, T>;
  dirty: Set<string>;
  done: boolean;
  failed: boolean;
  waiters: Map<string, Array<() => void>>;
  wake: (() => void) | undefined;
}

export class InventoryReader<T> {
  private readonly opts: InventoryReaderOptions;
  /** The times of the last `burst` reads. */
  private recent: number[] = [];
  /** The times of the last `burst` reads a finished walk had not seen, for deciding when walking again is worth it. */
  private misses: number[] = [];
  private walk: Walk<T> | undefined;
  /** Counters for tests and benchmarks. */
  readonly stats = { walks: 0, pages: 0, single: 0, fromWalk: 0 };

  constructor(
    private readonly pages: () => AsyncIterable<T[]>,
    private readonly idOf: (item: T) => string,
    opts: Partial<InventoryReaderOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  /** Marks an id as changed by this process: reads of it bypass any walk already under way. */
  invalidate(id: string): void {
    this.walk?.dirty.add(id);
  }

  private alive(walk: Walk<T> | undefined, now: number): walk is Walk<T> {
    return (
      walk !== undefined &&
      !walk.failed &&
      now - walk.lastUsed < this.opts.ttlMs &&
      now - walk.startedAt < this.opts.maxAgeMs
    );
  }

  /**
   * The live item for `id`, or undefined when the account no longer holds it.
   * `fetchOne` answers a single read (undefined on the vendor's 404).
   */
  async read(id: string, fetchOne: () => Promise<T | undefined>): Promise<T | undefined> {
    const now = this.opts.now();
    const burst = this.burstAt(this.recent, now);

    let walk = this.alive(this.walk, now) ? this.walk : undefined;
    if (walk?.done === true && !walk.items.has(id)) {
      // A finished walk cannot know numbers rented after it started. One such read is confirmed on
      // its own (most are released numbers); a burst of them walks again.
      if (this.burstAt(this.misses, now) && now - walk.startedAt >= this.opts.windowMs) {
        this.misses = [];
        walk = this.startWalk(now);
      }
    }
    if (!walk && burst) walk = this.startWalk(now);
    if (!walk || walk.dirty.has(id)) return this.single(fetchOne);
    walk.lastUsed = now;

    if (!walk.items.has(id) && !walk.done && !walk.failed) await this.waitFor(walk, id);
    const item = walk.items.get(id);
    if (item !== undefined && !walk.dirty.has(id)) {
      this.stats.fromWalk++;
      return item;
    }
    return this.single(fetchOne);
  }

  /**
   * Records a read at `now` in `times`, which keeps the last `burst` only: whether `burst` reads
   * came within the window (constant work per read; a refresh of thousands reads in bursts).
   */
  private burstAt(times: number[], now: number): boolean {
    times.push(now);
    if (times.length > this.opts.burst) times.shift();
    return times.length >= this.opts.burst && now - times[0]! < this.opts.windowMs;
  }

  private async single(fetchOne: () => Promise<T | undefined>): Promise<T | undefined> {
    this.stats.single++;
    return fetchOne();
  }

  private waitFor(walk: Walk<T>, id: string): Promise<void> {
    return new Promise((resolve) => {
      const list = walk.waiters.get(id) ?? [];
      list.push(resolve);
      walk.waiters.set(id, list);
      walk.wake?.();
    });
  }

  private startWalk(now: number): Walk<T> {
    const walk: Walk<T> = {
      startedAt: now,
      lastUsed: now,
      items: new Map(),
      dirty: new Set(),
      done: false,
      failed: false,
      waiters: new Map(),
      wake: undefined,
    };
    this.walk = walk;
    this.stats.walks++;
    void this.run(walk);
    return walk;
  }

  private async run(walk: Walk<T>): Promise<void> {
    const release = (all: boolean) => {
      for (const [id, list] of walk.waiters) {
        if (all || walk.items.has(id)) {
          for (const r of list) r();
          walk.waiters.delete(id);
        }
      }
    };
    try {
      const it = this.pages()[Symbol.asyncIterator]();
      for (;;) {
        // Lazy: fetch the next page only while a read is waiting for an id not seen yet; stop (the
        // walk stays unfinished) once no read has used it for a while.
        while (walk.waiters.size === 0) {
          if (this.walk !== walk || !this.alive(walk, this.opts.now())) {
            await it.return?.();
            return;
          }
          await new Promise<void>((resolve) => {
            walk.wake = resolve;
            setTimeout(resolve, 50).unref();
          });
          walk.wake = undefined;
        }
        const next = await it.next();
        if (next.done) break;
        this.stats.pages++;
        for (const item of next.value) walk.items.set(this.idOf(item), item);
        release(false);
      }
      walk.done = true;
    } catch {
      walk.failed = true;
    } finally {
      release(true);
    }
  }
}
