/**
 * Results of create and update that must not lose a bought number.
 *
 * When a number has been rented and a later step fails (routing, a second number of an order),
 * throwing a plain error would make Pulumi forget a number that is billed. `PartialSuccessError`
 * carries the id and outputs, which the dynamic-provider host passes to the engine as
 * ErrorResourceInitFailed (for create and update alike): the resource is recorded with them, and the
 * next `up` finishes the job.
 */
import { isNotFound, VendorApiError } from "./errors.js";

export class PartialSuccessError extends Error {
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];

  constructor(id: string, properties: Record<string, unknown>, reason: string, cause?: unknown) {
    super(
      `${reason}. The number is rented and kept in the stack's state; run \`pulumi up\` again to finish.`,
    );
    this.name = "PartialSuccessError";
    this.id = id;
    this.properties = properties;
    this.reasons = [reason];
    if (cause !== undefined) Object.defineProperty(this, "cause", { value: cause, enumerable: false });
  }
}

/** A message for a failure, safe to show: vendor errors already carry no credentials. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Waits the vendor's Retry-After (bounded) before one more attempt of a request it refused with 429. */
export async function waitRetryAfter(err: VendorApiError, maxSeconds = 30): Promise<void> {
  const seconds = Math.min(err.retryAfter ?? 1, maxSeconds);
  await new Promise((r) => setTimeout(r, seconds * 1000));
}

/** The result of a lookup, or undefined when the vendor says the thing does not exist (404). */
export async function unlessGone<T>(lookup: Promise<T>): Promise<T | undefined> {
  try {
    return await lookup;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
