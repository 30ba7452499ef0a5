/**
 * Errors thrown by the vendor API clients.
 *
 * A `VendorApiError` carries what the resources need to decide (status, the vendor's own code,
 * whether a write may have taken effect) and nothing that could leak: no credentials, no request
 * bodies, no got `options`/`request`/`response` objects. Its `cause` is a sanitised copy of the
 * transport error (name, code, message, stack), never got's own error object.
 */

/** A vendor this package speaks to (the registry's list). */
export type { Vendor } from "../registry.js";

import type { Vendor } from "../registry.js";

/** Everything needed to build a `VendorApiError`. */
export interface VendorApiErrorInit {
  vendor: Vendor;
  /** The client method that failed, e.g. "rentNumber". */
  operation: string;
  /** HTTP status; undefined for network failures and timeouts. */
  status?: number | undefined;
  /** The vendor's own error code, if its body carried one. */
  code?: string | undefined;
  /** The vendor's own error message, if its body carried one. */
  vendorMessage?: string | undefined;
  /** Replaces the vendor message in the error message when there is none (e.g. "ECONNRESET: socket hang up"). */
  detail?: string | undefined;
  ambiguous: boolean;
  retryAfter?: number | undefined;
  cause?: unknown;
}

/** A failed call to a vendor API. */
export class VendorApiError extends Error {
  override readonly name: string = "VendorApiError";
  readonly vendor: Vendor;
  /** The client method that failed, e.g. "rentNumber". */
  readonly operation: string;
  /** HTTP status; undefined for network failures/timeouts. */
  readonly status: number | undefined;
  /** The vendor's own error code (e.g. Exotel "NUMBER_NOT_AVAILABLE", Apifonica "NOT FOUND"). */
  readonly code: string | undefined;
  /** The vendor's own error message. */
  readonly vendorMessage: string | undefined;
  /**
   * True when a write may have taken effect: timeout, connection reset, socket hang up, 5xx, 408,
   * or an unreadable/invalid 2xx body. A purchase failing this way must be reconciled (look the
   * number up) before anything is bought again.
   */
  readonly ambiguous: boolean;
  /** Seconds from `Retry-After` on 429, if any. */
  readonly retryAfter: number | undefined;

  constructor(init: VendorApiErrorInit) {
    super(formatMessage(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.vendor = init.vendor;
    this.operation = init.operation;
    this.status = init.status;
    this.code = init.code;
    this.vendorMessage = init.vendorMessage;
    this.ambiguous = init.ambiguous;
    this.retryAfter = init.retryAfter;
  }
}

/** A 2xx response whose body is not JSON or does not match the expected schema. Always ambiguous. */
export class VendorResponseError extends VendorApiError {
  override readonly name: string = "VendorResponseError";
  /** Dotted paths of the fields that failed validation (empty when the body was not JSON at all). */
  readonly issues: readonly string[];

  constructor(init: Omit<VendorApiErrorInit, "ambiguous"> & { issues?: readonly string[] }) {
    super({ ...init, ambiguous: true });
    this.issues = init.issues ?? [];
  }
}

/** True for a `VendorApiError` with HTTP status 404. */
export function isNotFound(err: unknown): boolean {
  return err instanceof VendorApiError && err.status === 404;
}

function formatMessage(init: VendorApiErrorInit): string {
  const head = `${init.vendor} ${init.operation} failed`;
  const text = init.vendorMessage ?? init.detail;
  if (init.status === undefined) {
    return text ? `${head}: ${text}` : head;
  }
  const status = init.code ? `HTTP ${init.status} ${init.code}` : `HTTP ${init.status}`;
  return text ? `${head}: ${status}: ${text}` : `${head}: ${status}`;
}
