/**
 * Results of create and update that must not lose a bought number.
 *
 * When a number has been rented and a later step fails (routing, a second number of an order),
 * throwing a plain error would make Pulumi forget a number that is billed. `PartialSuccessError`
 * carries the id and properties, which the dynamic-provider host passes to the engine as
 * ErrorResourceInitFailed (for create and update alike; @pulumi/pulumi cmd/dynamic-provider
 * `grpcResponseFromError`). The host stores those properties exactly as given: unlike a successful
 * create it does not add `__provider`, so `keptInState` copies it from the inputs, or refresh and
 * destroy would fail with "code must be a string, not undefined". The properties must be the complete
 * outputs a normal create writes (missing keys are wiped and can turn the next diff into a
 * replacement), and the next `up` finishes the job (the engine updates a resource with init errors).
 */
import { isNotFound, type VendorApiError } from "./errors.js";

export type Props = Record<string, unknown>;

/** The properties to record: complete outputs plus the host's `__`-keys (`__provider`) from the inputs. */
export function keptInState(outputs: object, news: Props): Props {
  const meta = Object.fromEntries(Object.entries(news).filter(([k]) => k.startsWith("__")));
  return { ...(outputs as Props), ...meta };
}

export class PartialSuccessError extends Error {
  readonly id: string;
  readonly properties: Props;
  readonly reasons: string[];

  /**
   * @param properties complete outputs; `news` (the create/update inputs) supplies `__provider`.
   */
  constructor(
    id: string,
    properties: object,
    news: Props,
    reason: string,
    cause?: unknown,
    advice = "The number is rented and kept in the stack's state; run `pulumi up` again to finish.",
  ) {
    super(`${reason}. ${advice}`);
    this.name = "PartialSuccessError";
    this.id = id;
    this.properties = keptInState(properties, news);
    this.reasons = [reason];
    if (cause !== undefined) Object.defineProperty(this, "cause", { value: cause, enumerable: false });
  }
}

/**
 * A purchase whose outcome could not be established: the candidate is recorded in state, marked
 * uncertain (see core/settle.ts), and the next refresh or up settles it.
 */
export class UncertainPurchaseError extends PartialSuccessError {
  constructor(id: string, properties: object, news: Props, reason: string, cause?: unknown) {
    super(
      id,
      properties,
      news,
      reason,
      cause,
      "The number may have been rented: it is recorded in the stack's state as uncertain, and no other number was rented. " +
        "`pulumi refresh` or `pulumi up` settles it: kept if the account holds it, rented again if not.",
    );
    this.name = "UncertainPurchaseError";
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
