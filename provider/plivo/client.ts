/**
 * Plivo numbers API client (PhoneNumber search and buy, AvailableNumberGroup, account Numbers).
 * JSON request bodies, GET parameters in the query string, HTTP Basic `authId:authToken`.
 * Numbers are digits without "+", as on the wire.
 */
import { z } from "zod";
import { type VendorAccountBase, VendorClients } from "../core/client-factory.js";
import { jsonOf, type WireAnswer, type WirePatch } from "../core/fields.js";
import { errorBodyParser, seg, text, type VendorErrorBody, type VendorHttp } from "../core/http.js";
import type { RateLimit } from "../core/limiter.js";
import { items, walkLinked } from "../core/paging.js";
import { type VendorClient, VendorClientBase, type VendorVerbTypes } from "../core/vendor-client.js";
import { PLIVO_NUMBER_ORDER_FIELDS } from "./number-order.schema.js";

export interface PlivoAccount extends VendorAccountBase {
  /** Auth ID (`MA`/`SA` + 18 characters; goes in the path). */
  authId: string;
  authToken: string;
  /** e.g. `https://api.plivo.com`, or `<sandbox>/plivo`. */
  baseUrl: string;
}

/** 300 requests per 5 seconds per account for non-call APIs. */
export const PLIVO_DEFAULT_RATE_LIMIT: RateLimit = { requests: 300, windowMs: 5_000 };

/** Plivo's maximum (and default) page size. */
const MAX_PAGE = 20;

const nullableString = z.string().nullable();
const rate = z.union([z.string(), z.number()]);
/** A price the documents show as a string ("0.80000"); a number is read too, written back in that form. */
const money = z
  .union([z.string(), z.number().finite()])
  .transform((v) => (typeof v === "number" ? v.toFixed(5) : v));

const metaSchema = z.looseObject({
  limit: z.number().optional(),
  offset: z.number().optional(),
  next: nullableString.optional(),
  previous: nullableString.optional(),
  total_count: z.number().optional(),
});

/** One result of the PhoneNumber search. */
export const plivoAvailableNumberSchema = z.looseObject({
  number: z.string(),
  prefix: z.string().optional(),
  city: nullableString.optional(),
  country: z.string().optional(),
  region: nullableString.optional(),
  rate_center: nullableString.optional(),
  lata: z.union([z.number(), z.string()]).nullable().optional(),
  type: z.string(),
  sub_type: nullableString.optional(),
  setup_rate: money,
  monthly_rental_rate: money,
  sms_enabled: z.boolean(),
  sms_rate: rate.nullable().optional(),
  mms_enabled: z.boolean().optional(),
  mms_rate: rate.nullable().optional(),
  voice_enabled: z.boolean(),
  voice_rate: rate.nullable().optional(),
  restriction: nullableString.optional(),
  restriction_text: nullableString.optional(),
  resource_uri: z.string().optional(),
});

/** Voice and SMS, as a number group and an account number say them (each optional). */
const serviceFields = {
  voice_enabled: z.boolean().optional(),
  voice_rate: rate.nullable().optional(),
  sms_enabled: z.boolean().optional(),
  sms_rate: rate.nullable().optional(),
};

/** A legacy AvailableNumberGroup (`stock` goes down as numbers are ordered). */
export const plivoNumberGroupSchema = z.looseObject({
  group_id: z.string(),
  number_type: z.string(),
  prefix: nullableString.optional(),
  region: nullableString.optional(),
  rental_rate: money,
  setup_rate: money,
  stock: z.number().int(),
  ...serviceFields,
  resource_uri: z.string().optional(),
});

/** The answer keys of the in-place per-number fields (number-order.schema.ts), each a string or null. */
function routingAnswerShape() {
  return Object.fromEntries(
    Object.values(PLIVO_NUMBER_ORDER_FIELDS).flatMap((f) =>
      "wire" in f ? [[f.wire.answer, nullableString]] : [],
    ),
  ) as { [K in keyof WireAnswer<typeof PLIVO_NUMBER_ORDER_FIELDS>]-?: typeof nullableString };
}

/**
 * A number held by the account. `application` is `/v1/Account/<id>/Application/<app_id>/`, or null;
 * a number bought without `app_id` is linked to the account's default application, so it may name
 * an application nobody chose.
 */
export const plivoAccountNumberSchema = z.looseObject({
  number: z.string(),
  ...routingAnswerShape(),
  added_on: z.string(),
  number_type: z.string(),
  monthly_rental_rate: money,
  renewal_date: nullableString.optional(),
  sub_account: nullableString.optional(),
  active: z.boolean().optional(),
  carrier: nullableString.optional(),
  city: nullableString.optional(),
  country: nullableString.optional(),
  region: nullableString.optional(),
  ...serviceFields,
  mms_enabled: z.boolean().optional(),
  mms_rate: rate.nullable().optional(),
  resource_uri: z.string().optional(),
});

/** The result of a buy or a group order: `fulfilled`, or `pending` in regulated countries. */
export const plivoOrderResultSchema = z.looseObject({
  api_id: z.string().optional(),
  status: z.string(),
  numbers: z
    .array(z.looseObject({ number: z.string(), status: z.string() }))
    .optional()
    .default([]),
  details: z.string().optional(),
  message: z.string().optional(),
});

export const plivoListOf = <T extends z.ZodType>(item: T) =>
  z.looseObject({ api_id: z.string().optional(), meta: metaSchema, objects: z.array(item) });

const changedSchema = z.looseObject({ api_id: z.string().optional(), message: z.string().optional() });

export type PlivoAvailableNumber = z.infer<typeof plivoAvailableNumberSchema>;
export type PlivoNumberGroup = z.infer<typeof plivoNumberGroupSchema>;
export type PlivoAccountNumber = z.infer<typeof plivoAccountNumberSchema>;
export type PlivoOrderResult = z.infer<typeof plivoOrderResultSchema>;

export interface PlivoSearchQuery {
  /** ISO 3166-1 alpha-2, e.g. "US". */
  countryIso: string;
  /** local | national | tollfree | mobile | fixed. */
  type?: string;
  /** Digits the national part starts with. */
  pattern?: string;
  region?: string;
  /** voice, sms, mms or a comma list. */
  services?: string;
  /** Page size (Plivo's max and default is 20; larger values are capped). The walk still covers every page. */
  limit?: number;
}

export interface PlivoGroupQuery {
  countryIso: string;
  /** local (default) | national | tollfree. */
  numberType?: string;
  prefix?: string;
  region?: string;
  services?: string;
}

export interface PlivoListQuery {
  type?: string;
  numberStartswith?: string;
  /** Exact alias. */
  alias?: string;
  services?: string;
  /** Page size, 1..20 (default 20; larger values are capped). */
  pageSize?: number;
}

/** What a buy sends: the number (digits, "+" accepted) and the application to link, if any. */
export interface PlivoRentParams {
  number: string;
  appId?: string;
}

/**
 * Partial update of the in-place per-number fields (number-order.schema.ts): null clears (a null
 * appId unlinks, `app_id: ""`), undefined keeps.
 */
export type PlivoNumberPatch = WirePatch<typeof PLIVO_NUMBER_ORDER_FIELDS>;

/** The types of Plivo's uniform verbs (numbers are keyed by the number itself). */
export interface PlivoVerbs extends VendorVerbTypes {
  query: PlivoSearchQuery;
  offer: PlivoAvailableNumber;
  rent: PlivoRentParams;
  rented: PlivoOrderResult;
  record: PlivoAccountNumber;
  held: PlivoAccountNumber;
  listOptions: PlivoListQuery;
  patch: PlivoNumberPatch;
  /** The answer carries nothing worth keeping. */
  updated: undefined;
}

/**
 * A Plivo account's numbers (search every page lazily; `update` is idempotent, so retried although a
 * POST) and its legacy number groups.
 */
export interface PlivoClient extends VendorClient<PlivoVerbs> {
  /** Number groups for sale, every page, lazily. */
  searchNumberGroups(q: PlivoGroupQuery): AsyncIterable<PlivoNumberGroup>;
  /** One number group (its `stock` now). */
  getNumberGroup(groupId: string): Promise<PlivoNumberGroup>;
  /** Orders numbers from a group. Never retried. */
  orderFromGroup(groupId: string, p: { quantity: number; appId?: string }): Promise<PlivoOrderResult>;
}

declare module "../core/client-factory.js" {
  interface VendorClientTypes {
    plivo: { account: PlivoAccount; client: PlivoClient };
  }
}

/** Error body: `{"api_id":"…","error":"…"}`; `error` may be an object or array on validation failures. */
export const parsePlivoError = errorBodyParser((body): VendorErrorBody => {
  return { message: text(body["error"]) ?? text(body["message"]) };
});

/** The client of one Plivo account, cached per (baseUrl, authId); see `setClientFactory`. */
export function plivoClient(account: PlivoAccount): PlivoClient {
  return plivoClients.client(account);
}

/** Digits without "+" (accepts either form from callers). */
function digits(number: string): string {
  return number.startsWith("+") ? number.slice(1) : number;
}

function pageSize(requested: number | undefined): number {
  if (requested === undefined || !Number.isFinite(requested)) {
    return MAX_PAGE;
  }
  return Math.min(MAX_PAGE, Math.max(1, Math.floor(requested)));
}

interface OffsetCursor {
  offset: number;
  limit: number;
}

/** The next offset (and limit) from `meta.next`. */
function nextOffset(params: URLSearchParams, current: OffsetCursor): OffsetCursor | undefined {
  const offset = Number(params.get("offset"));
  const limitParam = params.get("limit");
  const limit = limitParam === null ? current.limit : Number(limitParam);
  const usable = Number.isInteger(offset) && offset > current.offset && Number.isInteger(limit) && limit >= 1;
  return usable ? { offset, limit } : undefined;
}

/** What a lazy limit/offset walk asks for: where, with which filters, how many a page, of what. */
interface WalkSpec<T extends z.ZodType> {
  operation: string;
  path: string;
  filters: Record<string, string | undefined>;
  limit: number;
  item: T;
}

function walk<T extends z.ZodType>(http: VendorHttp, spec: WalkSpec<T>): AsyncIterable<z.infer<T>[]> {
  const schema = plivoListOf(spec.item);
  const first: OffsetCursor = { offset: 0, limit: spec.limit };
  return walkLinked({
    first,
    fetch: (cursor) =>
      http.call({
        operation: spec.operation,
        method: "GET",
        path: spec.path,
        query: { ...spec.filters, limit: cursor.limit, offset: cursor.offset },
        schema,
      }),
    items: (body) => body.objects as z.infer<T>[],
    link: (body) => body.meta.next,
    next: nextOffset,
    fail: (detail) => http.answerError(spec.operation, detail),
    unusable: "unexpected response body: meta.next: no usable offset/limit after the current page",
    repeated: "meta.next repeats a page already read",
  });
}

class Plivo extends VendorClientBase<PlivoVerbs> implements PlivoClient {
  constructor(account: PlivoAccount, http: VendorHttp) {
    super(http, `v1/Account/${seg(account.authId)}`);
  }

  search(q: PlivoSearchQuery): AsyncIterable<PlivoAvailableNumber> {
    const { countryIso, type, pattern, region, services } = q;
    const filters = { country_iso: countryIso, type, pattern, region, services };
    const spec = {
      operation: "searchPhoneNumbers",
      filters,
      limit: pageSize(q.limit),
      item: plivoAvailableNumberSchema,
    };
    return items(walk(this.http, { ...spec, path: `${this.base}/PhoneNumber/` }));
  }

  rent(p: PlivoRentParams): Promise<PlivoOrderResult> {
    return this.http.call({
      operation: "buyNumber",
      method: "POST",
      path: `${this.base}/PhoneNumber/${seg(digits(p.number))}/`,
      body: { app_id: p.appId },
      schema: plivoOrderResultSchema,
      retry: "never",
    });
  }

  searchNumberGroups(q: PlivoGroupQuery): AsyncIterable<PlivoNumberGroup> {
    const { countryIso, numberType, prefix, region, services } = q;
    const filters = { country_iso: countryIso, number_type: numberType, prefix, region, services };
    const spec = { operation: "searchNumberGroups", filters, limit: MAX_PAGE, item: plivoNumberGroupSchema };
    return items(walk(this.http, { ...spec, path: `${this.base}/AvailableNumberGroup/` }));
  }

  getNumberGroup(groupId: string): Promise<PlivoNumberGroup> {
    return this.read(
      "getNumberGroup",
      `${this.base}/AvailableNumberGroup/${seg(groupId)}/`,
      plivoNumberGroupSchema,
    );
  }

  orderFromGroup(groupId: string, p: { quantity: number; appId?: string }): Promise<PlivoOrderResult> {
    return this.http.call({
      operation: "orderFromGroup",
      method: "POST",
      path: `${this.base}/AvailableNumberGroup/${seg(groupId)}/`,
      body: { quantity: p.quantity, app_id: p.appId },
      schema: plivoOrderResultSchema,
      retry: "never",
    });
  }

  get(number: string): Promise<PlivoAccountNumber> {
    return this.read("getNumber", `${this.base}/Number/${seg(digits(number))}/`, plivoAccountNumberSchema);
  }

  listPages(q?: PlivoListQuery): AsyncIterable<PlivoAccountNumber[]> {
    return walk(this.http, {
      operation: "listNumbers",
      path: `${this.base}/Number/`,
      filters: {
        type: q?.type,
        number_startswith: q?.numberStartswith,
        alias: q?.alias,
        services: q?.services,
      },
      limit: pageSize(q?.pageSize),
      item: plivoAccountNumberSchema,
    });
  }

  async update(number: string, p: PlivoNumberPatch): Promise<undefined> {
    await this.http.call({
      operation: "updateNumber",
      method: "POST",
      path: `${this.base}/Number/${seg(digits(number))}/`,
      body: jsonOf(PLIVO_NUMBER_ORDER_FIELDS, p, (v) => (v === null ? "" : (v as string | undefined))),
      schema: changedSchema,
      retry: "idempotent-post",
    });
    return undefined;
  }

  release(number: string): Promise<void> {
    return this.remove("unrentNumber", `${this.base}/Number/${seg(digits(number))}/`, z.unknown());
  }
}

/** How clients of this vendor are made (see `VendorClients`); `plivoClient(account)` is its `client`. */
export const plivoClients = new VendorClients<PlivoAccount, PlivoClient>({
  vendor: "plivo",
  defaultRateLimit: PLIVO_DEFAULT_RATE_LIMIT,
  bodyEncoding: "json",
  parseErrorBody: parsePlivoError,
  accountId: (account) => account.authId,
  credentials: (a) => ({ username: a.authId, password: a.authToken, usernameIsSecret: false }),
  build: (account, http) => new Plivo(account, http),
});
