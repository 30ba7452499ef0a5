/**
 * Sending vendor requests: one undici connection pool per account (keep-alive, its timeouts), every
 * attempt through the account's limiter, retries only where the caller's policy allows them
 * (backoff with jitter, `Retry-After` honoured up to a bound), and every failure classified by what
 * it says of the request: whether it can have reached the vendor.
 *
 * undici rather than got: got builds about 100 KB of objects per request (its options machinery,
 * streams and events) against undici's 23 KB, and at thousands of numbers that garbage is most of the
 * provider process's memory. The retry loop is ours because the limiter must count each attempt and
 * the purchase rules need to know which attempts can have been sent.
 */
import { STATUS_CODES } from "node:http";
import { Agent, errors, request } from "undici";
import type { Limiter } from "./limiter.js";

/** Connection set-up and response timeouts, in milliseconds. */
export interface TransportTimeouts {
  connectMs: number;
  responseMs: number;
}

/** What one account's requests share. */
export interface TransportConfig {
  /** The base URL (no userinfo); request paths are relative to it. */
  baseUrl: string;
  /** Headers of every request (user agent, accept, authorization). */
  headers: Record<string, string>;
  timeouts: TransportTimeouts;
  limiter: Limiter;
  /** Retries of the requests a policy allows to retry. */
  retryLimit: number;
  /** A `Retry-After` longer than this is not waited for: the error surfaces. */
  maxRetryAfterMs: number;
}

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

/** One request: method, path relative to the base URL, encoded query and body. */
export interface Outgoing {
  method: HttpMethod;
  path: string;
  query?: URLSearchParams | undefined;
  body?: { type: string; text: string } | undefined;
  /** Whether a failed attempt may be sent again (the request is idempotent and the policy allows it). */
  retry: boolean;
}

/** A vendor's answer: its status, headers and body text. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** The vendor answered with an error status (400 or more). */
export class HttpStatusError extends Error {
  constructor(readonly answer: Answer) {
    super(`Response code ${answer.status} (${STATUS_CODES[answer.status] ?? "unknown"})`);
    this.name = "HTTPError";
  }

  /** The status's reason phrase (undici does not keep the vendor's own). */
  get statusMessage(): string | undefined {
    return STATUS_CODES[this.answer.status];
  }
}

/**
 * A request that got no answer. `unsent`: it cannot have reached the vendor (refused connection,
 * unknown host, connection timeout), so a write cannot have happened. `event`: for a timeout, what
 * was awaited (`connect`, `response` or `read`).
 */
export class TransportError extends Error {
  readonly code: string;
  readonly event: string | undefined;
  readonly unsent: boolean;

  constructor(code: string, message: string, opts: { event?: string; unsent: boolean; cause: unknown }) {
    super(message, { cause: opts.cause });
    this.name = opts.event !== undefined ? "TimeoutError" : "RequestError";
    this.code = code;
    this.event = opts.event;
    this.unsent = opts.unsent;
  }
}

/** Statuses worth another attempt of a retryable request. */
export const RETRY_STATUS_CODES = new Set([408, 429, 500, 502, 503, 504, 521, 522, 524]);
/** Network errors where the request never reached the server. */
const UNSENT_ERROR_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"]);

/** Exponential backoff with jitter (half fixed, half random); `Retry-After` plus a little jitter when given. */
export function retryDelay(attempt: number, retryAfterMs: number | undefined): number {
  if (retryAfterMs !== undefined) return retryAfterMs + Math.random() * 250;
  const base = Math.min(500 * 2 ** (attempt - 1), 8_000);
  return base / 2 + Math.random() * (base / 2);
}

/** `Retry-After` in milliseconds (seconds or an HTTP date), or undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === "") return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds) * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** What an undici failure says of the request. Anything else (a bad header, say) was not sent. */
function classify(err: unknown): TransportError | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof errors.ConnectTimeoutError)
    return new TransportError("ETIMEDOUT", message, { event: "connect", unsent: true, cause: err });
  if (err instanceof errors.HeadersTimeoutError)
    return new TransportError("ETIMEDOUT", message, { event: "response", unsent: false, cause: err });
  if (err instanceof errors.BodyTimeoutError)
    return new TransportError("ETIMEDOUT", message, { event: "read", unsent: false, cause: err });
  if (err instanceof errors.SocketError)
    return new TransportError("ECONNRESET", message, { unsent: false, cause: err });
  if (typeof code === "string" && /^E[A-Z]+$/.test(code))
    return new TransportError(code, message, { unsent: UNSENT_ERROR_CODES.has(code), cause: err });
  if (err instanceof errors.UndiciError && typeof code === "string")
    return new TransportError(code, message, { unsent: false, cause: err });
  return undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The transport of one vendor account. */
export class Transport {
  private readonly agent: Agent;
  private readonly base: string;

  constructor(private readonly config: TransportConfig) {
    this.agent = new Agent({
      connect: { timeout: config.timeouts.connectMs },
      headersTimeout: config.timeouts.responseMs,
      bodyTimeout: config.timeouts.responseMs,
    });
    this.base = config.baseUrl.replace(/\/+$/, "");
  }

  /**
   * Sends `out`, again after a retryable failure while retries are left. Resolves with an answer
   * below 400; rejects with an `HttpStatusError`, a `TransportError`, or (nothing sent) another error.
   */
  async send(out: Outgoing): Promise<Answer> {
    const query = out.query?.toString();
    const url = `${this.base}/${out.path}${query ? `?${query}` : ""}`;
    const headers = out.body
      ? { ...this.config.headers, "content-type": out.body.type }
      : this.config.headers;
    for (let attempt = 1; ; attempt++) {
      const retriesLeft = out.retry && attempt <= this.config.retryLimit;
      let answer: Answer;
      try {
        answer = await this.config.limiter.run(() => this.attempt(url, out, headers));
      } catch (err) {
        const failure = classify(err);
        if (failure === undefined) throw err;
        if (!retriesLeft) throw failure;
        await sleep(retryDelay(attempt, undefined));
        continue;
      }
      if (answer.status < 400) return answer;
      const wait =
        answer.status === 429 || answer.status === 503
          ? retryAfterMs(answer.headers["retry-after"])
          : undefined;
      const retryable =
        RETRY_STATUS_CODES.has(answer.status) && (wait === undefined || wait <= this.config.maxRetryAfterMs);
      if (!retriesLeft || !retryable) throw new HttpStatusError(answer);
      await sleep(retryDelay(attempt, wait));
    }
  }

  /** One attempt; its body is read whole before the limiter's slot is given back. */
  private async attempt(url: string, out: Outgoing, headers: Record<string, string>): Promise<Answer> {
    const res = await request(url, {
      method: out.method,
      headers,
      body: out.body?.text ?? null,
      dispatcher: this.agent,
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text };
  }
}
