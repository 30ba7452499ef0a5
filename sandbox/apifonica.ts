/**
 * Apifonica number and application APIs under `/v2/accounts/<accountSID>`: available numbers, numbers
 * (rent, list with cursors, get, update, release), applications (create, get, update, delete) and the
 * `/balance/numbers` cost list. A number shows its linked applications' controller and method.
 */
import { STATUS_CODES } from "node:http";
import { APIFONICA_TYPES, type ApifonicaNumber, catalogEntry } from "./catalog.js";
import { APIFONICA_COUNTRIES } from "./catalog-data.js";
import { parseJsonBody, type ResolvedAccount, type VendorRequest, type VendorResponse } from "./http.js";
import type { ApifonicaApp, ApifonicaRented } from "./state.js";
import { apifonicaDate, hashHex, parseBool, parseIntStrict, uuidFromHex } from "./util.js";
import { accountInPath, VendorApi } from "./vendor.js";

const SEARCH_MAX = 10;
const LIMIT_MAX = 20;
const CURSOR_CAP = 10_000;
const DEFAULT_CALL_APP = "default_call_app_sid";
const DEFAULT_MSG_APP = "default_msg_app_sid";
const FILTERS = ["number", "country_code", "country_name", "type", "voice", "messaging"] as const;

const STATUS_TEXT: Record<number, string> = {
  400: "BAD REQUEST",
  401: "UNAUTHORIZED",
  404: "NOT FOUND",
  405: "METHOD NOT ALLOWED",
  413: "PAYLOAD TOO LARGE",
  429: "TOO MANY REQUESTS",
  500: "INTERNAL SERVER ERROR",
};

function statusText(status: number): string {
  return STATUS_TEXT[status] ?? (STATUS_CODES[status] ?? "ERROR").toUpperCase();
}

function err(status: number, text: string): VendorResponse {
  return { status, body: { status_code: status, status_message: statusText(status), error_text: text } };
}

function ok(status: number, message: string, uri: string): VendorResponse {
  return { status, body: { status_code: status, status_message: message, uri } };
}

type Flags = { voice?: boolean; messaging?: boolean };

/** The problem with a `type` filter, if any ("" is no filter). */
function typeError(type: string): string | undefined {
  if (!type || type === "sip" || APIFONICA_TYPES.includes(type as ApifonicaNumber["type"])) return undefined;
  return "type must be one of local, mobile, toll_free or sip";
}

function hasFlags(n: ApifonicaNumber, flags: Flags): boolean {
  return (
    (flags.voice === undefined || n.voice === flags.voice) &&
    (flags.messaging === undefined || n.messaging === flags.messaging)
  );
}

/** The page a cursor points at: after (`next`) or before (`prev`) its position; the first page without one. */
function pageOf(all: ApifonicaRented[], cursor: Cursor | undefined, limit: number): ApifonicaRented[] {
  if (cursor?.kind === "next") return all.filter((r) => r.seq > cursor.seq).slice(0, limit);
  if (cursor?.kind === "prev") {
    const before = all.filter((r) => r.seq < cursor.seq);
    return before.slice(Math.max(0, before.length - limit));
  }
  return all.slice(0, limit);
}

/** An item of `/balance/numbers`: what a rented number costs. */
function balanceObject(r: ApifonicaRented, n: ApifonicaNumber) {
  return {
    number_sid: r.sid,
    number: r.digits,
    country_code: n.country,
    type: n.type,
    setup_price: n.setupPrice,
    monthly_price: n.monthlyPrice,
    currency: n.currency,
  };
}

/** A list request's filters (as given or remembered by its cursor), parsed. */
interface ListQuery {
  filters: URLSearchParams;
  limit: number;
  type: string;
  flags: Flags;
  number: string | undefined;
  cc: string | undefined;
  cname: string | undefined;
}

interface Cursor {
  account: string;
  resource: "numbers" | "balance";
  kind: "next" | "prev";
  seq: number;
  limit: number;
  filters: URLSearchParams;
}

export class ApifonicaApi extends VendorApi {
  private readonly cursors = new Map<string, Cursor>();
  private cursorCounter = 0;

  pathAccount(req: VendorRequest): string | undefined {
    return accountInPath(req, "v2", "accounts");
  }

  error(_req: VendorRequest, status: number, message: string): VendorResponse {
    return err(status, message);
  }

  clearCursors(): void {
    this.cursors.clear();
  }

  handle(req: VendorRequest, account: ResolvedAccount): VendorResponse {
    const segs = req.segments.slice(3);
    const [resource, id, extra] = segs;
    const m = req.method;
    const notAllowed = err(405, `Method ${m} is not allowed here`);
    if (resource === "availableNumbers" && id && extra === undefined) {
      return m === "GET" ? this.search(req, account, id) : notAllowed;
    }
    if (resource === "numbers" && extra === undefined) {
      if (id === undefined) {
        if (m === "GET") return this.list(req, account, "numbers");
        if (m === "POST") return this.rent(req, account);
        return notAllowed;
      }
      const r = this.state.apifonica.get(id);
      const mine = r && r.accountSid === account.id ? r : undefined;
      if (m !== "GET" && m !== "PUT" && m !== "DELETE") return notAllowed;
      if (!mine) return err(404, `Number ${id} not found`);
      if (m === "GET") return { status: 200, body: this.numberObject(mine) };
      if (m === "PUT") return this.update(req, mine);
      return this.release(mine);
    }
    if (resource === "applications" && extra === undefined) {
      if (id === undefined) return m === "POST" ? this.createApp(req, account) : notAllowed;
      const a = this.state.apps.get(id);
      const mine = a && a.accountSid === account.id ? a : undefined;
      if (m !== "GET" && m !== "PUT" && m !== "DELETE") return notAllowed;
      if (!mine) return err(404, `Application ${id} not found`);
      if (m === "GET") return { status: 200, body: appObject(mine) };
      if (m === "PUT") return this.updateApp(req, mine);
      return this.deleteApp(mine);
    }
    if (resource === "balance" && id === "numbers" && extra === undefined) {
      return m === "GET" ? this.list(req, account, "balance") : notAllowed;
    }
    return err(404, "The requested resource was not found");
  }

  private search(req: VendorRequest, account: ResolvedAccount, cc: string): VendorResponse {
    const code = cc.toUpperCase();
    const country = APIFONICA_COUNTRIES[code];
    if (!country) return err(404, `Country ${cc} is not supported`);
    const type = req.query.get("type") ?? "";
    const flags = typeError(type) ?? this.flags(req.query);
    if (typeof flags === "string") return err(400, flags);
    const out: unknown[] = [];
    for (const n of this.catalog.apifonica) {
      if (n.country !== code || (type && n.type !== type) || !hasFlags(n, flags)) continue;
      if (!this.state.apifonicaAvailable(n.digits)) continue;
      out.push({ number: `+${n.digits}`, voice: n.voice, messaging: n.messaging, type: n.type });
      if (out.length >= SEARCH_MAX) break;
    }
    return {
      status: 200,
      body: {
        account_sid: account.id,
        country_code: code.toLowerCase(),
        country_name: country.name,
        available_numbers: out,
      },
    };
  }

  private flags(q: URLSearchParams): Flags | string {
    const out: Flags = {};
    for (const key of ["voice", "messaging"] as const) {
      const raw = q.get(key);
      if (raw === null || raw === "") continue;
      const b = parseBool(raw);
      if (b === undefined) return `${key} must be true or false`;
      out[key] = b;
    }
    return out;
  }

  /** Checks app SIDs for a number: `""`, null and the default placeholders unlink. */
  private appRef(
    accountId: string,
    value: unknown,
    key: string,
    problems: string[],
  ): string | null | undefined {
    if (value === undefined) return undefined;
    if (value === null || value === "" || value === DEFAULT_CALL_APP || value === DEFAULT_MSG_APP)
      return null;
    if (typeof value !== "string") {
      problems.push(`${key} must be an application SID`);
      return undefined;
    }
    const app = this.state.apps.get(value);
    if (!app || app.accountSid !== accountId) {
      problems.push(`${key}: application ${value} not found`);
      return undefined;
    }
    return value;
  }

  private rent(req: VendorRequest, account: ResolvedAccount): VendorResponse {
    const body = parseJsonBody(req, false);
    if (!body.ok) return err(400, body.message);
    const b = body.value;
    const raw = b["number"];
    if (typeof raw !== "string" || !/^\+?\d{6,15}$/.test(raw.trim())) {
      return err(400, "number is required, in E.164 format");
    }
    const digits = raw.trim().replace(/^\+/, "");
    const problems: string[] = [];
    const callApp = this.appRef(account.id, b["call_app_sid"], "call_app_sid", problems);
    const msgApp = this.appRef(account.id, b["msg_app_sid"], "msg_app_sid", problems);
    if (callApp && msgApp) problems.push("only one of call_app_sid and msg_app_sid may be set");
    if (problems.length > 0) return err(400, problems.join("; "));
    const n = this.catalog.apifonicaByDigits.get(digits);
    // Check and commit with no await in between: of concurrent rents of one number exactly one wins.
    if (!n || !this.state.apifonicaAvailable(digits)) return err(400, "Number is not available");
    const now = Date.now();
    this.state.counters.apifonicaNumber += 1;
    const r: ApifonicaRented = {
      sid: `num${uuidFromHex(hashHex(this.state.seed, "apifonica-number", this.state.counters.apifonicaNumber))}`,
      accountSid: account.id,
      digits,
      name: digits,
      callAppSid: callApp ?? null,
      msgAppSid: msgApp ?? null,
      mode: "xml",
      endpointSid: null,
      sipPassword: null,
      voiceRecording: false,
      created: now,
      updated: now,
      seq: this.state.nextSeq(),
    };
    this.state.addApifonica(r);
    this.state.changed();
    return ok(201, "CREATED", `/accounts/${account.id}/numbers/${r.sid}`);
  }

  private entry(r: ApifonicaRented): ApifonicaNumber {
    return catalogEntry(this.catalog.apifonicaByDigits, r.digits, "Apifonica");
  }

  /** The rented-number object as the list documents it, plus `name`. */
  numberObject(r: ApifonicaRented) {
    const n = this.entry(r);
    const callApp = r.callAppSid ? this.state.apps.get(r.callAppSid) : undefined;
    const msgApp = r.msgAppSid ? this.state.apps.get(r.msgAppSid) : undefined;
    return {
      number_sid: r.sid,
      account_sid: r.accountSid,
      number: r.digits,
      token: null,
      name: r.name,
      country_code: n.country,
      country_name: n.countryName,
      type: n.type,
      call_controller: callApp?.controller ?? "",
      call_method: callApp?.method ?? "GET",
      msg_controller: msgApp?.controller ?? "",
      msg_method: msgApp?.method ?? "GET",
      msg_app_sid: msgApp ? msgApp.sid : DEFAULT_MSG_APP,
      call_app_sid: callApp ? callApp.sid : DEFAULT_CALL_APP,
      endpoint_sid: r.endpointSid,
      created: apifonicaDate(r.created),
      updated: apifonicaDate(r.updated),
      voice: n.voice,
      messaging: n.messaging,
      mode: r.mode,
    };
  }

  private update(req: VendorRequest, r: ApifonicaRented): VendorResponse {
    const body = parseJsonBody(req, false);
    if (!body.ok) return err(400, body.message);
    const b = body.value;
    const problems: string[] = [];
    const callApp = this.appRef(r.accountSid, b["call_app_sid"], "call_app_sid", problems);
    const msgApp = this.appRef(r.accountSid, b["msg_app_sid"], "msg_app_sid", problems);
    const mode = b["mode"];
    if (mode !== undefined && mode !== "xml" && mode !== "sip_phone" && mode !== "end_point") {
      problems.push("mode must be xml, sip_phone or end_point");
    }
    const name = b["name"];
    if (name !== undefined && (typeof name !== "string" || name.length > 255)) {
      problems.push("name must be a string of at most 255 characters");
    }
    const sip = b["sip_password"];
    if (sip !== undefined && sip !== null && (typeof sip !== "string" || !/^[A-Za-z0-9]{8,32}$/.test(sip))) {
      problems.push("sip_password must be 8 to 32 latin letters or digits");
    }
    const endpoint = b["endpoint_sid"];
    if (endpoint !== undefined && endpoint !== null && typeof endpoint !== "string") {
      problems.push("endpoint_sid must be a string");
    }
    const recording = b["voice_recording"];
    if (recording !== undefined && typeof recording !== "boolean")
      problems.push("voice_recording must be a boolean");
    if (problems.length > 0) return err(400, problems.join("; "));
    if (callApp !== undefined) r.callAppSid = callApp;
    if (msgApp !== undefined) r.msgAppSid = msgApp;
    if (mode !== undefined) r.mode = mode as ApifonicaRented["mode"];
    if (typeof name === "string") r.name = name;
    if (sip !== undefined) r.sipPassword = (sip as string | null) || null;
    if (endpoint !== undefined) r.endpointSid = (endpoint as string | null) || null;
    if (typeof recording === "boolean") r.voiceRecording = recording;
    r.updated = Date.now();
    this.state.changed();
    return ok(200, "OK", `/v2/accounts/${r.accountSid}/numbers/${r.sid}`);
  }

  private release(r: ApifonicaRented): VendorResponse {
    this.state.removeApifonica(r);
    this.state.changed();
    return ok(200, "DELETED", `/v2/accounts/${r.accountSid}/numbers/${r.sid}`);
  }

  private newCursor(c: Cursor): string {
    this.cursorCounter += 1;
    // ObjectId-like: 8 hex of seconds, then 16 hex of a per-process counter hash.
    const seconds = Math.floor(Date.now() / 1000)
      .toString(16)
      .padStart(8, "0")
      .slice(-8);
    const hex = seconds + hashHex("cursor", this.cursorCounter, c.seq).slice(0, 16);
    this.cursors.set(hex, c);
    if (this.cursors.size > CURSOR_CAP) {
      const oldest = this.cursors.keys().next().value;
      if (oldest !== undefined) this.cursors.delete(oldest);
    }
    return hex;
  }

  /** The cursor a list request continues from (undefined for a first page), or the 400 answer. */
  private cursorOf(q: URLSearchParams, account: ResolvedAccount, resource: Cursor["resource"]) {
    const nextId = q.get("next");
    const prevId = q.get("prev");
    if (nextId && prevId) return err(400, "use either next or prev, not both");
    const cursorId = nextId || prevId;
    if (!cursorId) return undefined;
    const cursor = this.cursors.get(cursorId);
    if (!cursor || cursor.account !== account.id || cursor.resource !== resource) {
      return err(400, `Invalid cursor ${cursorId}`);
    }
    return cursor;
  }

  /** A list request's filters and limit: a cursor remembers those of the request that produced it; explicit ones win. */
  private listQuery(q: URLSearchParams, cursor: Cursor | undefined): ListQuery | VendorResponse {
    const filters = new URLSearchParams(cursor?.filters);
    for (const key of FILTERS) {
      const v = q.get(key);
      if (v !== null) filters.set(key, v);
    }
    const rawLimit = q.get("limit");
    const limit =
      rawLimit === null || rawLimit === "" ? (cursor?.limit ?? LIMIT_MAX) : parseIntStrict(rawLimit);
    if (limit === undefined || limit < 1 || limit > LIMIT_MAX)
      return err(400, `limit must be between 1 and ${LIMIT_MAX}`);
    const type = filters.get("type") ?? "";
    const flags = typeError(type) ?? this.flags(filters);
    if (typeof flags === "string") return err(400, flags);
    // The documented form is E.164 without "+"; by default a "+" is forgiven, the strict variant compares as written.
    const rawNumber = filters.get("number")?.trim();
    const number = this.variants.has("apifonica-strict-number-filter")
      ? rawNumber
      : rawNumber?.replace(/^\+/, "");
    const cc = filters.get("country_code")?.toUpperCase();
    const cname = filters.get("country_name")?.toLowerCase();
    return { filters, limit, type, flags, number, cc, cname };
  }

  private listed(r: ApifonicaRented, account: ResolvedAccount, q: ListQuery): boolean {
    if (r.accountSid !== account.id) return false;
    const n = this.entry(r);
    if (q.number && r.digits !== q.number) return false;
    if (q.cc && n.country !== q.cc) return false;
    if (q.cname && n.countryName.toLowerCase() !== q.cname) return false;
    if (q.type && n.type !== q.type) return false;
    return hasFlags(n, q.flags);
  }

  private list(
    req: VendorRequest,
    account: ResolvedAccount,
    resource: "numbers" | "balance",
  ): VendorResponse {
    const cursor = this.cursorOf(req.query, account, resource);
    if (cursor && "status" in cursor) return cursor;
    const q = this.listQuery(req.query, cursor);
    if ("status" in q) return q;
    const all = [...this.state.apifonica.values()]
      .filter((r) => this.listed(r, account, q))
      .sort((a, b) => a.seq - b.seq);
    const page = pageOf(all, cursor, q.limit);
    const first = page[0];
    const last = page[page.length - 1];
    const base = `${req.baseUrl}/apifonica/v2/accounts/${account.id}/${resource === "numbers" ? "numbers" : "balance/numbers"}`;
    const { limit, filters } = q;
    const make = (kind: "next" | "prev", seq: number) =>
      `${base}?${kind}=${this.newCursor({ account: account.id, resource, kind, seq, limit, filters })}`;
    const next = last && all.some((r) => r.seq > last.seq) ? make("next", last.seq) : null;
    const prev = first && all.some((r) => r.seq < first.seq) ? make("prev", first.seq) : null;
    const items = page.map((r) =>
      resource === "numbers" ? this.numberObject(r) : balanceObject(r, this.entry(r)),
    );
    return { status: 200, body: { limit, prev, next, numbers: items } };
  }

  private appFields(b: Record<string, unknown>, creating: boolean, problems: string[]) {
    const controller = b["controller"];
    if (controller !== undefined || creating) {
      let valid = false;
      if (typeof controller === "string") {
        try {
          const u = new URL(controller);
          valid = u.protocol === "http:" || u.protocol === "https:";
        } catch {
          valid = false;
        }
      }
      if (!valid) problems.push("controller is required, an http or https URL");
    }
    const method = b["method"];
    if ((method !== undefined || creating) && (typeof method !== "string" || !/^(GET|POST)$/i.test(method))) {
      problems.push("method is required, GET or POST");
    }
    const name = b["name"];
    if (name !== undefined && (typeof name !== "string" || name.length > 255)) {
      problems.push("name must be a string of at most 255 characters");
    }
    const events = b["events"];
    if (events !== undefined && (typeof events !== "string" || !/^[a-z_]+(\|[a-z_]+)*$/.test(events))) {
      problems.push("events must be none, all or a |-separated list of call statuses");
    }
    return {
      controller: typeof controller === "string" ? controller : undefined,
      method: typeof method === "string" ? (method.toUpperCase() as "GET" | "POST") : undefined,
      name: typeof name === "string" ? name : undefined,
      events: typeof events === "string" ? events : undefined,
    };
  }

  private createApp(req: VendorRequest, account: ResolvedAccount): VendorResponse {
    const body = parseJsonBody(req, false);
    if (!body.ok) return err(400, body.message);
    const problems: string[] = [];
    const f = this.appFields(body.value, true, problems);
    if (problems.length > 0 || !f.controller || !f.method) return err(400, problems.join("; "));
    const now = Date.now();
    this.state.counters.apifonicaApp += 1;
    const app: ApifonicaApp = {
      sid: `app${uuidFromHex(hashHex(this.state.seed, "apifonica-app", this.state.counters.apifonicaApp))}`,
      accountSid: account.id,
      name: f.name ?? account.id,
      controller: f.controller,
      method: f.method,
      events: f.events ?? "none",
      created: now,
      updated: now,
    };
    this.state.apps.set(app.sid, app);
    this.state.changed();
    return ok(201, "CREATED", `/v2/accounts/${account.id}/applications/${app.sid}`);
  }

  private updateApp(req: VendorRequest, app: ApifonicaApp): VendorResponse {
    const body = parseJsonBody(req, false);
    if (!body.ok) return err(400, body.message);
    const problems: string[] = [];
    const f = this.appFields(body.value, false, problems);
    if (problems.length > 0) return err(400, problems.join("; "));
    if (f.controller !== undefined) app.controller = f.controller;
    if (f.method !== undefined) app.method = f.method;
    if (f.name !== undefined) app.name = f.name;
    if (f.events !== undefined) app.events = f.events;
    app.updated = Date.now();
    this.state.changed();
    return ok(200, "OK", `/v2/accounts/${app.accountSid}/applications/${app.sid}`);
  }

  private deleteApp(app: ApifonicaApp): VendorResponse {
    const now = Date.now();
    for (const r of this.state.apifonica.values()) {
      if (r.callAppSid === app.sid || r.msgAppSid === app.sid) {
        if (r.callAppSid === app.sid) r.callAppSid = null;
        if (r.msgAppSid === app.sid) r.msgAppSid = null;
        r.updated = now;
      }
    }
    this.state.apps.delete(app.sid);
    this.state.changed();
    return ok(200, "DELETED", `/v2/accounts/${app.accountSid}/applications/${app.sid}`);
  }
}

function appObject(a: ApifonicaApp) {
  return {
    application_sid: a.sid,
    account_sid: a.accountSid,
    name: a.name,
    controller: a.controller,
    method: a.method,
    events: a.events,
    created: apifonicaDate(a.created),
    updated: apifonicaDate(a.updated),
  };
}
