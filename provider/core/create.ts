/**
 * The shared create flow of resources that rent one number by search: candidates from the account's
 * shared pool (core/pool.ts), one purchase (core/purchase.ts) per candidate, the next candidate only
 * when the last was certainly not bought, and an uncertain purchase recorded instead of renting on.
 */
import { unclaim } from "./claims.js";
import type { CandidatePool } from "./pool.js";
import type { PurchaseOutcome } from "./purchase.js";

export interface RentFirst<C, T> {
  account: string;
  pool: CandidatePool<C>;
  numberOf: (c: C) => string;
  /** Candidates tried when the first were taken by someone else between search and rent. */
  maxCandidates: number;
  attempt: (c: C) => Promise<PurchaseOutcome<T>>;
  /** Builds the error that records an uncertain candidate in state (thrown). */
  uncertain: (c: C, reason: string) => Error;
  /** The error when nothing is available (`tried` 0) or every candidate was taken. */
  exhausted: (tried: number) => Error;
}

/** Rents the first available candidate; the number stays claimed by the caller when bought. */
export async function rentFirst<C, T>(
  f: RentFirst<C, T>,
): Promise<{ candidate: C; value: T; recovered: boolean }> {
  let tried = 0;
  while (tried < f.maxCandidates) {
    const c = await f.pool.take();
    if (c === undefined) break;
    tried++;
    let out: PurchaseOutcome<T>;
    try {
      out = await f.attempt(c);
    } catch (err) {
      unclaim(f.account, f.numberOf(c)); // refused or failed before anything was applied
      throw err;
    } finally {
      f.pool.settle();
    }
    if (out.outcome === "bought") return { candidate: c, value: out.value, recovered: out.recovered };
    if (out.outcome === "uncertain") throw f.uncertain(c, out.reason); // stays claimed
    unclaim(f.account, f.numberOf(c));
  }
  throw f.exhausted(tried);
}
