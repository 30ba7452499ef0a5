/**
 * One purchase (rent, buy) of one number, with the rules that keep money safe:
 * - never retried blindly: a refusal (429) is asked again only after the vendor's Retry-After;
 * - after an ambiguous failure (timeout, reset, 5xx) the account is searched before anything else:
 *   a number found there is ours; one not found was not bought and counts as taken;
 * - "not available" answers mean someone else has it: the caller moves on to the next candidate.
 */
import { VendorApiError } from "./errors.js";
import { messageOf, waitRetryAfter } from "./outcome.js";

export interface Purchase<T> {
  /** e.g. "Exotel rent of +918047091234", for messages. */
  what: string;
  /** Where a person checks by hand, e.g. "the Exotel dashboard". */
  console: string;
  buy: () => Promise<T>;
  /** Looks for the number in the account after an ambiguous failure. */
  findHeld: () => Promise<T | undefined>;
}

const REFUSED_RETRIES = 3;

export async function purchase<T>(p: Purchase<T>): Promise<T | "taken"> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await p.buy();
    } catch (err) {
      if (!(err instanceof VendorApiError)) throw err;
      if (err.status === 429 && attempt < REFUSED_RETRIES) {
        await waitRetryAfter(err); // refused, not applied: safe to ask again after the wait
        continue;
      }
      if (err.ambiguous) {
        let held: T | undefined;
        try {
          held = await p.findHeld();
        } catch (lookErr) {
          throw new Error(
            `${p.what} failed ambiguously (${err.message}) and the account could not be checked (${messageOf(lookErr)}). ` +
              `The number may have been rented: check ${p.console} before running pulumi up again.`,
          );
        }
        return held ?? "taken";
      }
      if (err.status === 400 || err.status === 404 || err.status === 409) return "taken";
      throw err;
    }
  }
}
