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
 */

export interface InventoryReaderOptions {
  /** Reads within `windowMs` that start a walk. */
  burst: number;
  windowMs: number;
  /** How long a walk's pages may answer reads. */
  ttlMs: number;
}

const DEFAULTS: InventoryReaderOptions = { burst: 4, windowMs: 2_000, ttlMs: 30_000 };

interface Walk<T> {
  startedAt: number;
  items: Map<string, T>;
  dirty: Set<string>;
  done: boolean;
  failed: boolean;
  waiters: Map<string, Array<() => void>>;
  wake: (() => void) | undefined;
}

export class InventoryReader<T> {
  private readonly opts: InventoryReaderOptions;
  private recent: number[] = [];
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

  /**
   * The live item for `id`, or undefined when the account no longer holds it.
   * `fetchOne` answers a single read (undefined on the vendor's 404).
   */
  async read(id: string, fetchOne: () => Promise<T | undefined>): Promise<T | undefined> {
    const now = Date.now();
    this.recent = this.recent.filter((t) => now - t < this.opts.windowMs);
    this.recent.push(now);

    let walk = this.walk && now - this.walk.startedAt < this.opts.ttlMs ? this.walk : undefined;
    // A finished walk cannot know numbers rented after it started: during a burst, walk again.
    const stale = walk?.done === true && !walk.items.has(id) && now - walk.startedAt >= this.opts.windowMs;
    if ((!walk || stale) && this.recent.length >= this.opts.burst) walk = this.startWalk();
    if (!walk || walk.dirty.has(id)) return this.single(fetchOne);

    if (!walk.items.has(id) && !walk.done && !walk.failed) await this.waitFor(walk, id);
    const item = walk.items.get(id);
    if (item !== undefined && !walk.dirty.has(id)) {
      this.stats.fromWalk++;
      return item;
    }
    return this.single(fetchOne);
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

  private startWalk(): Walk<T> {
    const walk: Walk<T> = {
      startedAt: Date.now(),
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
        // Lazy: fetch the next page only while a read is waiting for an id not seen yet.
        while (walk.waiters.size === 0) {
          if (Date.now() - walk.startedAt >= this.opts.ttlMs) return;
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
      walk.done = true;
      release(true);
    }
  }
}
