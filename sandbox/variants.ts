/**
 * Variants: alternative readings of the vendor documents, switched on per sandbox (`--variant NAME`,
 * repeatable; `variants` in `startSandbox`). Where the documents show two forms of one thing (a price as
 * a string in the examples and a Double in the tables, a sid that is a hex id in one example and the
 * national number in another), the default sandbox answers one form and a variant answers the other,
 * so a client is tested against both. Each variant is strict about its own form: a variant that says
 * "the rent takes national numbers" refuses E.164, as a real account with that reading would.
 *
 * Variants that only change the shape of an answer are applied here, to the finished response body;
 * the others are consulted by the vendor modules where the behaviour differs.
 */
import type { VendorRequest, VendorResponse } from "./http.js";
import type { Vendor } from "./types.js";
import { hashInt, isRecord } from "./util.js";

/** Every variant with what it changes (shown by `--help` and in the admin API). */
export const VARIANTS = {
  "exotel-v2-national-sid":
    "Exotel v2 details know an ExoPhone by its national number (sid 01139585476, as the v2 example), not by the rent's 32-hex sid; the rent sid answers 404 there",
  "exotel-national-sids":
    "every Exotel sid (rent, list, get, update, release, v2) is the national number (the list example's 011XXXXXXX1), not a 32-hex id",
  "exotel-abridged-answers":
    "Exotel get-one and update answer an abridged object (sid, account_sid, phone_number, friendly_name, voice_url, sms_url, date_updated, uri), as the 2026 pages show them; rent and list keep the full object",
  "exotel-prices-as-numbers":
    "Exotel prices (one_time_price, rental_price, incoming_rate, incoming_pulse) are JSON numbers (the tables' Double) instead of strings",
  "exotel-url-rewrite":
    "Exotel stores a flow URL sent as http://my.exotel.com/... as https://my.exotel.in/... (the rent example's response) and answers the stored form",
  "exotel-v2-207":
    "Exotel v2 details answer a partial success: HTTP 207, http_code 207, the block's code 207 with error_data set beside the data",
  "exotel-outage":
    "Exotel connectivity reports major_outage (incoming) and partial_network_outage (outgoing), each with alternate_exophone arrays",
  "exotel-rent-national-only":
    "the Exotel rent takes PhoneNumber in the national form only (08047091234, as the seed's example); E.164 is refused with a 400",
  "exotel-rent-e164-only":
    "the Exotel rent takes PhoneNumber in E.164 only (+918047091234, as the search lists it); the national form is refused with a 400",
  "apifonica-list-without-name":
    "Apifonica list items have no name key (the list example); the get-one answer keeps it",
  "apifonica-strict-number-filter":
    'the Apifonica list filter number is compared as written: E.164 without "+" (the documented form) matches, "+44..." matches nothing',
  "plivo-default-app":
    "a Plivo number bought or ordered without app_id is linked to the account's default application (as the docs say), not to none",
  "schema-drift":
    "deliberately different answers for the doctor's mismatch report: Exotel numbers lose rental_price and say capabilities.voice as a string, Plivo numbers call number_type type, Apifonica numbers call number_sid sid",
} as const;

/** The name of a variant. */
export type VariantName = keyof typeof VARIANTS;
/** Every variant's name, in the order of {@link VARIANTS}. */
export const VARIANT_NAMES = Object.keys(VARIANTS) as VariantName[];

/** Pairs that contradict each other. */
const EXCLUSIVE: ReadonlyArray<[VariantName, VariantName]> = [
  ["exotel-rent-national-only", "exotel-rent-e164-only"],
  ["exotel-national-sids", "exotel-v2-national-sid"],
];

/** Validates variant names; the error names every unknown one and what is allowed. */
export function parseVariants(names: readonly string[] | undefined): VariantName[] {
  const list = [...new Set(names ?? [])];
  const unknown = list.filter((n) => !(n in VARIANTS));
  if (unknown.length > 0) {
    throw new Error(
      `unknown sandbox variant${unknown.length > 1 ? "s" : ""} ${unknown.map((n) => `"${n}"`).join(", ")}; allowed: ${VARIANT_NAMES.join(", ")}`,
    );
  }
  for (const [a, b] of EXCLUSIVE) {
    if (list.includes(a) && list.includes(b))
      throw new Error(`sandbox variants ${a} and ${b} exclude each other`);
  }
  return list as VariantName[];
}

/** The variants of one sandbox. */
export class Variants {
  private readonly names: Set<VariantName>;

  constructor(names: readonly string[] | undefined) {
    this.names = new Set(parseVariants(names));
  }

  has(name: VariantName): boolean {
    return this.names.has(name);
  }

  list(): VariantName[] {
    return [...this.names];
  }

  /** The response as the variants shape it (only successful JSON bodies are touched). */
  shape(vendor: Vendor, req: VendorRequest, res: VendorResponse): VendorResponse {
    if (this.names.size === 0 || res.body === undefined || res.status < 200 || res.status > 299) return res;
    let body: unknown = res.body;
    if (vendor === "exotel" && this.has("exotel-prices-as-numbers")) body = mapObjects(body, pricesAsNumbers);
    if (vendor === "apifonica" && this.has("apifonica-list-without-name") && isNumberList(req)) {
      body = mapObjects(body, (o) => ("number_sid" in o && "name" in o ? omit(o, "name") : o));
    }
    if (this.has("schema-drift")) body = mapObjects(body, (o) => drift(vendor, o));
    return body === res.body ? res : { ...res, body };
  }
}

/** The stored form of an Exotel flow URL under `exotel-url-rewrite`. */
export function rewriteExotelUrl(url: string | null): string | null {
  if (url === null) return null;
  return url.replace(/^http:\/\/my\.exotel\.com\//i, "https://my.exotel.in/");
}

/** The id of a Plivo account's default application under `plivo-default-app` (17 digits, like Plivo's). */
export function plivoDefaultAppId(seed: number, authId: string): string {
  return `2${String(hashInt(1e15, seed, "plivo-default-app", authId)).padStart(16, "0")}`;
}

const EXOTEL_PRICES = ["one_time_price", "rental_price", "incoming_rate", "incoming_pulse"];

function pricesAsNumbers(o: Record<string, unknown>): Record<string, unknown> {
  if (!EXOTEL_PRICES.some((k) => typeof o[k] === "string")) return o;
  const out = { ...o };
  for (const k of EXOTEL_PRICES) {
    const v = out[k];
    if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) out[k] = Number(v);
  }
  return out;
}

function isNumberList(req: VendorRequest): boolean {
  const s = req.segments;
  return req.method === "GET" && s.length === 4 && s[3] === "numbers";
}

function omit(o: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = o;
  return rest;
}

function rename(o: Record<string, unknown>, from: string, to: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k === from ? to : k] = v;
  return out;
}

function drift(vendor: Vendor, o: Record<string, unknown>): Record<string, unknown> {
  if (vendor === "exotel" && "phone_number" in o && "rental_price" in o) {
    const out = omit(o, "rental_price");
    if (isRecord(out["capabilities"])) out["capabilities"] = { ...out["capabilities"], voice: "yes" };
    return out;
  }
  if (vendor === "plivo" && "number_type" in o && "monthly_rental_rate" in o)
    return rename(o, "number_type", "type");
  if (vendor === "apifonica" && "number_sid" in o && "call_app_sid" in o)
    return rename(o, "number_sid", "sid");
  return o;
}

/** Applies `f` to every object in a JSON value, innermost first. */
function mapObjects(value: unknown, f: (o: Record<string, unknown>) => Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((v) => mapObjects(v, f));
  if (!isRecord(value)) return value;
  const inner: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) inner[k] = mapObjects(v, f);
  return f(inner);
}
