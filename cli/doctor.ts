/**
 * `phone-numbers doctor`: a read-only check of real vendor accounts, to paste into an issue.
 *
 * Per vendor it authenticates, lists the numbers held, searches numbers for sale, reads one held
 * number's details, validates every answer against the schemas the provider's clients use, times
 * each call and notes which of the documents' open readings the account answers in (the v2 sid form,
 * prices as numbers, lists without `name`, ...). Each mismatch is named by its field.
 *
 * It only ever sends GET: the request helper below has no other method, so it cannot rent, update
 * or release anything. Credentials are read as the provider reads them (the config of `--stack`, then
 * the environment) and never printed; the report is scrubbed of them all the same.
 */
import { z } from "zod";
import {
  apifonicaAvailableSchema,
  apifonicaNumberCostSchema,
  apifonicaNumberSchema,
  cursorListOf,
} from "../provider/apifonica/client.js";
import { redactor } from "../provider/core/redact.js";
import {
  exotelAvailableNumberSchema,
  exotelListSchema,
  exotelNationalForm,
  exotelNumberAnswerSchema,
  exotelNumberDetailsSchema,
  exotelV2EnvelopeSchema,
} from "../provider/exotel/client.js";
import {
  plivoAccountNumberSchema,
  plivoAvailableNumberSchema,
  plivoListOf,
} from "../provider/plivo/client.js";
import { type Io, parseCommand, processIo, runCommand, UsageError } from "./args.js";
import {
  type ConfigSource,
  isGap,
  resolveSettings,
  secretsOf,
  VENDORS,
  type Vendor,
  type VendorSettings,
} from "./credentials.js";
import { stackConfig } from "./pulumi-cli.js";

const SPEC = {
  command: "phone-numbers doctor",
  usage: `usage: phone-numbers doctor [--vendor LIST] [--stack NAME [--cwd DIR]] [--number NUMBER] [--json]

A read-only check of your real vendor accounts: authenticates, lists the numbers held, searches
numbers for sale, reads one held number's details, validates every answer against the schemas the
provider reads them with, and times each call. It sends GET requests only: it never rents, updates or
releases. Paste its report into an issue; it contains no credential.

  --vendor LIST    vendors to check, comma-separated (exotel, plivo, apifonica); default: every
                   vendor whose credentials are set
  --stack NAME     read credentials from this stack's config (secrets decrypted through the stack),
                   then from the environment; without it, from the environment only
  --cwd DIR        the Pulumi project directory of --stack (default: the current directory)
  --number NUMBER  the held number whose details are read (E.164); default: the first one listed
  --json           print the report as JSON

Exit code: 0 every answer matched, 1 a mismatch or a failed call, 2 usage.`,
  options: {
    vendor: { type: "string" },
    stack: { type: "string" },
    cwd: { type: "string" },
    number: { type: "string" },
    json: { type: "boolean" },
  },
} as const;

/** One field of an answer that does not match the client's schema. */
export interface Mismatch {
  /** Dotted path in the answer, e.g. `incoming_phone_numbers.0.rental_price`. */
  field: string;
  problem: string;
  /** What the answer had there, shortened (`(absent)` when the field is missing). */
  received: string;
}

export interface CallReport {
  /** What the call checks, e.g. "list numbers". */
  check: string;
  method: "GET";
  /** Path relative to the base URL, account ids included, no query secrets (there are none). */
  path: string;
  status: number | null;
  ms: number;
  outcome: "ok" | "mismatch" | "failed" | "skipped";
  /** A failed call's reason, or why a step was skipped. */
  detail?: string;
  mismatches: Mismatch[];
}

export interface VendorReport {
  vendor: Vendor;
  baseUrl: string;
  account: string;
  calls: CallReport[];
  /** Which reading of the documents the account answers in, and other facts worth an issue. */
  notes: string[];
}

export interface DoctorReport {
  vendors: VendorReport[];
  /** Vendors not checked, and why (no credentials). */
  skipped: Array<{ vendor: Vendor; reason: string }>;
  ok: boolean;
}

type Json = unknown;

interface Answer {
  status: number;
  body: Json;
  ms: number;
}

/** The only way the doctor talks to a vendor: GET, Basic auth in a header, a timeout. */
function getter(baseUrl: string, user: string, password: string) {
  const base = baseUrl.replace(/\/+$/, "");
  const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  return async (path: string, query: Record<string, string> = {}): Promise<Answer> => {
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

function shortJson(value: Json): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}...` : text;
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

/** Runs one GET, validates it, and records it; returns the body when the call answered 2xx. */
async function probe(
  report: VendorReport,
  get: ReturnType<typeof getter>,
  check: string,
  path: string,
  query: Record<string, string>,
  schema: z.ZodType | undefined,
): Promise<{ status: number; body: Json } | undefined> {
  const shownPath = `${path}${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ""}`;
  let answer: Answer;
  try {
    answer = await get(path, query);
  } catch (err) {
    report.calls.push({
      check,
      method: "GET",
      path: shownPath,
      status: null,
      ms: 0,
      outcome: "failed",
      detail: `no answer: ${(err as Error).message}`,
      mismatches: [],
    });
    return undefined;
  }
  const ok = answer.status >= 200 && answer.status < 300;
  const mismatches = ok && schema ? mismatchesOf(schema, answer.body) : [];
  report.calls.push({
    check,
    method: "GET",
    path: shownPath,
    status: answer.status,
    ms: answer.ms,
    outcome: !ok ? "failed" : mismatches.length > 0 ? "mismatch" : "ok",
    ...(!ok && { detail: failureDetail(report.vendor, answer) }),
    mismatches,
  });
  return { status: answer.status, body: answer.body };
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

function skip(report: VendorReport, check: string, reason: string): void {
  report.calls.push({
    check,
    method: "GET",
    path: "",
    status: null,
    ms: 0,
    outcome: "skipped",
    detail: reason,
    mismatches: [],
  });
}

const isObj = (v: Json): v is Record<string, Json> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const listOf = (v: Json, key: string): Json[] =>
  isObj(v) && Array.isArray(v[key]) ? (v[key] as Json[]) : [];
const str = (v: Json): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
const digitsOf = (n: string) => n.replace(/^\+/, "");

// ---- Exotel ------------------------------------------------------------------------------------

async function exotel(
  s: VendorSettings & { vendor: "exotel" },
  wanted: string | undefined,
): Promise<VendorReport> {
  const { accountSid, apiKey, apiToken, baseUrl } = s.settings;
  const report: VendorReport = { vendor: "exotel", baseUrl, account: accountSid, calls: [], notes: [] };
  const get = getter(baseUrl, apiKey, apiToken);
  const beta = `v2_beta/Accounts/${encodeURIComponent(accountSid)}`;

  const list = await probe(
    report,
    get,
    "authenticate and list numbers",
    `${beta}/IncomingPhoneNumbers`,
    { Page: "0", PageSize: "5" },
    exotelListSchema,
  );
  const held = listOf(list?.body, "incoming_phone_numbers");
  if (list && list.status < 300) {
    report.notes.push(
      `the account holds ${held.length === 5 ? "at least 5" : held.length} number(s) (first page of 5)`,
    );
    const next = isObj(list.body) ? str(list.body["next_page_uri"]) : undefined;
    if (next)
      report.notes.push(
        `next_page_uri is absolute (${new URL(next, "http://x.invalid").host}); the client uses only its Page/PageSize`,
      );
  }
  const prices = held.filter(isObj).map((n) => n["rental_price"]);
  if (prices.some((p) => typeof p === "number"))
    report.notes.push(
      "prices are JSON numbers (the tables' Double), not the examples' strings: read either way",
    );

  const pick = held.filter(isObj).find((n) => !wanted || str(n["phone_number"]) === wanted) as
    | Record<string, Json>
    | undefined;
  const country = (pick && str(pick["country"])) || "IN";
  const search = await probe(
    report,
    get,
    "search numbers for sale",
    `${beta}/AvailablePhoneNumbers/${encodeURIComponent(country)}/Landline`,
    {},
    z.array(exotelAvailableNumberSchema),
  );
  if (search && Array.isArray(search.body) && search.body.length === 0)
    report.notes.push(`no Landline numbers for sale in ${country} right now`);

  if (!pick) {
    skip(
      report,
      "read one number",
      wanted ? `${wanted} is not on the first list page` : "the account holds no number",
    );
    return report;
  }
  const sid = str(pick["sid"]) ?? "";
  const e164 = str(pick["phone_number"]) ?? "";
  await probe(
    report,
    get,
    "read one number (v2_beta)",
    `${beta}/IncomingPhoneNumbers/${encodeURIComponent(sid)}`,
    {},
    exotelNumberAnswerSchema,
  );
  if (/^[0-9a-f]{32}$/i.test(sid)) report.notes.push("list sids are 32-hex ids (the rent example's form)");
  else if (sid === exotelNationalForm(e164))
    report.notes.push("list sids are the national number (the list and v2 examples' form)");

  const v2 = `v2/accounts/${encodeURIComponent(accountSid)}/incoming-phone-numbers`;
  let details = await probe(
    report,
    get,
    "read details and connectivity (v2, by sid)",
    `${v2}/${encodeURIComponent(sid)}`,
    {},
    exotelV2EnvelopeSchema,
  );
  const national = exotelNationalForm(e164);
  if (details?.status === 404 && national && national !== sid) {
    const bySid = report.calls[report.calls.length - 1]!;
    details = await probe(
      report,
      get,
      "read details and connectivity (v2, by national number)",
      `${v2}/${encodeURIComponent(national)}`,
      {},
      exotelV2EnvelopeSchema,
    );
    if (details && details.status < 300) {
      // Not a failure: the documents allow it, and the provider reads v2 that way too.
      bySid.outcome = "ok";
      bySid.detail = "404 by the v2_beta sid; answered by the national number below";
      report.notes.push(
        `v2 details know ${e164} by its national number ${national}, not by the v2_beta sid ${sid} (handled: the provider tries both)`,
      );
    }
  }
  if (details && details.status < 300 && isObj(details.body)) {
    const envelope = details.body;
    const [block] = listOf(envelope, "response");
    if (isObj(block)) {
      const last = report.calls[report.calls.length - 1]!;
      const dataIssues = mismatchesOf(exotelNumberDetailsSchema, block["data"], "response.0.data");
      last.mismatches.push(...dataIssues);
      if (dataIssues.length > 0) last.outcome = "mismatch";
      const code = block["code"];
      if (code !== 200 || envelope["http_code"] !== 200)
        report.notes.push(
          `v2 answered http_code ${String(envelope["http_code"])}, block code ${String(code)} (a partial success is read when data is present)`,
        );
      const data = isObj(block["data"]) ? block["data"] : {};
      if (str(data["sid"]) && str(data["sid"]) !== sid)
        report.notes.push(`v2 data.sid is ${str(data["sid"])}, the v2_beta sid is ${sid}`);
      const conn = isObj(data["connectivity"]) ? data["connectivity"] : {};
      for (const side of ["incoming_call", "outgoing_call"]) {
        const c = isObj(conn[side]) ? conn[side] : undefined;
        if (!c) continue;
        report.notes.push(
          `connectivity.${side}: ${str(c["status"]) ?? "?"}${c["alternate_exophone"] == null ? "" : `, alternate_exophone ${shortJson(c["alternate_exophone"])}`}`,
        );
      }
      for (const key of ["voice_url", "sms_url"]) {
        const url = str(data[key]);
        if (url) report.notes.push(`${key} host as stored: ${safeHost(url)}`);
      }
    }
  }
  return report;
}

function safeHost(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return "(not a URL)";
  }
}

// ---- Plivo -------------------------------------------------------------------------------------

async function plivo(
  s: VendorSettings & { vendor: "plivo" },
  wanted: string | undefined,
): Promise<VendorReport> {
  const { authId, authToken, baseUrl } = s.settings;
  const report: VendorReport = { vendor: "plivo", baseUrl, account: authId, calls: [], notes: [] };
  const get = getter(baseUrl, authId, authToken);
  const base = `v1/Account/${encodeURIComponent(authId)}`;
  const list = await probe(
    report,
    get,
    "authenticate and list numbers",
    `${base}/Number/`,
    { limit: "5", offset: "0" },
    plivoListOf(plivoAccountNumberSchema),
  );
  const held = listOf(list?.body, "objects").filter(isObj);
  if (list && list.status < 300) {
    const total = isObj(list.body) && isObj(list.body["meta"]) ? list.body["meta"]["total_count"] : undefined;
    report.notes.push(`the account holds ${typeof total === "number" ? total : held.length} number(s)`);
    const apps = new Set(held.map((n) => str(n["application"]) ?? "null"));
    if (held.length > 0)
      report.notes.push(
        `applications linked on the first page: ${[...apps].map((a) => (a === "null" ? "none" : (/\/Application\/([^/]+)\//.exec(a)?.[1] ?? a))).join(", ")}`,
      );
  }
  const pick = held.find((n) => !wanted || digitsOf(str(n["number"]) ?? "") === digitsOf(wanted));
  const countryIso = "US";
  await probe(
    report,
    get,
    "search numbers for sale",
    `${base}/PhoneNumber/`,
    { country_iso: countryIso, limit: "5" },
    plivoListOf(plivoAvailableNumberSchema),
  );
  if (!pick) {
    skip(
      report,
      "read one number",
      wanted ? `${wanted} is not on the first list page` : "the account holds no number",
    );
    return report;
  }
  const number = str(pick["number"]) ?? "";
  await probe(
    report,
    get,
    "read one number",
    `${base}/Number/${encodeURIComponent(number)}/`,
    {},
    plivoAccountNumberSchema,
  );
  return report;
}

// ---- Apifonica ---------------------------------------------------------------------------------

async function apifonica(
  s: VendorSettings & { vendor: "apifonica" },
  wanted: string | undefined,
): Promise<VendorReport> {
  const { accountSid, authToken, baseUrl } = s.settings;
  const report: VendorReport = { vendor: "apifonica", baseUrl, account: accountSid, calls: [], notes: [] };
  const get = getter(baseUrl, accountSid, authToken);
  const base = `v2/accounts/${encodeURIComponent(accountSid)}`;
  const list = await probe(
    report,
    get,
    "authenticate and list numbers",
    `${base}/numbers`,
    { limit: "5" },
    cursorListOf(apifonicaNumberSchema),
  );
  const held = listOf(list?.body, "numbers").filter(isObj);
  if (list && list.status < 300) {
    report.notes.push(
      `the account holds ${held.length === 5 ? "at least 5" : held.length} number(s) (first page of 5)`,
    );
    if (held.length > 0)
      report.notes.push(
        held.every((n) => "name" in n)
          ? "list items carry name"
          : "list items have no name key (handled: the last known name is kept)",
      );
  }
  const pick = held.find((n) => !wanted || digitsOf(str(n["number"]) ?? "") === digitsOf(wanted));
  const country = (pick && str(pick["country_code"])) || "GB";
  await probe(
    report,
    get,
    "search numbers for sale",
    `${base}/availableNumbers/${encodeURIComponent(country.toLowerCase())}`,
    {},
    apifonicaAvailableSchema,
  );
  await probe(
    report,
    get,
    "list number costs",
    `${base}/balance/numbers`,
    { limit: "5" },
    cursorListOf(apifonicaNumberCostSchema),
  );
  if (!pick) {
    skip(
      report,
      "read one number",
      wanted ? `${wanted} is not on the first list page` : "the account holds no number",
    );
    return report;
  }
  const sid = str(pick["number_sid"]) ?? "";
  const digits = digitsOf(str(pick["number"]) ?? "");
  const one = await probe(
    report,
    get,
    "read one number",
    `${base}/numbers/${encodeURIComponent(sid)}`,
    {},
    apifonicaNumberSchema,
  );
  if (one?.status === 404)
    report.notes.push(
      "GET numbers/<number_sid> answered 404: that path is inferred, not documented (reads fall back to the filtered list)",
    );
  const filtered = await probe(
    report,
    get,
    "find the number with the list filter",
    `${base}/numbers`,
    { number: digits },
    cursorListOf(apifonicaNumberSchema),
  );
  if (filtered && filtered.status < 300) {
    const found = listOf(filtered.body, "numbers")
      .filter(isObj)
      .some((n) => str(n["number_sid"]) === sid);
    report.notes.push(
      found
        ? "the number filter (E.164 without +) finds the number"
        : "the number filter (E.164 without +) did not find the number: adoption and recovery after an ambiguous rent rely on it",
    );
  }
  return report;
}

// ---- the command ---------------------------------------------------------------------------------

function vendorsOf(list: string | undefined): Vendor[] | undefined {
  if (list === undefined) return undefined;
  const out: Vendor[] = [];
  for (const v of list.split(",").map((x) => x.trim())) {
    if (!(VENDORS as readonly string[]).includes(v))
      throw new UsageError(`--vendor: "${v}" is not a vendor; allowed: ${VENDORS.join(", ")}`);
    if (!out.includes(v as Vendor)) out.push(v as Vendor);
  }
  return out;
}

/** Runs the checks; credentials from `source` (a stack's config) then the environment. */
export async function doctor(opts: {
  vendors?: Vendor[];
  source: ConfigSource;
  number?: string;
}): Promise<{ report: DoctorReport; secrets: string[] }> {
  const report: DoctorReport = { vendors: [], skipped: [], ok: true };
  const secrets: string[] = [];
  const explicit = opts.vendors !== undefined;
  for (const vendor of opts.vendors ?? VENDORS) {
    const s = resolveSettings(vendor, opts.source);
    if (isGap(s)) {
      report.skipped.push({ vendor, reason: s.message });
      if (explicit || s.partial) report.ok = false;
      continue;
    }
    secrets.push(...secretsOf(s));
    const r =
      s.vendor === "exotel"
        ? await exotel(s, opts.number)
        : s.vendor === "plivo"
          ? await plivo(s, opts.number)
          : await apifonica(s, opts.number);
    report.vendors.push(r);
    if (r.calls.some((c) => c.outcome === "failed" || c.outcome === "mismatch")) report.ok = false;
  }
  if (report.vendors.length === 0 && !explicit) report.ok = false;
  return { report, secrets };
}

/** The report as text to paste into an issue. */
export function formatReport(report: DoctorReport): string {
  const lines = [
    "phone-numbers doctor: read-only check (GET requests only; nothing was rented, updated or released)",
    "",
  ];
  for (const v of report.vendors) {
    lines.push(`${v.vendor} (account ${v.account} at ${v.baseUrl})`);
    for (const c of v.calls) {
      const tag = { ok: "ok  ", mismatch: "MISMATCH", failed: "FAILED", skipped: "skip" }[c.outcome];
      const status = c.status === null ? "" : ` HTTP ${c.status} in ${c.ms} ms`;
      lines.push(`  ${tag.padEnd(8)} ${c.check}${c.path ? `: GET /${c.path}` : ""}${status}`);
      if (c.detail) lines.push(`           ${c.detail}`);
      for (const m of c.mismatches)
        lines.push(`           - ${m.field}: ${m.problem} (received ${m.received})`);
    }
    for (const n of v.notes) lines.push(`  note     ${n}`);
    lines.push("");
  }
  for (const s of report.skipped) lines.push(`${s.vendor}: not checked: ${s.reason}`);
  const mismatches = report.vendors.reduce(
    (n, v) => n + v.calls.reduce((m, c) => m + c.mismatches.length, 0),
    0,
  );
  const failed = report.vendors.reduce((n, v) => n + v.calls.filter((c) => c.outcome === "failed").length, 0);
  if (report.skipped.length) lines.push("");
  lines.push(
    report.ok
      ? "result: every answer matched the provider's schemas"
      : `result: ${mismatches} mismatched field(s), ${failed} failed call(s)${report.vendors.length === 0 ? ", no vendor checked" : ""}`,
  );
  return lines.join("\n");
}

/** `phone-numbers doctor`: exit 0 when every answer matched, 1 otherwise, 2 on usage errors. */
export async function runDoctor(argv: string[], io: Io = processIo): Promise<number> {
  return runCommand(SPEC, io, async () => {
    const parsed = parseCommand(SPEC, argv, io);
    if (!parsed) return 0;
    const v = parsed.values;
    const vendors = vendorsOf(v.vendor);
    if (v.cwd !== undefined && v.stack === undefined) throw new UsageError("--cwd needs --stack");
    const source: ConfigSource =
      v.stack !== undefined
        ? {
            config: await stackConfig({ name: v.stack, cwd: v.cwd ?? ".", label: v.stack }),
            stack: `stack ${v.stack}`,
          }
        : {};
    const { report, secrets } = await doctor({
      ...(vendors && { vendors }),
      source,
      ...(v.number !== undefined && { number: v.number }),
    });
    const scrub = redactor(secrets);
    io.out(`${scrub(v.json ? JSON.stringify(report, null, 2) : formatReport(report))}\n`);
    return report.ok ? 0 : 1;
  });
}
