/**
 * What every vendor check of the doctor shares: the report types, the one request helper (GET only,
 * Basic auth in a header, a timeout), the schema comparison that names each mismatched field, and
 * {@link Session}, which runs one call after another and records each in the vendor's report.
 */
import type { z } from "zod";
import { accountAuth, type Vendor, type VendorSettings } from "../credentials.js";
import { type Json, shortJson } from "./json.js";

/** One field of an answer that does not match the client's schema. */
export interface Mismatch {
  /** Dotted path in the answer, e.g. `incoming_phone_numbers.0.rental_price`. */
  field: string;
  /** What is wrong with it (the schema's message, or `required, but absent`). */
  problem: string;
  /** What the answer had there, shortened (`(absent)` when the field is missing). */
  received: string;
}

/** One call the doctor made (or skipped), and how its answer compared with the schema. */
export interface CallReport {
  /** What the call checks, e.g. "list numbers". */
  check: string;
  /** Always GET: the doctor sends nothing else. */
  method: "GET";
  /** Path relative to the base URL, account ids included, no query secrets (there are none). */
  path: string;
  /** The HTTP status; null when nothing answered or the call was skipped. */
  status: number | null;
  /** How long the call took, in milliseconds. */
  ms: number;
  /** Whether the answer matched, did not, failed, or the call was not made. */
  outcome: "ok" | "mismatch" | "failed" | "skipped";
  /** A failed call's reason, or why a step was skipped. */
  detail?: string;
  /** Every field of a 2xx answer that does not match the schema. */
  mismatches: Mismatch[];
}

/** Everything the doctor found about one vendor account. */
export interface VendorReport {
  /** The vendor checked. */
  vendor: Vendor;
  /** The API base URL the calls went to. */
  baseUrl: string;
  /** The account id (not a secret: it is part of every path). */
  account: string;
  /** Every call, in order. */
  calls: CallReport[];
  /** Which reading of the documents the account answers in, and other facts worth an issue. */
  notes: string[];
}

interface Answer {
  status: number;
  body: Json;
  ms: number;
}

/** A call that answered: its status and parsed body. */
export interface Answered {
  status: number;
  body: Json;
}

type Get = (path: string, query?: Record<string, string>) => Promise<Answer>;

/** The only way the doctor talks to a vendor: GET, Basic auth in a header, a timeout. */
function getter(baseUrl: string, user: string, password: string): Get {
  const base = baseUrl.replace(/\/+$/, "");
  const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  return async (path, query = {}) => {
    const qs = new URLSearchParams(query).toString();
    const started = performance.now();
    const res = await fetch(`${base}/${path}${qs ? `?${qs}` : ""}`, {
      method: "GET",
      headers: { authorization, accept: "application/json", "user-agent": "pulumi-phone-numbers-doctor" },
      redirect: "manual",
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    const ms = Math.round(performance.now() - started);
    let body: Json = text;
    try {
      body = text.trim() === "" ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: res.status, body, ms };
  };
}

function at(value: Json, path: readonly PropertyKey[]): { found: boolean; value: Json } {
  let v: Json = value;
  for (const key of path) {
    if (v === null || typeof v !== "object" || !(String(key) in (v as object)))
      return { found: false, value: undefined };
    v = (v as Record<string, Json>)[String(key)];
  }
  return { found: true, value: v };
}

/**
 * Every field of `value` that `schema` does not accept. The same problem in many items of a list is
 * one mismatch, its index written `*` (e.g. `incoming_phone_numbers.*.rental_price`, with a count).
 */
export function mismatchesOf(schema: z.ZodType, value: Json, prefix = ""): Mismatch[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  const grouped = new Map<string, Mismatch & { count: number }>();
  for (const issue of result.error.issues) {
    const got = at(value, issue.path);
    const parts = [prefix, ...issue.path.map((p) => (typeof p === "number" ? "*" : String(p)))];
    const field = parts.filter((p) => p !== "").join(".") || "(body)";
    const problem = got.found ? issue.message : "required, but absent";
    const key = `${field}\n${problem}`;
    const seen = grouped.get(key);
    if (seen) seen.count++;
    else
      grouped.set(key, { field, problem, received: got.found ? shortJson(got.value) : "(absent)", count: 1 });
  }
  return [...grouped.values()].map(({ count, ...m }) =>
    count > 1 ? { ...m, problem: `${m.problem} (in ${count} items)` } : m,
  );
}

function failureDetail(vendor: Vendor, a: Answer): string {
  const body = typeof a.body === "string" ? a.body.slice(0, 200) : shortJson(a.body);
  if (a.status === 401 || a.status === 403) {
    const hint =
      vendor === "exotel"
        ? " (check the API key and token, and the region: a Mumbai account answers only at api.in.exotel.com, exotel:region mumbai)"
        : " (check the credentials)";
    return `authentication refused: HTTP ${a.status}${hint}: ${body}`;
  }
  return `HTTP ${a.status}: ${body}`;
}

/** Whether a call answered with a 2xx status. */
export const answeredOk = (a: Answered | undefined): a is Answered => a !== undefined && a.status < 300;

/** One vendor account's check: the calls made so far, recorded in {@link Session.report}. */
export class Session {
  /** The report the calls are recorded in. */
  readonly report: VendorReport;
  private readonly get: Get;

  /** A session with the account of `s`, authenticated as the provider authenticates. */
  constructor(s: VendorSettings) {
    const { baseUrl, account, user, password } = accountAuth(s);
    this.report = { vendor: s.vendor, baseUrl, account, calls: [], notes: [] };
    this.get = getter(baseUrl, user, password);
  }

  /** Runs one GET, validates it against `schema`, and records it; the answer, unless none came. */
  async probe(
    check: string,
    path: string,
    query: Record<string, string>,
    schema: z.ZodType,
  ): Promise<Answered | undefined> {
    const shownPath = `${path}${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ""}`;
    const call = { check, method: "GET", path: shownPath } as const;
    let answer: Answer;
    try {
      answer = await this.get(path, query);
    } catch (err) {
      const detail = `no answer: ${(err as Error).message}`;
      this.report.calls.push({ ...call, status: null, ms: 0, outcome: "failed", detail, mismatches: [] });
      return undefined;
    }
    const ok = answer.status >= 200 && answer.status < 300;
    const mismatches = ok ? mismatchesOf(schema, answer.body) : [];
    this.report.calls.push({
      ...call,
      status: answer.status,
      ms: answer.ms,
      outcome: !ok ? "failed" : mismatches.length > 0 ? "mismatch" : "ok",
      ...(!ok && { detail: failureDetail(this.report.vendor, answer) }),
      mismatches,
    });
    return { status: answer.status, body: answer.body };
  }

  /** The call recorded last. */
  get last(): CallReport {
    return this.report.calls[this.report.calls.length - 1]!;
  }

  /** Notes a fact worth an issue. */
  note(text: string): void {
    this.report.notes.push(text);
  }

  /** Records "read one number" as skipped (no held number to read, or not `wanted`). */
  skipRead(wanted: string | undefined): void {
    this.report.calls.push({
      check: "read one number",
      method: "GET",
      path: "",
      status: null,
      ms: 0,
      outcome: "skipped",
      detail: wanted ? `${wanted} is not on the first list page` : "the account holds no number",
      mismatches: [],
    });
  }
}

/** The note on how many numbers the first list page of 5 shows. */
export const firstPageNote = (count: number) =>
  `the account holds ${count === 5 ? "at least 5" : count} number(s) (first page of 5)`;
