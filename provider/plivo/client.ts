/**
 * Plivo numbers API client (PhoneNumber search and buy, AvailableNumberGroup, account Numbers).
 * JSON request bodies, GET parameters in the query string, HTTP Basic `authId:authToken`.
 * Numbers are digits without "+", as on the wire.
 */
import { z } from "zod";
import {
  cached,
  createVendorHttp,
  fingerprintOf,
  type HttpTuning,
  isRecord,
  normalizeBase,
  rawText,
  seg,
  text,
  type VendorErrorBody,
  type VendorHttp,
} from "../core/http.js";
import { configureLimit, limiterFor, type RateLimit } from "../core/limiter.js";
import { items, walkPages } from "../core/paging.js";

export interface PlivoAccount extends HttpTuning {
  /** Auth ID (`MA`/`SA` + 18 characters; goes in the path). */
  authId: string;
  authToken: string;
  /** e.g. `https://api.plivo.com`, or `<sandbox>/plivo`. */
  baseUrl: string;
  /** Overrides the account's shared limiter (see `configureLimit`). */
  rateLimit?: RateLimit;
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

/** A legacy AvailableNumberGroup (`stock` goes down as numbers are ordered). */
export const plivoNumberGroupSchema = z.looseObject({
  group_id: z.string(),
  number_type: z.string(),
  prefix: nullableString.optional(),
  region: nullableString.optional(),
  rental_rate: money,
  setup_rate: money,
  stock: z.number().int(),
  voice_enabled: z.boolean().optional(),
  voice_rate: rate.nullable().optional(),
  sms_enabled: z.boolean().optional(),
  sms_rate: rate.nullable().optional(),
  resource_uri: z.string().optional(),
});

/**
 * A number held by the account. `application` is `/v1/Account/<id>/Application/<app_id>/`, or null;
 * a number bought without `app_id` is linked to the account's default application, so it may name
 * an application nobody chose.
 */
export const plivoAccountNumberSchema = z.looseObject({
  number: z.string(),
  alias: nullableString,
  application: nullableString,
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
  voice_enabled: z.boolean().optional(),
  voice_rate: rate.nullable().optional(),
  sms_enabled: z.boolean().optional(),
  sms_rate: rate.nullable().optional(),
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

export interface PlivoClient {
  /** Numbers for sale, every page, lazily. */
  searchPhoneNumbers(q: PlivoSearchQuery): AsyncIterable<PlivoAvailableNumber>;
  /** Buys one number. Never retried: on an ambiguous error, look the number up. */
  buyNumber(number: string, p?: { appId?: string }): Promise<PlivoOrderResult>;
  searchNumberGroups(q: PlivoGroupQuery): AsyncIterable<PlivoNumberGroup>;
  getNumberGroup(groupId: string): Promise<PlivoNumberGroup>;
  /** Orders numbers from a group. Never retried. */
  orderFromGroup(groupId: string, p: { quantity: number; appId?: string }): Promise<PlivoOrderResult>;
  getNumber(number: string): Promise<PlivoAccountNumber>;
  listNumbers(q?: PlivoListQuery): AsyncIterable<PlivoAccountNumber>;
  listNumberPages(q?: PlivoListQuery): AsyncIterable<PlivoAccountNumber[]>;
  /** Partial update (idempotent, so retried although a POST): null appId unlinks (`app_id: ""`), null alias clears. */
  updateNumber(number: string, p: { appId?: string | null; alias?: string | null }): Promise<void>;
  unrentNumber(number: string): Promise<void>;
}

/** Error body: `{"api_id":"…","error":"…"}`; `error` may be an object or array on validation failures. */
export function parsePlivoError(body: unknown): VendorErrorBody {
  if (!isRecord(body)) {
    return { message: rawText(body) };
  }
  return { message: text(body["error"]) ?? text(body["message"]) };
}

/** The key of the account's shared limiter. */
export function plivoLimiterKey(account: Pick<PlivoAccount, "baseUrl" | "authId">): string {
  return `plivo:${account.authId}@${normalizeBase(account.baseUrl)}`;
}

const clients = new Map<string, { fingerprint: string; client: PlivoClient }>();

/** The client of one Plivo account, cached per (baseUrl, authId). */
export function plivoClient(account: PlivoAccount): PlivoClient {
  const limiterKey = plivoLimiterKey(account);
  if (account.rateLimit) {
    configureLimit(limiterKey, account.rateLimit);
  }
  const key = `${normalizeBase(account.baseUrl)}\n${account.authId}`;
  const fingerprint = fingerprintOf(account.authToken, account.timeouts, account.retryLimit);
  return cached(clients, key, fingerprint, () =>
    buildClient(
      account,
      createVendorHttp({
        vendor: "plivo",
        baseUrl: account.baseUrl,
        username: account.authId,
        password: account.authToken,
        usernameIsSecret: false,
        limiter: limiterFor(limiterKey, PLIVO_DEFAULT_RATE_LIMIT),
        bodyEncoding: "json",
        parseErrorBody: parsePlivoError,
        ...(account.timeouts ? { timeouts: account.timeouts } : {}),
        ...(account.retryLimit !== undefined ? { retryLimit: account.retryLimit } : {}),
      }),
    ),
  );
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

function buildClient(account: PlivoAccount, http: VendorHttp): PlivoClient {
  const base = `v1/Account/${seg(account.authId)}`;

  /** A lazy limit/offset walk; the next offset (and limit) come from `meta.next`. */
  function walk<T extends z.ZodType>(
    operation: string,
    path: string,
    filters: Record<string, string | undefined>,
    limit: number,
    item: T,
  ): AsyncIterable<z.infer<T>[]> {
    const schema = plivoListOf(item);
    return walkPages<OffsetCursor, z.infer<T>>(
      { offset: 0, limit },
      async (cursor) => {
        const body = await http.call({
          operation,
          method: "GET",
          path,
          query: { ...filters, limit: cursor.limit, offset: cursor.offset },
          schema,
        });
        const objects = body.objects as z.infer<T>[];
        return { items: objects, next: nextCursor(operation, body.meta.next, cursor) };
      },
      () =>
        http.error({
          vendor: "plivo",
          operation,
          status: 200,
          detail: "meta.next repeats a page already read",
          ambiguous: false,
        }),
    );
  }

  function nextCursor(operation: string, next: string | null | undefined, current: OffsetCursor) {
    if (!next) {
      return undefined;
    }
    let params: URLSearchParams;
    try {
      params = new URL(next, "http://next.invalid/").searchParams;
    } catch {
      params = new URLSearchParams();
    }
    const offset = Number(params.get("offset"));
    const limitParam = params.get("limit");
    const limit = limitParam === null ? current.limit : Number(limitParam);
    if (!Number.isInteger(offset) || offset <= current.offset || !Number.isInteger(limit) || limit < 1) {
      throw http.error({
        vendor: "plivo",
        operation,
        status: 200,
        detail: "unexpected response body: meta.next: no usable offset/limit after the current page",
        ambiguous: false,
      });
    }
    return { offset, limit };
  }

  function listNumberPages(q?: PlivoListQuery): AsyncIterable<PlivoAccountNumber[]> {
    return walk(
      "listNumbers",
      `${base}/Number/`,
      { type: q?.type, number_startswith: q?.numberStartswith, alias: q?.alias, services: q?.services },
      pageSize(q?.pageSize),
      plivoAccountNumberSchema,
    );
  }

  return {
    searchPhoneNumbers(q) {
      return items(
        walk(
          "searchPhoneNumbers",
          `${base}/PhoneNumber/`,
          {
            country_iso: q.countryIso,
            type: q.type,
            pattern: q.pattern,
            region: q.region,
            services: q.services,
          },
          pageSize(q.limit),
          plivoAvailableNumberSchema,
        ),
      );
    },

    async buyNumber(number, p) {
      return http.call({
        operation: "buyNumber",
        method: "POST",
        path: `${base}/PhoneNumber/${seg(digits(number))}/`,
        body: { app_id: p?.appId },
        schema: plivoOrderResultSchema,
        retry: "never",
      });
    },

    searchNumberGroups(q) {
      return items(
        walk(
          "searchNumberGroups",
          `${base}/AvailableNumberGroup/`,
          {
            country_iso: q.countryIso,
            number_type: q.numberType,
            prefix: q.prefix,
            region: q.region,
            services: q.services,
          },
          MAX_PAGE,
          plivoNumberGroupSchema,
        ),
      );
    },

    async getNumberGroup(groupId) {
      return http.call({
        operation: "getNumberGroup",
        method: "GET",
        path: `${base}/AvailableNumberGroup/${seg(groupId)}/`,
        schema: plivoNumberGroupSchema,
      });
    },

    async orderFromGroup(groupId, p) {
      return http.call({
        operation: "orderFromGroup",
        method: "POST",
        path: `${base}/AvailableNumberGroup/${seg(groupId)}/`,
        body: { quantity: p.quantity, app_id: p.appId },
        schema: plivoOrderResultSchema,
        retry: "never",
      });
    },

    async getNumber(number) {
      return http.call({
        operation: "getNumber",
        method: "GET",
        path: `${base}/Number/${seg(digits(number))}/`,
        schema: plivoAccountNumberSchema,
      });
    },

    listNumberPages,

    listNumbers(q) {
      return items(listNumberPages(q));
    },

    async updateNumber(number, p) {
      await http.call({
        operation: "updateNumber",
        method: "POST",
        path: `${base}/Number/${seg(digits(number))}/`,
        body: {
          app_id: p.appId === null ? "" : p.appId,
          alias: p.alias === null ? "" : p.alias,
        },
        schema: changedSchema,
        retry: "idempotent-post",
      });
    },

    async unrentNumber(number) {
      await http.call({
        operation: "unrentNumber",
        method: "DELETE",
        path: `${base}/Number/${seg(digits(number))}/`,
        schema: z.unknown(),
      });
    },
  };
}
