/**
 * The purchase engine: one purchase (rent, buy) of one number, the same for every vendor.
 *
 * - Never retried blindly. A 429 is a refusal (nothing was applied): it is asked again after the
 *   vendor's Retry-After, a bounded number of times.
 * - After an ambiguous failure (timeout, reset, 5xx, malformed 2xx) the request may still land, so the
 *   account is looked at with backoff for longer than that could take (`settleWindowMs`). Found: it is
 *   ours. Not found by a look made after the window: not bought. A failed look-up is not "not bought":
 *   if the last looks failed the outcome is `uncertain`, and the caller must record the candidate in
 *   state (see `UncertainPurchaseError`) instead of renting another.
 * - A "not available" answer (400, 404, 409, 422) means someone else has it: `taken`.
 */
import { VendorApiError } from "./errors.js";
import { messageOf, waitRetryAfter } from "./outcome.js";

export type PurchaseOutcome<T> =
  /** Ours. `recovered` when it was found in the account after an ambiguous failure. */
  | { outcome: "bought"; value: T; recovered: boolean }
  /**
   * Not ours, and not bought by this attempt: move on to the next candidate. `afterAmbiguous` when
   * the vendor did not refuse it but a look after the settle window did not find it.
   */
  | { outcome: "taken"; reason: string; afterAmbiguous: boolean }
  /** May have been bought: record the candidate, never rent another while this stands. */
  | { outcome: "uncertain"; reason: string };

export interface Purchase<T> {
  /** e.g. "Exotel rent of +918047091234", for messages. */
  what: string;
  buy: () => Promise<T>;
  /** Looks for the number in the account; undefined when the account does not hold it. */
  findHeld: () => Promise<T | undefined>;
  /** Overrides of the settle timing (tests). */
  settle?: Partial<SettleOptions>;
}

export interface SettleOptions {
  /** How long after an ambiguous failure a look that finds nothing is still not conclusive. */
  windowMs: number;
  /** First pause between looks; doubles up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Looks allowed after the window when the looks themselves keep failing. */
  extraLooks: number;
  /** Times a 429 is asked again after its Retry-After. */
  refusedRetries: number;
}

/** The client's response timeout default (provider/core/http.ts DEFAULT_TIMEOUTS.responseMs). */
const RESPONSE_TIMEOUT_MS = 30_000;

function envNumber(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v.trim() === "") return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number of milliseconds, got "${v}"`);
  return n;
}

/**
 * The response timeout the vendor clients use, in milliseconds (PHONE_NUMBERS_RESPONSE_TIMEOUT_MS,
 * default 30000), or undefined when it is not overridden.
 */
export function responseTimeoutOverride(): number | undefined {
  return envNumber("PHONE_NUMBERS_RESPONSE_TIMEOUT_MS");
}

/**
 * Settle timing. The window defaults to twice the client's response timeout (60 s): a request the
 * client gave up on after 30 s has had as long again to land. PHONE_NUMBERS_SETTLE_MS overrides it.
 */
export function settleOptions(over: Partial<SettleOptions> = {}): SettleOptions {
  const timeout = responseTimeoutOverride() ?? RESPONSE_TIMEOUT_MS;
  return {
    windowMs: envNumber("PHONE_NUMBERS_SETTLE_MS") ?? 2 * timeout,
    firstDelayMs: 250,
    maxDelayMs: 10_000,
    extraLooks: 3,
    refusedRetries: 5,
    ...over,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Is `err` a refusal (429) that may be asked again? */
export function isRefusal(err: unknown): err is VendorApiError {
  return err instanceof VendorApiError && err.status === 429;
}

/** A definite "not for sale / someone else has it" answer. */
export function isUnavailable(err: unknown): boolean {
  return (
    err instanceof VendorApiError &&
    !err.ambiguous &&
    (err.status === 400 || err.status === 404 || err.status === 409 || err.status === 422)
  );
}

/** Runs `request`, asking again after Retry-After while the vendor refuses it with 429 (bounded). */
export async function unlessRefused<T>(request: () => Promise<T>, retries = 5): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await request();
    } catch (err) {
      if (isRefusal(err) && attempt < retries) {
        await waitRetryAfter(err);
        continue;
      }
      throw err;
    }
  }
}

/**
 * Looks for the outcome of an ambiguous write: `found` as soon as a look finds it; `absent` only when
 * a look made after the window found nothing; `unknown` when the last looks failed.
 */
export async function lookUntilSettled<T>(
  findHeld: () => Promise<T | undefined>,
  opts: SettleOptions,
): Promise<{ state: "found"; value: T } | { state: "absent" } | { state: "unknown"; reason: string }> {
  const deadline = Date.now() + opts.windowMs;
  let delay = opts.firstDelayMs;
  let extra = 0;
  for (;;) {
    const lookedAt = Date.now();
    try {
      const held = await findHeld();
      if (held !== undefined) return { state: "found", value: held };
      if (lookedAt >= deadline) return { state: "absent" };
    } catch (err) {
      if (lookedAt >= deadline && ++extra > opts.extraLooks)
        return { state: "unknown", reason: `the account could not be checked (${messageOf(err)})` };
    }
    const now = Date.now();
    // Past the window only failed looks are asked again, a few times at a short interval.
    await sleep(now < deadline ? Math.min(delay, deadline - now) : Math.min(delay, 4 * opts.firstDelayMs));
    delay = Math.min(delay * 2, opts.maxDelayMs);
  }
}

export async function purchase<T>(p: Purchase<T>): Promise<PurchaseOutcome<T>> {
  const opts = settleOptions(p.settle);
  for (let attempt = 0; ; attempt++) {
    try {
      return { outcome: "bought", value: await p.buy(), recovered: false };
    } catch (err) {
      if (!(err instanceof VendorApiError)) throw err;
      if (err.status === 429) {
        if (attempt < opts.refusedRetries) {
          await waitRetryAfter(err); // refused, not applied: safe to ask again after the wait
          continue;
        }
        throw err; // still refused: nothing was bought
      }
      if (err.ambiguous) {
        const looked = await lookUntilSettled(p.findHeld, opts);
        if (looked.state === "found") return { outcome: "bought", value: looked.value, recovered: true };
        if (looked.state === "absent")
          return {
            outcome: "taken",
            reason: `${p.what} failed (${err.message}) and did not land`,
            afterAmbiguous: true,
          };
        return {
          outcome: "uncertain",
          reason: `${p.what} failed ambiguously (${err.message}) and ${looked.reason}`,
        };
      }
      if (isUnavailable(err)) return { outcome: "taken", reason: err.message, afterAmbiguous: false };
      throw err;
    }
  }
}

export interface Release {
  /** e.g. "Exotel release of +918047091234 (sid ...)", for messages. */
  what: string;
  release: () => Promise<void>;
  /** Whether the account still holds the number (false when it is gone). */
  isHeld: () => Promise<boolean>;
  settle?: Partial<SettleOptions>;
}

/**
 * Releases one number. A 404 means already released; a 429 is asked again after Retry-After; after an
 * ambiguous failure the account is looked at (gone = released; still held after the window: the
 * release did not land and is asked once more). Anything else throws: never swallowed.
 */
export async function release(r: Release): Promise<void> {
  const opts = settleOptions(r.settle);
  for (let attempt = 0; ; attempt++) {
    try {
      await unlessRefused(r.release, opts.refusedRetries);
      return;
    } catch (err) {
      if (err instanceof VendorApiError && err.status === 404) return;
      if (!(err instanceof VendorApiError) || !err.ambiguous || attempt > 0) throw err;
      const looked = await lookUntilSettled(async () => ((await r.isHeld()) ? undefined : true), opts);
      if (looked.state === "found") return; // gone: released
      if (looked.state === "unknown")
        throw new Error(`${r.what} failed ambiguously (${err.message}) and ${looked.reason}`);
      // still held after the window: the release did not land; asking again is safe
    }
  }
}
