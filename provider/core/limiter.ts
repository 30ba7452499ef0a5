/**
 * Process-wide rate limiters, one per vendor account.
 *
 * Pulumi runs many resource operations at once in one provider process, and every attempt
 * (including got's retries) counts against the vendor's per-account limit, so every HTTP request
 * of an account goes through the same limiter. The registry lives on `globalThis` so that two
 * copies of this module loaded from different paths in one process still share it.
 */
import PQueue from "p-queue";

export interface RateLimit {
  /** Requests allowed in any window of `windowMs`. */
  requests: number;
  windowMs: number;
  /** Requests in flight at once (default: unlimited). */
  concurrency?: number;
}

export interface Limiter {
  readonly key: string;
  /** The limits currently applied. */
  readonly limit: RateLimit;
  /**
   * Runs `task` when the limits allow: it counts against the window when it starts and holds a
   * concurrency slot until its promise settles.
   */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks waiting for the limits to let them start. */
  readonly waiting: number;
}

interface Registry {
  limiters: Map<string, LimiterImpl>;
  configured: Map<string, RateLimit>;
}

const REGISTRY = Symbol.for("pulumi-phone-numbers.limiters.v1");

function registry(): Registry {
  const g = globalThis as { [REGISTRY]?: Registry };
  g[REGISTRY] ??= { limiters: new Map(), configured: new Map() };
  return g[REGISTRY];
}

/**
 * The vendor counts a request when it arrives, we count it when we send it; latencies differ per
 * request (a slow connection or a queued request reaches the vendor a second or more later than it
 * was counted), so pad the window to stay under the limit whatever the vendor's window algorithm:
 * 20% of the window, at least 50 ms, at most 2 s (Plivo's 300 per 5 s becomes 300 per 6 s;
 * Exotel's 200 per minute, 200 per 62 s).
 */
function paddedInterval(windowMs: number): number {
  return windowMs + Math.min(2000, Math.max(50, Math.ceil(windowMs * 0.2)));
}

function validate(key: string, limit: RateLimit): RateLimit {
  const ok =
    Number.isInteger(limit.requests) &&
    limit.requests > 0 &&
    Number.isFinite(limit.windowMs) &&
    limit.windowMs > 0 &&
    (limit.concurrency === undefined || (Number.isInteger(limit.concurrency) && limit.concurrency > 0));
  if (!ok) {
    throw new RangeError(
      `rate limit for ${key}: requests and concurrency must be positive integers and windowMs a positive number`,
    );
  }
  return { ...limit };
}

function makeQueue(limit: RateLimit): PQueue {
  return new PQueue({
    intervalCap: limit.requests,
    interval: paddedInterval(limit.windowMs),
    // Sliding window: never more than `requests` starts in any rolling interval.
    strict: true,
    concurrency: limit.concurrency ?? Number.POSITIVE_INFINITY,
  });
}

class LimiterImpl implements Limiter {
  private queue: PQueue;

  constructor(
    readonly key: string,
    public limit: RateLimit,
  ) {
    this.queue = makeQueue(limit);
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    return this.queue.add(task);
  }

  get waiting(): number {
    return this.queue.size;
  }

  reconfigure(limit: RateLimit): void {
    // Tasks already queued finish on the old queue; new work uses the new limits.
    this.limit = limit;
    this.queue = makeQueue(limit);
  }
}

/**
 * Tasks waiting for the limits of `key`'s limiter (0 when there is none yet). A limiter made by an
 * older copy of this module in the same process may not count them: 0 then too.
 */
export function waitingFor(key: string): number {
  return registry().limiters.get(key)?.waiting ?? 0;
}

/**
 * The limiter for `key` (vendor + account), shared by everything in the process. The first
 * caller's `defaults` win unless `configureLimit` set limits for the key.
 */
export function limiterFor(key: string, defaults: RateLimit): Limiter {
  const reg = registry();
  let limiter = reg.limiters.get(key);
  if (!limiter) {
    limiter = new LimiterImpl(key, validate(key, reg.configured.get(key) ?? defaults));
    reg.limiters.set(key, limiter);
  }
  return limiter;
}

/** Sets the limits for `key`, now (if its limiter exists) and for later `limiterFor` calls. */
export function configureLimit(key: string, limit: RateLimit): void {
  const valid = validate(key, limit);
  const reg = registry();
  reg.configured.set(key, valid);
  const existing = reg.limiters.get(key);
  if (existing && !sameLimit(existing.limit, valid)) {
    existing.reconfigure(valid);
  }
}

function sameLimit(a: RateLimit, b: RateLimit): boolean {
  return a.requests === b.requests && a.windowMs === b.windowMs && a.concurrency === b.concurrency;
}
