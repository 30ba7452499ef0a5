/**
 * Apifonica numbers and applications API client.
 * JSON request bodies, GET parameters in the query string, HTTP Basic `accountSid:authToken`.
 */
import { z } from "zod";
import { VendorResponseError } from "../core/errors.js";
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

export interface ApifonicaAccount extends HttpTuning {
  /** Account SID (`acc` + UUID; goes in the path). */
  accountSid: string;
  authToken: string;
  /** e.g. `https://api.apifonica.com`, or `<sandbox>/apifonica`. */
  baseUrl: string;
  /** Overrides the account's shared limiter (see `configureLimit`). */
  rateLimit?: RateLimit;
}

/** No published limit; 100 requests per 10 seconds per account. */
export const APIFONICA_DEFAULT_RATE_LIMIT: RateLimit = { requests: 100, windowMs: 10_000 };

const nullableString = z.string().nullable();

/** One entry of `available_numbers` (number in E.164 with "+"). */
export const apifonicaAvailableNumberSchema = z.looseObject({
  number: z.string(),
  voice: z.boolean(),
  messaging: z.boolean(),
  type: z.string(),
});

export const apifonicaAvailableSchema = z.looseObject({
  account_sid: z.string().optional(),
  country_code: z.string().optional(),
  country_name: z.string().optional(),
  available_numbers: z.array(apifonicaAvailableNumberSchema),
});

/**
 * A rented number. `name` is optional: one copy of the list documentation shows it, the other does
 * not. Unlinked apps show `default_call_app_sid` / `default_msg_app_sid`.
 */
export const apifonicaNumberSchema = z.looseObject({
  number_sid: z.string(),
  account_sid: z.string().optional(),
  number: z.string(),
  name: nullableString.optional(),
  token: nullableString.optional(),
  country_code: z.string(),
  country_name: z.string().optional(),
  type: z.string(),
  call_controller: nullableString,
  call_method: nullableString,
  msg_controller: nullableString,
  msg_method: nullableString,
  call_app_sid: nullableString,
  msg_app_sid: nullableString,
  endpoint_sid: nullableString.optional(),
  created: z.string(),
  updated: z.string().optional(),
  voice: z.boolean(),
  messaging: z.boolean(),
  mode: z.string(),
});

export const apifonicaApplicationSchema = z.looseObject({
  application_sid: z.string(),
  account_sid: z.string().optional(),
  name: nullableString,
  controller: z.string(),
  method: z.string(),
  events: nullableString,
  created: z.string().optional(),
  updated: z.string().optional(),
});

/** A price: a string on the wire; a number is read too (as its shortest decimal string). */
const amount = z.union([z.string(), z.number().finite()]).transform((v) => String(v));

/** One entry of `/balance/numbers` (prices are strings, as on the wire). */
export const apifonicaNumberCostSchema = z.looseObject({
  number_sid: z.string(),
  number: z.string(),
  country_code: z.string().optional(),
  type: z.string().optional(),
  setup_price: amount,
  monthly_price: amount,
  currency: z.string(),
});

export const cursorListOf = <T extends z.ZodType>(item: T) =>
  z.looseObject({
    limit: z.number().optional(),
    prev: nullableString.optional(),
    next: nullableString.optional(),
    numbers: z.array(item),
  });

/** `{"status_code","status_message","uri"}`, the answer to every write. */
const statusSchema = z.looseObject({
  status_code: z.number().optional(),
  status_message: z.string().optional(),
  uri: z.string().optional(),
});

const createdSchema = statusSchema.extend({ uri: z.string() });

export type ApifonicaAvailableNumber = z.infer<typeof apifonicaAvailableNumberSchema>;
export type ApifonicaNumber = z.infer<typeof apifonicaNumberSchema>;
export type ApifonicaApplication = z.infer<typeof apifonicaApplicationSchema>;
export type ApifonicaNumberCost = z.infer<typeof apifonicaNumberCostSchema>;

export interface ApifonicaListQuery {
  /** E.164, with or without "+"; sent without it, as the documents write it (`447480600503`). */
  number?: string;
  countryCode?: string;
  /** local | mobile | toll_free | sip. */
  type?: string;
  voice?: boolean;
  messaging?: boolean;
  /** Page size, 1..20 (vendor default and max 20; larger values are capped). The walk still covers every page. */
  pageSize?: number;
}

export interface ApifonicaApplicationInput {
  /** http(s) URL of the XML controller. */
  controller: string;
  method: "GET" | "POST";
  name?: string;
  /** `none` (default), `all`, or e.g. `answered|completed`. */
  events?: string;
}

export interface ApifonicaClient {
  /** Numbers for sale in a country (at most 10). */
  searchAvailableNumbers(
    countryCode: string,
    q?: { type?: string; voice?: boolean; messaging?: boolean },
  ): Promise<ApifonicaAvailableNumber[]>;
  /** Rents a number; at most one of the app SIDs. Never retried: on an ambiguous error, look the number up. */
  rentNumber(p: { number: string; callAppSid?: string; msgAppSid?: string }): Promise<{ numberSid: string }>;
  getNumber(numberSid: string): Promise<ApifonicaNumber>;
  listNumbers(q?: ApifonicaListQuery): AsyncIterable<ApifonicaNumber>;
  listNumberPages(q?: ApifonicaListQuery): AsyncIterable<ApifonicaNumber[]>;
  /** Partial update; mode is xml | sip_phone | end_point. */
  updateNumber(
    numberSid: string,
    p: { callAppSid?: string; msgAppSid?: string; mode?: string; name?: string },
  ): Promise<void>;
  releaseNumber(numberSid: string): Promise<void>;
  /** Never retried. */
  createApplication(p: ApifonicaApplicationInput): Promise<{ applicationSid: string }>;
  getApplication(applicationSid: string): Promise<ApifonicaApplication>;
  /** Partial update. */
  updateApplication(applicationSid: string, p: Partial<ApifonicaApplicationInput>): Promise<void>;
  /** Numbers linked to the application are unlinked by the vendor. */
  deleteApplication(applicationSid: string): Promise<void>;
  /** Setup and monthly price of every rented number. */
  listNumberCosts(): AsyncIterable<ApifonicaNumberCost>;
}

/** Error body: `{"status_code":404,"status_message":"NOT FOUND","error_text":"…"}`. */
export function parseApifonicaError(body: unknown): VendorErrorBody {
  if (!isRecord(body)) {
    return { message: rawText(body) };
  }
  return {
    code: text(body["status_message"]),
    message: text(body["error_text"]) ?? text(body["message"]) ?? text(body["error"]),
  };
}

/** The key of the account's shared limiter. */
export function apifonicaLimiterKey(account: Pick<ApifonicaAccount, "baseUrl" | "accountSid">): string {
  return `apifonica:${account.accountSid}@${normalizeBase(account.baseUrl)}`;
}

const clients = new Map<string, { fingerprint: string; client: ApifonicaClient }>();

/** The client of one Apifonica account, cached per (baseUrl, accountSid). */
export function apifonicaClient(account: ApifonicaAccount): ApifonicaClient {
  const limiterKey = apifonicaLimiterKey(account);
  if (account.rateLimit) {
    configureLimit(limiterKey, account.rateLimit);
  }
  const key = `${normalizeBase(account.baseUrl)}\n${account.accountSid}`;
  const fingerprint = fingerprintOf(account.authToken, account.timeouts, account.retryLimit);
  return cached(clients, key, fingerprint, () =>
    buildClient(
      account,
      createVendorHttp({
        vendor: "apifonica",
        baseUrl: account.baseUrl,
        username: account.accountSid,
        password: account.authToken,
        usernameIsSecret: false,
        limiter: limiterFor(limiterKey, APIFONICA_DEFAULT_RATE_LIMIT),
        bodyEncoding: "json",
        parseErrorBody: parseApifonicaError,
        ...(account.timeouts ? { timeouts: account.timeouts } : {}),
        ...(account.retryLimit !== undefined ? { retryLimit: account.retryLimit } : {}),
      }),
    ),
  );
}

function bool(value: boolean | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

function buildClient(account: ApifonicaAccount, http: VendorHttp): ApifonicaClient {
  const base = `v2/accounts/${seg(account.accountSid)}`;

  /** Writes answer 2xx with a status envelope; a `status_code` >= 400 inside it is still a failure. */
  async function write<S extends z.ZodType<z.infer<typeof statusSchema>>>(
    operation: string,
    method: "POST" | "PUT" | "DELETE",
    path: string,
    body: Record<string, string | undefined> | undefined,
    schema: S,
  ): Promise<z.infer<S>> {
    const result = await http.call({
      operation,
      method,
      path,
      ...(body ? { body } : {}),
      schema,
      retry: method === "POST" ? "never" : "default",
    });
    if (result.status_code !== undefined && result.status_code >= 400) {
      throw http.error({
        vendor: "apifonica",
        operation,
        status: result.status_code,
        code: result.status_message,
        vendorMessage: text(result["error_text"]),
        ambiguous: result.status_code >= 500,
      });
    }
    return result;
  }

  /** The last path segment of a `uri` such as `/accounts/<acc>/numbers/<sid>`. */
  function sidFrom(operation: string, status: number, uri: string, collection: string): string {
    const match = new RegExp(`/${collection}/([^/?#]+)/?(?:[?#].*)?$`).exec(uri);
    if (!match?.[1]) {
      throw new VendorResponseError({
        vendor: "apifonica",
        operation,
        status,
        detail: `unexpected response body: uri: no ${collection} SID in it`,
        issues: ["uri"],
      });
    }
    return decodeURIComponent(match[1]);
  }

  function cursorWalk<T extends z.ZodType>(
    operation: string,
    path: string,
    filters: Record<string, string | undefined>,
    item: T,
  ): AsyncIterable<z.infer<T>[]> {
    const schema = cursorListOf(item);
    return walkPages<string | null, z.infer<T>>(
      null,
      async (cursor) => {
        const body = await http.call({
          operation,
          method: "GET",
          path,
          query: { ...filters, next: cursor ?? undefined },
          schema,
        });
        return { items: body.numbers as z.infer<T>[], next: nextCursor(operation, body.next) };
      },
      () =>
        http.error({
          vendor: "apifonica",
          operation,
          status: 200,
          detail: "next repeats a cursor already used",
          ambiguous: false,
        }),
    );
  }

  /** Only the `next` cursor of the vendor's absolute next URL is used; the host is ours. */
  function nextCursor(operation: string, next: string | null | undefined): string | undefined {
    if (!next) {
      return undefined;
    }
    let cursor: string | null = null;
    try {
      cursor = new URL(next, "http://next.invalid/").searchParams.get("next");
    } catch {
      cursor = null;
    }
    if (!cursor) {
      throw http.error({
        vendor: "apifonica",
        operation,
        status: 200,
        detail: "unexpected response body: next: no next cursor in the URL",
        ambiguous: false,
      });
    }
    return cursor;
  }

  function listNumberPages(q?: ApifonicaListQuery): AsyncIterable<ApifonicaNumber[]> {
    return cursorWalk(
      "listNumbers",
      `${base}/numbers`,
      {
        number: q?.number?.trim().replace(/^\+/, ""),
        country_code: q?.countryCode,
        type: q?.type,
        voice: bool(q?.voice),
        messaging: bool(q?.messaging),
        limit:
          q?.pageSize === undefined ? undefined : String(Math.min(20, Math.max(1, Math.floor(q.pageSize)))),
      },
      apifonicaNumberSchema,
    );
  }

  return {
    async searchAvailableNumbers(countryCode, q) {
      const body = await http.call({
        operation: "searchAvailableNumbers",
        method: "GET",
        path: `${base}/availableNumbers/${seg(countryCode)}`,
        query: { type: q?.type, voice: bool(q?.voice), messaging: bool(q?.messaging) },
        schema: apifonicaAvailableSchema,
      });
      return body.available_numbers;
    },

    async rentNumber(p) {
      const result = await write(
        "rentNumber",
        "POST",
        `${base}/numbers`,
        { number: p.number, call_app_sid: p.callAppSid, msg_app_sid: p.msgAppSid },
        createdSchema,
      );
      return { numberSid: sidFrom("rentNumber", result.status_code ?? 201, result.uri, "numbers") };
    },

    async getNumber(numberSid) {
      return http.call({
        operation: "getNumber",
        method: "GET",
        path: `${base}/numbers/${seg(numberSid)}`,
        schema: apifonicaNumberSchema,
      });
    },

    listNumberPages,

    listNumbers(q) {
      return items(listNumberPages(q));
    },

    async updateNumber(numberSid, p) {
      await write(
        "updateNumber",
        "PUT",
        `${base}/numbers/${seg(numberSid)}`,
        { call_app_sid: p.callAppSid, msg_app_sid: p.msgAppSid, mode: p.mode, name: p.name },
        statusSchema,
      );
    },

    async releaseNumber(numberSid) {
      await write("releaseNumber", "DELETE", `${base}/numbers/${seg(numberSid)}`, undefined, statusSchema);
    },

    async createApplication(p) {
      const result = await write(
        "createApplication",
        "POST",
        `${base}/applications`,
        { controller: p.controller, method: p.method, name: p.name, events: p.events },
        createdSchema,
      );
      return {
        applicationSid: sidFrom("createApplication", result.status_code ?? 201, result.uri, "applications"),
      };
    },

    async getApplication(applicationSid) {
      return http.call({
        operation: "getApplication",
        method: "GET",
        path: `${base}/applications/${seg(applicationSid)}`,
        schema: apifonicaApplicationSchema,
      });
    },

    async updateApplication(applicationSid, p) {
      await write(
        "updateApplication",
        "PUT",
        `${base}/applications/${seg(applicationSid)}`,
        { controller: p.controller, method: p.method, name: p.name, events: p.events },
        statusSchema,
      );
    },

    async deleteApplication(applicationSid) {
      await write(
        "deleteApplication",
        "DELETE",
        `${base}/applications/${seg(applicationSid)}`,
        undefined,
        statusSchema,
      );
    },

    listNumberCosts() {
      return items(cursorWalk("listNumberCosts", `${base}/balance/numbers`, {}, apifonicaNumberCostSchema));
    },
  };
}
