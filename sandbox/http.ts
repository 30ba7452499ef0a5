/** The request/response shapes the vendor modules work with, and body parsing shared by them. */
import type { RateLimit, Vendor } from "./types.js";
import { isRecord } from "./util.js";

/** A vendor request after routing: path without the vendor prefix, body read (at most 64 KiB). */
export interface VendorRequest {
  method: string;
  /** Path without the vendor prefix, e.g. `/v2_beta/Accounts/sandbox1/IncomingPhoneNumbers`. */
  path: string;
  /** Percent-decoded path segments, without the leading empty one (a trailing "/" gives a final ""). */
  segments: string[];
  query: URLSearchParams;
  /** Media type without parameters, lower case; "" when absent. */
  contentType: string;
  rawBody: string;
  /** The sandbox's own base URL as the client reached it, e.g. `http://127.0.0.1:4010`. */
  baseUrl: string;
}

export interface VendorResponse {
  status: number;
  /** JSON body; undefined for an empty body (e.g. 204). */
  body?: unknown;
  headers?: Record<string, string>;
}

/** An account as the server sees it: Basic user and secret, the id that goes in paths, its budget. */
export interface ResolvedAccount {
  vendor: Vendor;
  id: string;
  user: string;
  secret: string;
  rateLimit: RateLimit;
}

export interface VendorModule {
  /** The account id named in the path, or undefined when the path is no account path (unknown route). */
  pathAccount(req: VendorRequest): string | undefined;
  /** The vendor's error body for a status. */
  error(req: VendorRequest, status: number, message: string): VendorResponse;
  /** Serves an authenticated, admitted request. Synchronous: no await between a check and its commit. */
  handle(req: VendorRequest, account: ResolvedAccount): VendorResponse;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** Form body (application/x-www-form-urlencoded) into a map; an empty body is an empty map. */
export function parseFormBody(req: VendorRequest): Parsed<Map<string, string>> {
  if (
    req.rawBody.length > 0 &&
    req.contentType !== "" &&
    req.contentType !== "application/x-www-form-urlencoded"
  ) {
    return {
      ok: false,
      message: `Unsupported Content-Type "${req.contentType}"; send application/x-www-form-urlencoded`,
    };
  }
  const map = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(req.rawBody)) map.set(k, v);
  return { ok: true, value: map };
}

/** JSON object body (optionally also form-encoded); an empty body is an empty object. */
export function parseJsonBody(req: VendorRequest, allowForm: boolean): Parsed<Record<string, unknown>> {
  if (req.rawBody.trim().length === 0) return { ok: true, value: {} };
  if (allowForm && req.contentType === "application/x-www-form-urlencoded") {
    return { ok: true, value: Object.fromEntries(new URLSearchParams(req.rawBody)) };
  }
  if (
    req.contentType !== "" &&
    req.contentType !== "application/json" &&
    !req.contentType.endsWith("+json")
  ) {
    const accepted = allowForm ? "application/json or application/x-www-form-urlencoded" : "application/json";
    return { ok: false, message: `Unsupported Content-Type "${req.contentType}"; send ${accepted}` };
  }
  let value: unknown;
  try {
    value = JSON.parse(req.rawBody);
  } catch {
    return { ok: false, message: "Malformed JSON body" };
  }
  if (!isRecord(value)) return { ok: false, message: "The JSON body must be an object" };
  return { ok: true, value };
}

/** Query parameters that carry a non-empty value, in order; used to rebuild pagination links. */
export function keptQuery(query: URLSearchParams, drop: readonly string[]): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of query) if (!drop.includes(k) && v !== "") out.append(k, v);
  return out;
}
