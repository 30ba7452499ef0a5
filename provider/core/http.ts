/**
 * The HTTP layer shared by the vendor clients: one `got.extend` per vendor account with Basic auth,
 * the vendor's body encoding, timeouts, bounded retries and the account's rate limiter, plus the
 * mapping of every failure to a `VendorApiError` that carries no credential.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ClientRequest } from "node:http";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import { fileURLToPath } from "node:url";
import got, { type Got, HTTPError, type Method, RequestError, type RequestFunction, TimeoutError } from "got";
import type { z } from "zod";
import { type Vendor, VendorApiError, VendorResponseError } from "./errors.js";
import type { Limiter } from "./limiter.js";
import { basicAuthSecrets, redactor, stripUserinfo } from "./redact.js";

/**
 * The version in this package's package.json, found by walking up from this module (provider/core in
 * the sources, dist/provider/core in the package), so the user agent follows releases.
 */
function packageVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === "pulumi-phone-numbers" && typeof pkg.version === "string") return pkg.version;
    } catch {
      // No (readable) package.json here: look one level up.
    }
    dir = path.dirname(dir);
  }
  return "unknown";
}

/** The user agent of every vendor request: `pulumi-phone-numbers/<version>`. */
export const USER_AGENT = `pulumi-phone-numbers/${packageVersion()}`;

/** Per-account HTTP timeouts, in milliseconds. */
export interface Timeouts {
  /** TCP (and TLS) connection set-up; default 5000. */
  connectMs?: number;
  /** From request sent to the first response byte; default 30000. */
  responseMs?: number;
}

/** Optional HTTP tuning shared by the three account types. */
export interface HttpTuning {
  timeouts?: Timeouts;
  /** Retries of idempotent calls after 408/429/5xx and network errors; default 4. */
  retryLimit?: number;
}

export const DEFAULT_TIMEOUTS: Required<Timeouts> = { connectMs: 5_000, responseMs: 30_000 };
export const DEFAULT_RETRY_LIMIT = 4;
/** A `Retry-After` longer than this is not waited for: the error surfaces with `retryAfter` set. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** The vendor's own error code and message, parsed from an error body. */
export interface VendorErrorBody {
  code?: string | undefined;
  message?: string | undefined;
}

export interface VendorHttpConfig extends HttpTuning {
  vendor: Vendor;
  baseUrl: string;
  username: string;
  password: string;
  /** Whether the Basic-auth user name is itself a secret (Exotel's API key) or an account id (Plivo, Apifonica). */
  usernameIsSecret: boolean;
  limiter: Limiter;
  /** How request bodies are encoded. */
  bodyEncoding: "form" | "json";
  /** Extracts the vendor's code and message from a parsed (JSON) or raw error body. */
  parseErrorBody(body: unknown): VendorErrorBody;
}

/**
 * - `default`: got retries GET, PUT and DELETE on 408/429/5xx and network errors.
 * - `never`: exactly one attempt (purchases and creates).
 * - `idempotent-post`: like `default`, and POST too (a POST that is an idempotent update).
 */
export type RetryPolicy = "default" | "never" | "idempotent-post";

type Scalar = string | number | boolean;

export interface CallSpec<S extends z.ZodType> {
  /** The client method, named in errors. */
  operation: string;
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Relative to the base URL, no leading slash; path segments already encoded. */
  path: string;
  /** Query parameters; undefined values are left out. */
  query?: Record<string, Scalar | undefined>;
  /** Body fields; undefined values are left out. */
  body?: Record<string, Scalar | undefined>;
  /** Validates the parsed body (an empty body is passed as `undefined`). */
  schema: S;
  retry?: RetryPolicy;
}

/** The HTTP layer of one vendor account, as the clients use it (see `createVendorHttp`). */
export interface VendorHttp {
  /** The vendor, named in every error. */
  readonly vendor: Vendor;
  /** Sends one request as `spec` says and validates the answer; every failure is a `VendorApiError`. */
  call<S extends z.ZodType>(spec: CallSpec<S>): Promise<z.infer<S>>;
  /** Validates a value against a schema, throwing a `VendorResponseError` named after `operation`. */
  validate<S extends z.ZodType>(
    operation: string,
    status: number,
    schema: S,
    value: unknown,
    at?: string,
  ): z.infer<S>;
  /** Builds a `VendorApiError` whose texts are scrubbed of this account's credentials. */
  error(init: ConstructorParameters<typeof VendorApiError>[0]): VendorApiError;
  /** A definite (not ambiguous) error about a 200 answer's content, e.g. an unusable next-page link. */
  answerError(operation: string, detail: string): VendorApiError;
}

const DEFAULT_RETRY_METHODS: Method[] = ["GET", "PUT", "DELETE"];
const RETRY_STATUS_CODES = [408, 429, 500, 502, 503, 504, 521, 522, 524];
/** Network errors where the request never reached the server: a write cannot have happened. */
const UNSENT_ERROR_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"]);
const UNSENT_TIMEOUT_EVENTS = new Set(["lookup", "connect", "secureConnect"]);

/** Exponential backoff with jitter (half fixed, half random); `Retry-After` plus a little jitter when given. */
function retryDelay(attemptCount: number, retryAfter: number | undefined): number {
  if (retryAfter !== undefined) {
    return retryAfter + Math.random() * 250;
  }
  const base = Math.min(500 * 2 ** (attemptCount - 1), 8_000);
  return base / 2 + Math.random() * (base / 2);
}

/**
 * Every attempt, including got's retries, goes through the account's limiter: it counts when the
 * request starts and holds a concurrency slot until the request closes.
 */
function limitedRequest(limiter: Limiter): RequestFunction {
  return (url, options, callback) =>
    new Promise<ClientRequest>((resolve, reject) => {
      limiter
        .run(
          () =>
            new Promise<void>((done) => {
              try {
                const transport = url.protocol === "https:" ? https : http;
                const req = callback
                  ? transport.request(url, options, callback as (res: http.IncomingMessage) => void)
                  : transport.request(url, options);
                req.once("close", () => done());
                resolve(req);
              } catch (err) {
                done();
                reject(err);
              }
            }),
        )
        .catch(reject);
    });
}

function compact(record: Record<string, Scalar | undefined> | undefined): Record<string, Scalar> | undefined {
  if (!record) {
    return undefined;
  }
  const out: Record<string, Scalar> = {};
  for (const [k, v] of Object.entries(record)) {
    if (v !== undefined) {
      out[k] = v;
    }
  }
  return out;
}

function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === "") {
    return undefined;
  }
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) {
    return Math.max(0, seconds);
  }
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Dotted path of a zod issue, e.g. `incoming_phone_numbers.3.capabilities.voice`. */
function issuePath(prefix: string | undefined, path: readonly PropertyKey[]): string {
  const parts = [...(prefix ? [prefix] : []), ...path.map((p) => String(p))];
  return parts.length > 0 ? parts.join(".") : "(body)";
}

/**
 * A copy of a transport error that keeps what helps debugging (name, code, message, stack, timeout
 * event) and drops got's `options`, `request`, `response` and `timings`, which hold the headers.
 */
function sanitize(err: unknown, redact: (s: string) => string, depth = 0): Error {
  const source = err instanceof Error ? err : new Error(String(err));
  const inner = (source as { cause?: unknown }).cause;
  const copy = new Error(
    redact(source.message),
    depth < 2 && inner instanceof Error ? { cause: sanitize(inner, redact, depth + 1) } : undefined,
  );
  Object.defineProperty(copy, "name", {
    value: source.name,
    enumerable: false,
    configurable: true,
    writable: true,
  });
  const code = (source as { code?: unknown }).code;
  if (typeof code === "string") {
    Object.assign(copy, { code });
  }
  const event = (source as { event?: unknown }).event;
  if (typeof event === "string") {
    Object.assign(copy, { event });
  }
  copy.stack = redact(source.stack ?? `${source.name}: ${source.message}`);
  return copy;
}

/** One got instance for an account: prefix URL, Basic auth, timeouts, bounded retries, the limiter. */
function accountGot(config: VendorHttpConfig): Got {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...config.timeouts };
  const authorization = `Basic ${Buffer.from(`${config.username}:${config.password}`).toString("base64")}`;
  return got.extend({
    prefixUrl: stripUserinfo(config.baseUrl),
    headers: { "user-agent": USER_AGENT, accept: "application/json", authorization },
    timeout: {
      lookup: timeouts.connectMs,
      connect: timeouts.connectMs,
      secureConnect: timeouts.connectMs,
      send: timeouts.responseMs,
      response: timeouts.responseMs,
    },
    followRedirect: false,
    throwHttpErrors: true,
    responseType: "text",
    request: limitedRequest(config.limiter),
    retry: {
      limit: config.retryLimit ?? DEFAULT_RETRY_LIMIT,
      methods: DEFAULT_RETRY_METHODS,
      statusCodes: RETRY_STATUS_CODES,
      maxRetryAfter: MAX_RETRY_AFTER_MS,
      enforceRetryRules: true,
      calculateDelay: ({ attemptCount, retryAfter, computedValue }) =>
        computedValue === 0 ? 0 : retryDelay(attemptCount, retryAfter),
    },
  });
}

/** got's per-request retry options for a policy. */
function retryOptions(policy: RetryPolicy): { limit?: number; methods?: Method[] } {
  if (policy === "never") {
    return { limit: 0 };
  }
  return policy === "idempotent-post" ? { methods: [...DEFAULT_RETRY_METHODS, "POST" as Method] } : {};
}

type ErrorInit = ConstructorParameters<typeof VendorApiError>[0];

/** The HTTP layer of one vendor account (see `createVendorHttp`). */
class AccountHttp implements VendorHttp {
  readonly vendor: Vendor;
  private readonly redact: (s: string) => string;
  private readonly client: Got;

  constructor(private readonly config: VendorHttpConfig) {
    this.vendor = config.vendor;
    this.redact = redactor(basicAuthSecrets(config.username, config.password, config.usernameIsSecret));
    this.client = accountGot(config);
  }

  error(init: ErrorInit): VendorApiError {
    const redact = this.redact;
    return new VendorApiError({
      ...init,
      vendorMessage: init.vendorMessage === undefined ? undefined : redact(init.vendorMessage),
      detail: init.detail === undefined ? undefined : redact(init.detail),
      code: init.code === undefined ? undefined : redact(init.code),
    });
  }

  answerError(operation: string, detail: string): VendorApiError {
    return this.error({ vendor: this.vendor, operation, status: 200, detail, ambiguous: false });
  }

  validate<S extends z.ZodType>(
    operation: string,
    status: number,
    schema: S,
    value: unknown,
    at?: string,
  ): z.infer<S> {
    const result = schema.safeParse(value);
    if (result.success) {
      return result.data;
    }
    const issues = result.error.issues.map((i) => `${issuePath(at, i.path)}: ${i.message}`);
    const paths = [...new Set(result.error.issues.map((i) => issuePath(at, i.path)))];
    const shown =
      issues.slice(0, 5).join("; ") + (issues.length > 5 ? `; and ${issues.length - 5} more` : "");
    throw new VendorResponseError({
      vendor: this.vendor,
      operation,
      status,
      detail: this.redact(`unexpected response body: ${shown}`),
      issues: paths,
    });
  }

  async call<S extends z.ZodType>(spec: CallSpec<S>): Promise<z.infer<S>> {
    const { text, status } = await this.send(spec);
    let value: unknown;
    if (text.trim() !== "") {
      try {
        value = JSON.parse(text);
      } catch (err) {
        throw new VendorResponseError({
          vendor: this.vendor,
          operation: spec.operation,
          status,
          detail: "response body is not valid JSON",
          cause: sanitize(err, this.redact),
        });
      }
    }
    return this.validate(spec.operation, status, spec.schema, value);
  }

  /** Sends one request (got retrying it as the policy allows); every failure becomes a `VendorApiError`. */
  private async send(spec: CallSpec<z.ZodType>): Promise<{ text: string; status: number }> {
    const query = compact(spec.query);
    const body = compact(spec.body);
    try {
      const response = await this.client(spec.path, {
        method: spec.method,
        ...(query ? { searchParams: query } : {}),
        ...(body ? (this.config.bodyEncoding === "form" ? { form: body } : { json: body }) : {}),
        retry: retryOptions(spec.retry ?? "default"),
      });
      return { text: response.body, status: response.statusCode };
    } catch (err) {
      throw this.mapError(spec.operation, err);
    }
  }

  private mapError(operation: string, err: unknown): VendorApiError {
    if (err instanceof VendorApiError) {
      return err;
    }
    const vendor = this.vendor;
    const cause = sanitize(err, this.redact);
    if (err instanceof HTTPError) {
      return this.error({ ...this.statusError(err), vendor, operation, cause });
    }
    if (err instanceof TimeoutError) {
      const detail = `timeout awaiting ${err.event} (${err.code})`;
      return this.error({
        vendor,
        operation,
        detail,
        ambiguous: !UNSENT_TIMEOUT_EVENTS.has(err.event),
        cause,
      });
    }
    if (err instanceof RequestError) {
      const detail = `network error ${err.code}: ${err.message}`;
      return this.error({ vendor, operation, detail, ambiguous: !UNSENT_ERROR_CODES.has(err.code), cause });
    }
    // Not a transport error (e.g. invalid options): nothing was sent.
    const message = err instanceof Error ? err.message : String(err);
    return this.error({ vendor, operation, detail: `request not sent: ${message}`, ambiguous: false, cause });
  }

  /** What an HTTP error status says: the vendor's code and message, whether it may have applied, Retry-After. */
  private statusError(err: HTTPError): Omit<ErrorInit, "vendor" | "operation"> {
    const status = err.response.statusCode;
    const raw = typeof err.response.body === "string" ? err.response.body : "";
    let parsed: VendorErrorBody = {};
    try {
      parsed = this.config.parseErrorBody(raw.trim() === "" ? undefined : tryJson(raw));
    } catch {
      parsed = {};
    }
    return {
      status,
      code: parsed.code,
      vendorMessage: parsed.message,
      detail: err.response.statusMessage,
      ambiguous: status >= 500 || status === 408,
      retryAfter: status === 429 ? parseRetryAfter(err.response.headers["retry-after"]) : undefined,
    };
  }
}

/** Creates the HTTP layer of one vendor account. */
export function createVendorHttp(config: VendorHttpConfig): VendorHttp {
  return new AccountHttp(config);
}

/** Encodes one path segment (an id or number supplied by the caller). */
export function seg(value: string): string {
  return encodeURIComponent(value);
}

// ---- helpers shared by the vendor clients ----

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A string field of an error body, or a short JSON rendering of a structured one. */
export function text(value: unknown): string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value === "string") {
    return value;
  }
  if (typeof value === "number" || typeof value === "boolean") {
    return String(value);
  }
  const json = JSON.stringify(value);
  return json.length > 500 ? `${json.slice(0, 500)}...` : json;
}

/**
 * A vendor's error-body parser: a JSON object goes to `fromObject`; anything else (a raw text body,
 * an array, nothing) gives its shortened text as the message (see `rawText`).
 */
export function errorBodyParser(
  fromObject: (body: Record<string, unknown>) => VendorErrorBody,
): (body: unknown) => VendorErrorBody {
  return (body) => (isRecord(body) ? fromObject(body) : { message: rawText(body) });
}

/** A raw (non-JSON) error body, shortened; undefined for HTML pages and empty bodies. */
export function rawText(value: unknown): string | undefined {
  if (typeof value !== "string") {
    return undefined;
  }
  const trimmed = value.trim();
  if (trimmed === "" || trimmed.startsWith("<")) {
    return undefined;
  }
  return trimmed.length > 200 ? `${trimmed.slice(0, 200)}...` : trimmed;
}

/** A base URL without trailing slashes, used in cache and limiter keys. */
export function normalizeBase(baseUrl: string): string {
  return stripUserinfo(baseUrl).replace(/\/+$/, "");
}

/**
 * One client per account for the life of the process (one got instance, one limiter). A changed
 * secret or tuning for the same account key builds a fresh client (the limiter stays shared).
 */
export function cached<T>(
  cache: Map<string, { fingerprint: string; client: T }>,
  key: string,
  fingerprint: string,
  build: () => T,
): T {
  const hit = cache.get(key);
  if (hit && hit.fingerprint === fingerprint) {
    return hit.client;
  }
  const client = build();
  cache.set(key, { fingerprint, client });
  return client;
}

/** A one-way digest of a client's settings (secrets included), for cache comparisons. */
export function fingerprintOf(...parts: unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}
