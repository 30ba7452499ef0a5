/**
 * Candidates for creates that search, shared per vendor account and search criteria.
 *
 * Pulumi runs many creates at once in one provider process. Each searching on its own costs a search
 * per number, and creates with the same criteria then race for the same first candidates. A pool runs
 * one search for every create waiting on the same criteria and hands its candidates out one per
 * create, claimed in the account's in-process claims (core/claims.ts). When it runs dry it searches
 * again, but only once purchases it handed out have settled (a vendor search answers at most 10 or 50
 * numbers and keeps offering those still being rented), and it says "nothing available" only when a
 * search after every purchase settled offered nothing new.
 */
import { claim, isClaimed } from "./claims.js";

export interface PoolOptions {
  /** Candidates older than this are dropped and searched again (someone else may have rented them). */
  ttlMs: number;
}

/**
 * Five minutes: creates queued behind a vendor's rate limit keep using one search's candidates; a
 * candidate someone else rented meanwhile costs one refused rent and the next candidate is tried.
 */
const DEFAULTS: PoolOptions = { ttlMs: 300_000 };

export class CandidatePool<C> {
  private queue: C[] = [];
  private searching: Promise<void> | undefined;
  private searchedAt = 0;
  /** The last search offered nothing that was not already claimed. */
  private dry = false;
  private inFlight = 0;
  private settled = 0;
  private settledAtSearch = 0;
  private waiters: Array<() => void> = [];
  /** Counters for tests and benchmarks. */
  readonly stats = { searches: 0, handed: 0 };

  constructor(
    private readonly account: string,
    private readonly search: () => Promise<C[]>,
    private readonly numberOf: (c: C) => string,
    private readonly opts: PoolOptions = DEFAULTS,
  ) {}

  /**
   * A candidate claimed for the caller, or undefined when none is available. The caller must call
   * `settle` once its purchase of it has an outcome (bought, taken, uncertain or failed).
   */
  async take(): Promise<C | undefined> {
    for (;;) {
      if (Date.now() - this.searchedAt > this.opts.ttlMs && !this.searching) {
        this.queue = [];
        this.dry = false;
      }
      while (this.queue.length > 0) {
        const c = this.queue.shift()!;
        if (claim(this.account, this.numberOf(c))) {
          this.inFlight++;
          this.stats.handed++;
          return c;
        }
      }
      if (this.searching) {
        await this.searching;
        continue;
      }
      const settledSince = this.settled - this.settledAtSearch;
      if (this.inFlight > 0 && settledSince * 2 < this.inFlight) {
        // A search now would mostly offer the numbers still being rented: wait until a good part of
        // them settled (rented numbers leave the vendor's search, making room for new ones).
        await new Promise<void>((r) => this.waiters.push(r));
        continue;
      }
      if (this.dry && this.inFlight === 0 && settledSince === 0) return undefined;
      this.searching = this.refill().finally(() => {
        this.searching = undefined;
      });
      await this.searching;
    }
  }

  /** The purchase of a handed-out candidate has an outcome. */
  settle(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.settled++;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private async refill(): Promise<void> {
    this.settledAtSearch = this.settled;
    this.stats.searches++;
    const found = await this.search();
    this.searchedAt = Date.now();
    const queued = new Set(this.queue.map(this.numberOf));
    const fresh = found.filter((c) => {
      const n = this.numberOf(c);
      return !isClaimed(this.account, n) && !queued.has(n);
    });
    this.queue.push(...fresh);
    this.dry = fresh.length === 0;
  }
}

const pools = new Map<string, CandidatePool<unknown>>();

/** The pool for an account and search criteria (`criteria` a stable text of them). */
export function poolFor<C>(
  account: string,
  criteria: string,
  search: () => Promise<C[]>,
  numberOf: (c: C) => string,
): CandidatePool<C> {
  const key = `${account}\n${criteria}`;
  let p = pools.get(key) as CandidatePool<C> | undefined;
  if (!p) {
    p = new CandidatePool(account, search, numberOf);
    pools.set(key, p as CandidatePool<unknown>);
  }
  return p;
}
