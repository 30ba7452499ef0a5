/**
 * Plivo number APIs under `/v1/Account/<auth_id>/`: AvailableNumberGroup (legacy search, get, order),
 * PhoneNumber (search, buy) and Number (list, get, update, unrent). Regulated countries (FR, DE)
 * answer orders with `pending`; the numbers arrive when the order is completed through the admin API.
 */
import { catalogEntry, type PlivoGroup } from "./catalog.js";
import {
  keptQuery,
  parseJsonBody,
  type ResolvedAccount,
  type VendorRequest,
  type VendorResponse,
} from "./http.js";
import type { PlivoOrder, PlivoRented } from "./state.js";
import { addOneMonth, hashHex, parseIntStrict, plivoDate, randomId, uuidFromHex } from "./util.js";
import { plivoDefaultAppId } from "./variants.js";
import { accountInPath, VendorApi } from "./vendor.js";

const LIMIT_MAX = 20;

const COUNTRY_TITLE: Record<string, string> = {
  US: "United States",
  GB: "United Kingdom",
  FR: "France",
  DE: "Germany",
};

const PENDING_DETAILS =
  "For this order, some additional information is required by the telecom regulatory authorities. " +
  "Our support team will get in touch with you soon.";

function err(status: number, message: string): VendorResponse {
  return { status, body: { api_id: randomId(), error: message } };
}

type Services = { voice: boolean; sms: boolean; mms: boolean };

/** `voice`, `sms`, `mms` or a comma list; undefined when absent; null when invalid. */
function parseServices(value: string | null): Services | undefined | null {
  if (value === null || value === "") return undefined;
  const s: Services = { voice: false, sms: false, mms: false };
  for (const part of value.split(",")) {
    const p = part.trim().toLowerCase();
    if (p !== "voice" && p !== "sms" && p !== "mms") return null;
    s[p] = true;
  }
  return s;
}

function offersServices(
  g: { voiceEnabled: boolean; smsEnabled: boolean; mmsEnabled: boolean },
  s: Services,
): boolean {
  return (!s.voice || g.voiceEnabled) && (!s.sms || g.smsEnabled) && (!s.mms || g.mmsEnabled);
}

/** Legacy region filter: two letters are a region code, longer terms match the name or part of it. */
function regionMatches(g: PlivoGroup, term: string): boolean {
  const t = term.trim().toLowerCase();
  if (t.length === 2 && g.regionCode) return g.regionCode.toLowerCase() === t;
  return g.region.toLowerCase().includes(t) || g.city.toLowerCase().includes(t);
}

interface Paging {
  limit: number;
  offset: number;
}

function parsePaging(req: VendorRequest): Paging | string {
  const l = req.query.get("limit");
  const o = req.query.get("offset");
  const limit = l === null || l === "" ? LIMIT_MAX : parseIntStrict(l);
  const offset = o === null || o === "" ? 0 : parseIntStrict(o);
  if (limit === undefined || limit < 1 || limit > LIMIT_MAX)
    return `limit must be an integer between 1 and ${LIMIT_MAX}`;
  if (offset === undefined) return "offset must be an integer >= 0";
  return { limit, offset };
}

/** How a search reads its type (`number_type` or `type`) and digits (`prefix` or `pattern`) filters. */
interface SearchRules {
  typeParam: string;
  /** The type when the parameter is absent or empty ("" = any). */
  defaultType: string;
  types: readonly string[];
  typeMessage: string;
  digitsParam: string;
  digits: RegExp;
  digitsMessage: string;
}

const GROUP_SEARCH: SearchRules = {
  typeParam: "number_type",
  defaultType: "local",
  types: ["local", "national", "tollfree", "mobile"],
  typeMessage: "number_type must be one of local, national, tollfree or mobile",
  digitsParam: "prefix",
  digits: /^\d{1,5}$/,
  digitsMessage: "prefix must be numeric with at most 5 digits",
};

const NUMBER_SEARCH: SearchRules = {
  typeParam: "type",
  defaultType: "",
  types: ["local", "national", "tollfree", "mobile", "fixed"],
  typeMessage: "type must be one of local, national, tollfree, mobile or fixed",
  digitsParam: "pattern",
  digits: /^\d{1,15}$/,
  digitsMessage: "pattern must be digits",
};

/** A search's query checked in order (country, type, digits, services, paging), or the 400 answer. */
function parseSearch(req: VendorRequest, rules: SearchRules) {
  const q = req.query;
  const country = q.get("country_iso")?.toUpperCase();
  if (!country) return err(400, "country_iso is required");
  const type = (q.get(rules.typeParam) || rules.defaultType).toLowerCase();
  if (type && !rules.types.includes(type)) return err(400, rules.typeMessage);
  const digits = q.get(rules.digitsParam) ?? "";
  if (digits && !rules.digits.test(digits)) return err(400, rules.digitsMessage);
  const filter = servicesAndPaging(req);
  if ("status" in filter) return filter;
  return { country, type, digits, ...filter };
}

/** A group in the country, matching the region term and offering the services (either may be absent). */
function inPlace(g: PlivoGroup, country: string, region: string, services: Services | undefined): boolean {
  return (
    g.country === country &&
    (!region || regionMatches(g, region)) &&
    (!services || offersServices(g, services))
  );
}

/** An order's `quantity` (a number or a decimal string; absent is 1); undefined unless a positive integer. */
function parseQuantity(value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return 1;
  const n = typeof value === "number" ? value : typeof value === "string" ? parseIntStrict(value) : undefined;
  return n !== undefined && Number.isInteger(n) && n >= 1 ? n : undefined;
}

/** The `services` filter and the paging of a search or list, or the 400 answer. */
function servicesAndPaging(
  req: VendorRequest,
): { services: Services | undefined; page: Paging } | VendorResponse {
  const services = parseServices(req.query.get("services"));
  if (services === null)
    return err(400, "services must be voice, sms, mms or a comma-separated list of them");
  const page = parsePaging(req);
  if (typeof page === "string") return err(400, page);
  return { services, page };
}

export class PlivoApi extends VendorApi {
  pathAccount(req: VendorRequest): string | undefined {
    return accountInPath(req, "v1", "Account");
  }

  error(_req: VendorRequest, status: number, message: string): VendorResponse {
    // Plivo's messages are lower case ("not found", "too many requests").
    return err(status, message.charAt(0).toLowerCase() + message.slice(1));
  }

  handle(req: VendorRequest, account: ResolvedAccount): VendorResponse {
    const segs = req.segments.slice(3);
    // Every Plivo resource path ends with "/"; without it the route is unknown.
    if (segs.length < 2 || segs[segs.length - 1] !== "") return err(404, "not found");
    const [resource, id, extra] = segs.slice(0, -1);
    if (extra !== undefined) return err(404, "not found");
    const m = req.method;
    switch (resource) {
      case "AvailableNumberGroup":
        if (id === undefined)
          return m === "GET" ? this.searchGroups(req, account) : err(405, "method not allowed");
        if (m === "GET") return this.getGroup(account, id);
        if (m === "POST") return this.orderGroup(req, account, id);
        return err(405, "method not allowed");
      case "PhoneNumber":
        if (id === undefined)
          return m === "GET" ? this.searchNumbers(req, account) : err(405, "method not allowed");
        return m === "POST" ? this.buy(req, account, id) : err(405, "method not allowed");
      case "Number": {
        if (id === undefined)
          return m === "GET" ? this.listNumbers(req, account) : err(405, "method not allowed");
        const r = this.state.plivo.get(id.replace(/^\+/, ""));
        const mine = r && r.authId === account.id ? r : undefined;
        if (m !== "GET" && m !== "POST" && m !== "DELETE") return err(405, "method not allowed");
        if (!mine) return err(404, "not found");
        if (m === "GET") return { status: 200, body: { ...this.numberObject(mine), api_id: randomId() } };
        if (m === "POST") return this.update(req, mine);
        return this.unrent(mine);
      }
      default:
        return err(404, "not found");
    }
  }

  private stock(g: PlivoGroup): number {
    let n = 0;
    for (const num of g.numbers) if (this.state.plivoAvailable(num)) n++;
    return n;
  }

  private groupObject(account: ResolvedAccount, g: PlivoGroup, stock = this.stock(g)) {
    return {
      group_id: g.groupId,
      number_type: g.numberType,
      prefix: g.prefix,
      region: g.region,
      rental_rate: g.rentalRate,
      resource_uri: `/v1/Account/${account.id}/AvailableNumberGroup/${g.groupId}/`,
      setup_rate: g.setupRate,
      sms_enabled: g.smsEnabled,
      sms_rate: g.smsEnabled ? g.smsRate : -1,
      stock,
      voice_enabled: g.voiceEnabled,
      voice_rate: g.voiceRate,
    };
  }

  private listBody(
    req: VendorRequest,
    account: ResolvedAccount,
    resource: string,
    page: Paging,
    total: number,
    objects: unknown[],
  ) {
    const kept = keptQuery(req.query, ["limit", "offset"]);
    const link = (offset: number) => {
      const q = new URLSearchParams(kept);
      q.set("limit", String(page.limit));
      q.set("offset", String(offset));
      return `/v1/Account/${account.id}/${resource}/?${q.toString()}`;
    };
    return {
      api_id: randomId(),
      meta: {
        limit: page.limit,
        next: page.offset + page.limit < total ? link(page.offset + page.limit) : null,
        offset: page.offset,
        previous: page.offset > 0 ? link(Math.max(0, page.offset - page.limit)) : null,
        total_count: total,
      },
      objects,
    };
  }

  private searchGroups(req: VendorRequest, account: ResolvedAccount): VendorResponse {
    const search = parseSearch(req, GROUP_SEARCH);
    if ("status" in search) return search;
    const { country, type, digits: prefix, services, page } = search;
    const region = type === "local" ? (req.query.get("region") ?? "") : "";
    const matches: unknown[] = [];
    for (const g of this.catalog.plivoGroups) {
      if (g.numberType !== type || !inPlace(g, country, region, services)) continue;
      if (prefix && !g.prefix.startsWith(prefix)) continue;
      const stock = this.stock(g);
      if (stock === 0) continue;
      matches.push(this.groupObject(account, g, stock));
    }
    const objects = matches.slice(page.offset, page.offset + page.limit);
    return {
      status: 200,
      body: this.listBody(req, account, "AvailableNumberGroup", page, matches.length, objects),
    };
  }

  private getGroup(account: ResolvedAccount, id: string): VendorResponse {
    const g = this.catalog.plivoGroupById.get(id);
    if (!g) return err(404, "not found");
    return { status: 200, body: { api_id: randomId(), ...this.groupObject(account, g) } };
  }

  private appId(body: Record<string, unknown>): string | null | { error: string } {
    const v = body["app_id"];
    if (v === undefined || v === null || v === "") return null;
    if (typeof v === "number" && Number.isInteger(v)) return String(v);
    if (typeof v === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(v)) return v;
    return { error: "app_id must be an application id" };
  }

  private newOrder(
    account: ResolvedAccount,
    fields: Pick<PlivoOrder, "groupId" | "number" | "numbers" | "appId">,
  ): PlivoOrder {
    this.state.counters.plivoOrder += 1;
    const order: PlivoOrder = {
      id: uuidFromHex(hashHex(this.state.seed, "plivo-order", this.state.counters.plivoOrder)),
      authId: account.id,
      quantity: fields.numbers.length,
      status: "pending",
      createdAt: Date.now(),
      completedAt: null,
      ...fields,
    };
    this.state.addOrder(order);
    return order;
  }

  private rentNow(
    authId: string,
    number: string,
    appId: string | null,
    compliant: boolean,
    now: number,
  ): PlivoRented {
    const r: PlivoRented = {
      number,
      authId,
      alias: null,
      // Without app_id Plivo links the account's default application (`plivo-default-app`), or none.
      appId:
        appId ?? (this.variants.has("plivo-default-app") ? plivoDefaultAppId(this.state.seed, authId) : null),
      cnamLookup: "disabled",
      addedOn: now,
      compliant,
      seq: this.state.nextSeq(),
    };
    this.state.plivo.set(number, r);
    return r;
  }

  private orderGroup(req: VendorRequest, account: ResolvedAccount, id: string): VendorResponse {
    const g = this.catalog.plivoGroupById.get(id);
    if (!g) return err(404, "not found");
    const body = parseJsonBody(req, true);
    if (!body.ok) return err(400, body.message);
    const quantity = parseQuantity(body.value["quantity"]);
    if (quantity === undefined) return err(400, "quantity must be a positive integer");
    const appId = this.appId(body.value);
    if (appId !== null && typeof appId === "object") return err(400, appId.error);
    // Pick and commit synchronously: concurrent orders never get the same number.
    const picked: string[] = [];
    for (const n of g.numbers) {
      if (picked.length >= quantity) break;
      if (this.state.plivoAvailable(n)) picked.push(n);
    }
    if (picked.length < quantity) {
      return err(400, `quantity ${quantity} exceeds the group's stock of ${picked.length}`);
    }
    if (g.regulated) {
      this.newOrder(account, { groupId: g.groupId, number: null, numbers: picked, appId });
      this.state.changed();
      return {
        status: 201,
        body: {
          api_id: randomId(),
          details: `Order for ${quantity} numbers(Region: ${g.region}, number_type: ${g.numberType}, Prefix: ${g.prefix}) initiated. ${PENDING_DETAILS}`,
          message: "created",
          status: "pending",
        },
      };
    }
    const now = Date.now();
    for (const n of picked) this.rentNow(account.id, n, appId, false, now);
    this.state.changed();
    return {
      status: 201,
      body: {
        api_id: randomId(),
        numbers: picked.map((n) => ({ number: n, status: "Success" })),
        status: "fulfilled",
      },
    };
  }

  private searchNumbers(req: VendorRequest, account: ResolvedAccount): VendorResponse {
    const search = parseSearch(req, NUMBER_SEARCH);
    if ("status" in search) return search;
    const { country, type, digits: pattern, services, page } = search;
    const region = req.query.get("region") ?? "";
    const objects: unknown[] = [];
    let total = 0;
    for (const g of this.catalog.plivoGroups) {
      if (!inPlace(g, country, region, services)) continue;
      if (type === "local" || type === "national") {
        if (g.subType !== type) continue;
      } else if (type && g.type !== type) continue;
      for (const n of g.numbers) {
        if (pattern && !n.startsWith(g.callingCode + pattern)) continue;
        if (!this.state.plivoAvailable(n)) continue;
        if (total >= page.offset && objects.length < page.limit)
          objects.push(this.phoneNumberObject(account, g, n));
        total++;
      }
    }
    return { status: 200, body: this.listBody(req, account, "PhoneNumber", page, total, objects) };
  }

  private phoneNumberObject(account: ResolvedAccount, g: PlivoGroup, number: string) {
    return {
      number,
      prefix: g.prefix,
      city: g.city,
      country: g.countryName,
      region: g.region,
      rate_center: g.rateCenter,
      lata: g.lata,
      type: g.type,
      sub_type: g.subType,
      setup_rate: g.setupRate,
      monthly_rental_rate: g.rentalRate,
      sms_enabled: g.smsEnabled,
      sms_rate: g.smsRate,
      mms_enabled: g.mmsEnabled,
      mms_rate: g.mmsRate,
      voice_enabled: g.voiceEnabled,
      voice_rate: g.voiceRate,
      restriction: g.restriction,
      restriction_text: g.restrictionText,
      resource_uri: `/v1/Account/${account.id}/PhoneNumber/${number}/`,
    };
  }

  private buy(req: VendorRequest, account: ResolvedAccount, raw: string): VendorResponse {
    const number = raw.replace(/^\+/, "");
    const body = parseJsonBody(req, true);
    if (!body.ok) return err(400, body.message);
    const appId = this.appId(body.value);
    if (appId !== null && typeof appId === "object") return err(400, appId.error);
    const ref = this.catalog.plivoByNumber.get(number);
    // Check and commit with no await in between: of concurrent buys of one number exactly one wins.
    if (!ref || !this.state.plivoAvailable(number)) return err(404, "not found");
    // A regulated country's number waits in a pending order; elsewhere it joins the account now.
    const pending = ref.group.regulated;
    if (pending) this.newOrder(account, { groupId: null, number, numbers: [number], appId });
    else this.rentNow(account.id, number, appId, false, Date.now());
    this.state.changed();
    return {
      status: 201,
      body: {
        api_id: randomId(),
        message: "created",
        numbers: [{ number, status: pending ? "pending" : "Success" }],
        status: pending ? "pending" : "fulfilled",
      },
    };
  }

  private listNumbers(req: VendorRequest, account: ResolvedAccount): VendorResponse {
    const q = req.query;
    const type = q.get("type")?.toLowerCase() ?? "";
    if (type && !["local", "national", "tollfree", "mobile", "fixed"].includes(type)) {
      return err(400, "type must be one of local, mobile, fixed, national or tollfree");
    }
    const startsWith = (q.get("number_startswith") ?? "").replace(/^\+/, "");
    const alias = q.get("alias");
    const filter = servicesAndPaging(req);
    if ("status" in filter) return filter;
    const { services, page } = filter;
    const matches = [...this.state.plivo.values()]
      .filter((r) => {
        if (r.authId !== account.id) return false;
        const g = this.group(r.number);
        if (type === "fixed" ? g.type !== "fixed" : type && g.numberType !== type) return false;
        if (startsWith && !r.number.startsWith(startsWith)) return false;
        if (alias !== null && alias !== "" && r.alias !== alias) return false;
        if (services && !offersServices(g, services)) return false;
        return true;
      })
      .sort((a, b) => a.seq - b.seq);
    const objects = matches.slice(page.offset, page.offset + page.limit).map((r) => this.numberObject(r));
    return { status: 200, body: this.listBody(req, account, "Number", page, matches.length, objects) };
  }

  private group(number: string): PlivoGroup {
    return catalogEntry(this.catalog.plivoByNumber, number, "Plivo").group;
  }

  /** The AccountPhoneNumber object (list item; GET one adds `api_id`). */
  numberObject(r: PlivoRented) {
    const g = this.group(r.number);
    let renewal = addOneMonth(r.addedOn);
    for (let i = 0; renewal <= Date.now() && i < 1200; i++) renewal = addOneMonth(renewal);
    return {
      number: r.number,
      alias: r.alias,
      sub_account: null,
      added_on: plivoDate(r.addedOn),
      active: true,
      application: r.appId ? `/v1/Account/${r.authId}/Application/${r.appId}/` : null,
      carrier: "Plivo",
      number_type: g.numberType,
      city: g.city,
      country: COUNTRY_TITLE[g.country] ?? g.countryName,
      region: g.region,
      monthly_rental_rate: g.rentalRate,
      renewal_date: plivoDate(renewal),
      voice_enabled: g.voiceEnabled,
      voice_rate: g.voiceRate,
      sms_enabled: g.smsEnabled,
      sms_rate: g.smsRate,
      mms_enabled: g.mmsEnabled,
      mms_rate: g.mmsRate,
      cnam_lookup: r.cnamLookup,
      compliance_application_id: null,
      compliance_status: r.compliant ? "accepted" : null,
      tendlc_campaign_id: null,
      tendlc_registration_status: g.country === "US" && g.numberType === "local" ? "UNREGISTERED" : null,
      toll_free_sms_verification: null,
      resource_uri: `/v1/Account/${r.authId}/Number/${r.number}/`,
    };
  }

  private update(req: VendorRequest, r: PlivoRented): VendorResponse {
    const body = parseJsonBody(req, true);
    if (!body.ok) return err(400, body.message);
    const b = body.value;
    const problems: string[] = [];
    let appId: string | null | undefined;
    if ("app_id" in b) {
      const a = this.appId(b);
      if (a !== null && typeof a === "object") problems.push(a.error);
      else appId = a;
    }
    let alias: string | null | undefined;
    if ("alias" in b) {
      const v = b["alias"];
      if (v === null || v === "") alias = null;
      else if (typeof v === "string" && v.length <= 255) alias = v;
      else problems.push("alias must be a string of at most 255 characters");
    }
    let cnam: string | undefined;
    if ("cnam_lookup" in b) {
      const v = b["cnam_lookup"];
      if (v === "enabled" || v === "disabled") cnam = v;
      else problems.push("cnam_lookup must be enabled or disabled");
    }
    if (problems.length > 0) return err(400, problems.join("; "));
    if (appId !== undefined) r.appId = appId;
    if (alias !== undefined) r.alias = alias;
    if (cnam !== undefined) r.cnamLookup = cnam;
    this.state.changed();
    return { status: 202, body: { api_id: randomId(), message: "changed" } };
  }

  private unrent(r: PlivoRented): VendorResponse {
    this.state.plivo.delete(r.number);
    this.state.quarantine.plivo.add(r.number);
    this.state.changed();
    return { status: 204 };
  }

  // --- admin -----------------------------------------------------------------------------------

  orderView(o: PlivoOrder) {
    return {
      id: o.id,
      account: o.authId,
      ...(o.groupId ? { groupId: o.groupId } : {}),
      ...(o.number ? { number: o.number } : {}),
      quantity: o.quantity,
      status: o.status,
      createdAt: new Date(o.createdAt).toISOString(),
      numbers: o.numbers,
      appId: o.appId,
      ...(o.completedAt ? { completedAt: new Date(o.completedAt).toISOString() } : {}),
    };
  }

  /** Completes a pending order: its reserved numbers join the account. */
  completeOrder(id: string): { status: number; body: unknown } {
    const o = this.state.plivoOrders.get(id);
    if (!o) return { status: 404, body: { error: `no Plivo order ${id}` } };
    if (o.status !== "pending") return { status: 409, body: { error: `order ${id} is already ${o.status}` } };
    const now = Date.now();
    const joined: PlivoRented[] = [];
    for (const n of o.numbers) {
      this.state.plivoReserved.delete(n);
      joined.push(this.rentNow(o.authId, n, o.appId, true, now));
    }
    o.status = "completed";
    o.completedAt = now;
    this.state.changed();
    return {
      status: 200,
      body: { order: this.orderView(o), numbers: joined.map((r) => this.numberObject(r)) },
    };
  }
}
