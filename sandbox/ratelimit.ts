/** Fixed-window request budgets per vendor account. */
import type { RateLimit, Vendor } from "./types.js";

export const DEFAULT_RATE_LIMITS: Record<Vendor, RateLimit> = {
  exotel: { requests: 200, windowMs: 60_000 },
  plivo: { requests: 300, windowMs: 5_000 },
  apifonica: { requests: 100, windowMs: 10_000 },
};

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  /** Counts one request for `key`; refuses it when the window's budget is spent. */
  take(key: string, limit: RateLimit, now = Date.now()): RateDecision {
    let w = this.windows.get(key);
    if (!w || now - w.start >= limit.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    if (w.count >= limit.requests) {
      return {
        ok: false,
        retryAfterSeconds: Math.max(1, Math.ceil((w.start + limit.windowMs - now) / 1000)),
      };
    }
    w.count += 1;
    return { ok: true };
  }

  clear(): void {
    this.windows.clear();
  }
}
