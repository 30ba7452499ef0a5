/**
 * Exotel ExoPhone APIs: v2_beta AvailablePhoneNumbers and IncomingPhoneNumbers (form bodies, RestException
 * errors), plus the v2 `incoming-phone-numbers/<sid>` details with `connectivity` (v2 envelope errors).
 */
import { catalogEntry, EXOTEL_TYPES, type ExotelNumber } from "./catalog.js";
import { CIRCLES, EXOTEL_COUNTRIES } from "./catalog-data.js";
import { parseFormBody, type ResolvedAccount, type VendorRequest, type VendorResponse } from "./http.js";
import type { ExotelRented } from "./state.js";
import { exotelDate, hashHex, parseIntStrict, randomHex, rfc3339 } from "./util.js";
import { rewriteExotelUrl } from "./variants.js";
import { accountInPath, VendorApi } from "./vendor.js";

const SEARCH_MAX = 50;
const PAGE_SIZE_DEFAULT = 50;
const PAGE_SIZE_MAX = 100;

const REST_CODES: Record<number, string> = {
  400: "INVALID_PARAMETER",
  401: "AUTHENTICATION_FAILED",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  413: "INVALID_PARAMETER",
  429: "RATE_LIMIT_EXCEEDED",
};

/** v2 `error_data.code` per status (only 1000 "Not Found" is documented; the rest are sandbox choices). */
const V2_CODES: Record<number, { code: number; description: string }> = {
  400: { code: 1001, description: "Bad Request" },
  401: { code: 1010, description: "Authentication Failed" },
  404: { code: 1000, description: "Not Found" },
  405: { code: 1005, description: "Method Not Allowed" },
  413: { code: 1001, description: "Bad Request" },
  429: { code: 1008, description: "Too Many Requests" },
};

function restException(status: number, message: string, code?: string): VendorResponse {
  const c = code ?? REST_CODES[status] ?? (status >= 500 ? "INTERNAL_ERROR" : undefined);
  return { status, body: { RestException: { Status: status, Message: message, ...(c ? { Code: c } : {}) } } };
}

function v2Error(req: VendorRequest, status: number, message: string): VendorResponse {
  const known =
    V2_CODES[status] ?? (status >= 500 ? { code: 1009, description: "Internal Server Error" } : undefined);
  const errorData = known
    ? { code: known.code, description: known.description, message }
    : { code: 1002, description: message, message };
  return {
    status,
    body: {
      request_id: randomHex(16),
      method: req.method,
      http_code: status,
      response: [{ code: status, error_data: errorData, status: "failure", data: null }],
    },
  };
}

export class ExotelApi extends VendorApi {
  pathAccount(req: VendorRequest): string | undefined {
    return accountInPath(req, "v2_beta", "Accounts") ?? accountInPath(req, "v2", "accounts");
  }

  error(req: VendorRequest, status: number, message: string): VendorResponse {
    return req.segments[0] === "v2" ? v2Error(req, status, message) : restException(status, message);
  }

  handle(req: VendorRequest, account: ResolvedAccount): VendorResponse {
    const segs = req.segments.slice(3);
    const last = segs.length - 1;
    if (last >= 0 && segs[last]?.endsWith(".json")) segs[last] = segs[last]!.slice(0, -5);
    const m = req.method;
    if (req.segments[0] === "v2") {
      if (segs.length === 2 && segs[0] === "incoming-phone-numbers" && segs[1]) {
        return m === "GET"
          ? this.v2Details(req, account, segs[1])
          : this.error(req, 405, "Method Not Allowed");
      }
      return this.error(req, 404, "Not Found");
    }
    const [resource, a, b, extra] = segs;
    if (resource === "AvailablePhoneNumbers" && extra === undefined) {
      if (m !== "GET") return restException(405, "Method not allowed");
      if (a === undefined) return this.countries(account);
      if (b === undefined) return this.country(account, a);
      return this.search(req, a, b);
    }
    if (resource === "IncomingPhoneNumbers" && b === undefined) {
      if (a === undefined || a === "") {
        if (m === "GET") return this.list(req, account);
        if (m === "POST") return this.rent(req, account);
        return restException(405, "Method not allowed");
      }
      const rented = this.state.exotel.get(a);
      const mine = rented && rented.accountSid === account.id ? rented : undefined;
      if (m === "GET") return mine ? { status: 200, body: this.answer(mine) } : this.notFound(a);
      if (m === "PUT") return mine ? this.update(req, mine) : this.notFound(a);
      if (m === "DELETE") return mine ? this.release(mine) : this.notFound(a);
      return restException(405, "Method not allowed");
    }
    return restException(404, "The requested resource was not found");
  }

  private notFound(sid: string): VendorResponse {
    return restException(404, `ExoPhone ${sid} was not found in this account`);
  }

  private base(account: ResolvedAccount): string {
    return `/v2_beta/Accounts/${account.id}`;
  }

  private countryObject(account: ResolvedAccount, c: { code: string; name: string }) {
    const uri = `${this.base(account)}/AvailablePhoneNumbers/${c.code}`;
    return {
      country_code: c.code,
      country: c.name,
      uri,
      subresource_uris: Object.fromEntries(EXOTEL_TYPES.map((t) => [t, `${uri}/${t}`])),
    };
  }

  private countries(account: ResolvedAccount): VendorResponse {
    return {
      status: 200,
      body: {
        uri: `${this.base(account)}/AvailablePhoneNumbers`,
        countries: EXOTEL_COUNTRIES.map((c) => this.countryObject(account, c)),
      },
    };
  }

  private findCountry(iso: string) {
    return EXOTEL_COUNTRIES.find((c) => c.code === iso.toUpperCase());
  }

  private country(account: ResolvedAccount, iso: string): VendorResponse {
    const c = this.findCountry(iso);
    if (!c) return restException(404, `Country ${iso} is not available`);
    return { status: 200, body: this.countryObject(account, c) };
  }

  private search(req: VendorRequest, iso: string, typeSeg: string): VendorResponse {
    const c = this.findCountry(iso);
    if (!c) return restException(404, `Country ${iso} is not available`);
    const type = EXOTEL_TYPES.find((t) => t.toLowerCase() === typeSeg.toLowerCase());
    if (!type)
      return restException(404, `Number type ${typeSeg} is not available; use Landline, Mobile or TollFree`);
    const smsParam = req.query.get("IncomingSMS");
    const smsOnly = smsParam !== null && (smsParam.toLowerCase() === "true" || smsParam === "1");
    let region = req.query.get("InRegion")?.toUpperCase() ?? "";
    if (region === c.code) region = ""; // the whole country, as the 2026 docs' InRegion=IN example suggests
    if (region && c.code === "IN" && !CIRCLES.some((x) => x.code === region)) {
      return restException(400, `InRegion ${region} is not a telecom circle of India`);
    }
    const contains = (req.query.get("Contains") ?? "").trim();
    const out: unknown[] = [];
    for (const n of this.catalog.exotel) {
      if (n.country !== c.code || n.type !== type) continue;
      if (region && n.region !== region) continue;
      if (smsOnly && !n.sms) continue;
      if (contains && !n.e164.includes(contains) && !n.nationalForm.includes(contains)) continue;
      if (!this.state.exotelAvailable(n.e164)) continue;
      out.push(availableObject(n));
      if (out.length >= SEARCH_MAX) break;
    }
    return { status: 200, body: out };
  }

  /** Finds the catalog entry for `PhoneNumber` given as E.164 or national (with or without trunk 0). */
  private lookup(input: string): ExotelNumber | undefined {
    const s = input.replace(/[\s\-().]/g, "");
    const candidates: string[] = [];
    if (/^\+\d{6,15}$/.test(s)) candidates.push(s);
    else if (/^\d{6,15}$/.test(s)) {
      if (s.startsWith("0"))
        for (const c of EXOTEL_COUNTRIES) candidates.push(`+${c.callingCode}${s.slice(1)}`);
      for (const c of EXOTEL_COUNTRIES) candidates.push(`+${c.callingCode}${s}`);
      candidates.push(`+${s}`);
    }
    for (const c of candidates) {
      const n = this.catalog.exotelByE164.get(c);
      if (n) return n;
    }
    return undefined;
  }

  private rent(req: VendorRequest, account: ResolvedAccount): VendorResponse {
    const form = parseFormBody(req);
    if (!form.ok) return restException(400, form.message);
    const phone = form.value.get("PhoneNumber");
    if (!phone) return restException(400, "PhoneNumber is required");
    const compact = phone.replace(/[\s\-().]/g, "");
    if (this.variants.has("exotel-rent-national-only") && compact.startsWith("+")) {
      return restException(
        400,
        `PhoneNumber ${phone} must be the national number (e.g. 08047091234), not E.164`,
      );
    }
    if (this.variants.has("exotel-rent-e164-only") && !compact.startsWith("+")) {
      return restException(400, `PhoneNumber ${phone} must be in E.164 format (e.g. +918047091234)`);
    }
    const n = this.lookup(phone);
    // Check and commit with no await in between: two concurrent rents cannot both pass.
    if (!n || !this.state.exotelAvailable(n.e164)) {
      return restException(400, `The number ${phone} is not available`, "NUMBER_NOT_AVAILABLE");
    }
    const now = Date.now();
    this.state.counters.exotel += 1;
    const r: ExotelRented = {
      // `exotel-national-sids`: the list example's form, the national number, everywhere.
      sid: this.variants.has("exotel-national-sids")
        ? n.nationalForm
        : hashHex(this.state.seed, "exotel-sid", this.state.counters.exotel).slice(0, 32),
      accountSid: account.id,
      e164: n.e164,
      friendlyName: emptyToNull(form.value.get("FriendlyName")) ?? n.nationalForm,
      voiceUrl: this.stored(emptyToNull(form.value.get("VoiceUrl"))),
      smsUrl: this.stored(emptyToNull(form.value.get("SMSUrl"))),
      created: now,
      updated: now,
      seq: this.state.nextSeq(),
    };
    this.state.addExotel(r);
    this.state.changed();
    return { status: 200, body: this.ipn(r) };
  }

  private list(req: VendorRequest, account: ResolvedAccount): VendorResponse {
    const pageParam = req.query.get("Page");
    const sizeParam = req.query.get("PageSize");
    const page = pageParam === null ? 0 : parseIntStrict(pageParam);
    const size = sizeParam === null ? PAGE_SIZE_DEFAULT : parseIntStrict(sizeParam);
    if (page === undefined) return restException(400, "Page must be an integer >= 0");
    if (size === undefined || size < 1 || size > PAGE_SIZE_MAX) {
      return restException(400, `PageSize must be an integer between 1 and ${PAGE_SIZE_MAX}`);
    }
    const mine = [...this.state.exotel.values()]
      .filter((r) => r.accountSid === account.id)
      .sort((x, y) => x.seq - y.seq);
    const items = mine.slice(page * size, page * size + size);
    const link = (p: number) =>
      `${req.baseUrl}/exotel${this.base(account)}/IncomingPhoneNumbers?Page=${p}&PageSize=${size}`;
    return {
      status: 200,
      body: {
        page,
        page_size: size,
        uri: link(page),
        first_page_uri: link(0),
        next_page_uri: (page + 1) * size < mine.length ? link(page + 1) : null,
        previous_page_uri: page > 0 ? link(page - 1) : null,
        incoming_phone_numbers: items.map((r) => this.ipn(r)),
      },
    };
  }

  private update(req: VendorRequest, r: ExotelRented): VendorResponse {
    const form = parseFormBody(req);
    if (!form.ok) return restException(400, form.message);
    const f = form.value;
    if (f.has("FriendlyName")) r.friendlyName = emptyToNull(f.get("FriendlyName"));
    if (f.has("VoiceUrl")) r.voiceUrl = this.stored(emptyToNull(f.get("VoiceUrl")));
    if (f.has("SMSUrl")) r.smsUrl = this.stored(emptyToNull(f.get("SMSUrl")));
    r.updated = Date.now();
    this.state.changed();
    return { status: 200, body: this.answer(r) };
  }

  /** A flow URL as this sandbox stores it (`exotel-url-rewrite` normalises the host). */
  private stored(url: string | null): string | null {
    return this.variants.has("exotel-url-rewrite") ? rewriteExotelUrl(url) : url;
  }

  private release(r: ExotelRented): VendorResponse {
    this.state.removeExotel(r);
    this.state.changed();
    return { status: 202, body: { Status: 202, Message: "Accepted" } };
  }

  private entry(r: ExotelRented): ExotelNumber {
    return catalogEntry(this.catalog.exotelByE164, r.e164, "Exotel");
  }

  /** The get-one and update answer: the full object, or under `exotel-abridged-answers` the 2026 pages' subset. */
  private answer(r: ExotelRented) {
    const full = this.ipn(r);
    if (!this.variants.has("exotel-abridged-answers")) return full;
    const { sid, account_sid, phone_number, friendly_name, voice_url, sms_url, date_updated, uri } = full;
    return { sid, account_sid, phone_number, friendly_name, voice_url, sms_url, date_updated, uri };
  }

  /** The v2_beta IncomingPhoneNumber object, keys in the documented order. */
  ipn(r: ExotelRented) {
    const n = this.entry(r);
    return {
      sid: r.sid,
      date_created: exotelDate(r.created),
      date_updated: exotelDate(r.updated),
      account_sid: r.accountSid,
      friendly_name: r.friendlyName,
      phone_number: r.e164,
      capabilities: { voice: true, sms: n.sms },
      ...catalogFields(n, true),
      voice_url: r.voiceUrl,
      sms_url: r.smsUrl,
      uri: `/v2_beta/Accounts/${r.accountSid}/IncomingPhoneNumbers/${r.sid}`,
    };
  }

  /** The rented number a v2 sid names: the rent sid, or under `exotel-v2-national-sid` the national number. */
  private v2Find(account: ResolvedAccount, sid: string): ExotelRented | undefined {
    if (!this.variants.has("exotel-v2-national-sid")) {
      const r = this.state.exotel.get(sid);
      return r && r.accountSid === account.id ? r : undefined;
    }
    for (const r of this.state.exotel.values()) {
      if (r.accountSid === account.id && this.entry(r).nationalForm === sid) return r;
    }
    return undefined;
  }

  private connectivity(n: ExotelNumber, checked: string) {
    if (!this.variants.has("exotel-outage")) {
      const link = { status: "active", last_check_time: checked, alternate_exophone: null };
      return { incoming_call: { ...link }, outgoing_call: { ...link } };
    }
    // Alternates: the next two catalog numbers of the same circle (the shape of an entry is not documented).
    const alternates = this.catalog.exotel
      .filter((x) => x.region === n.region && x.type === n.type && x.e164 !== n.e164)
      .slice(0, 2)
      .map((x) => x.e164);
    return {
      incoming_call: { status: "major_outage", last_check_time: checked, alternate_exophone: alternates },
      outgoing_call: {
        status: "partial_network_outage",
        last_check_time: checked,
        alternate_exophone: alternates.map((e164) => ({ phone_number: e164 })),
      },
    };
  }

  private v2Details(req: VendorRequest, account: ResolvedAccount, sid: string): VendorResponse {
    const r = this.v2Find(account, sid);
    if (!r) return v2Error(req, 404, "Not Found");
    const n = this.entry(r);
    const v2Sid = this.variants.has("exotel-v2-national-sid") ? n.nationalForm : r.sid;
    const partial = this.variants.has("exotel-v2-207");
    // Connectivity is checked every minute: last_check_time is the start of the current minute.
    const checked = rfc3339(Math.floor(Date.now() / 60_000) * 60_000);
    return {
      status: partial ? 207 : 200,
      body: {
        request_id: randomHex(16),
        method: "GET",
        http_code: partial ? 207 : 200,
        metadata: { page_size: 1, page: 0 },
        response: [
          {
            code: partial ? 207 : 200,
            error_data: partial
              ? {
                  code: 1003,
                  description: "Partial Content",
                  message: "Connectivity data is partially available",
                }
              : null,
            status: "success",
            data: {
              sid: v2Sid,
              date_created: rfc3339(r.created),
              date_updated: rfc3339(r.updated),
              friendly_name: r.friendlyName,
              account_sid: r.accountSid,
              phone_number: r.e164,
              capabilities: n.sms ? { voice: true, sms: true } : { voice: true },
              ...catalogFields(n, true),
              voice_url: r.voiceUrl,
              sms_url: r.smsUrl,
              uri: `/v2/accounts/${r.accountSid}/incoming-phone-numbers/${v2Sid}`,
              connectivity: this.connectivity(n, checked),
            },
          },
        ],
      },
    };
  }
}

function availableObject(n: ExotelNumber) {
  return {
    friendly_name: n.e164,
    phone_number: n.e164,
    capabilities: { sms: n.sms, voice: true },
    ...catalogFields(n, false),
  };
}

/** What the catalog says of a number, in the documented key order (the search's objects have no currency). */
function catalogFields(n: ExotelNumber, currency: boolean) {
  return {
    country: n.country,
    region: n.region,
    one_time_price: n.oneTimePrice,
    rental_price: n.rentalPrice,
    incoming_rate: n.incomingRate,
    incoming_pulse: n.incomingPulse,
    ...(currency ? { currency: n.currency } : {}),
    number_type: n.type,
    vanity_number: n.vanity,
  };
}

function emptyToNull(value: string | undefined): string | null {
  return value === undefined || value === "" ? null : value;
}
