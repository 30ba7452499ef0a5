/**
 * Exotel ExoPhone API client (v2_beta IncomingPhoneNumbers / AvailablePhoneNumbers, v2 details).
 * Form-encoded request bodies, JSON responses, HTTP Basic `apiKey:apiToken`.
 */
import { parsePhoneNumberFromString } from "libphonenumber-js";
import { z } from "zod";
import { VendorApiError } from "../core/errors.js";
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

export interface ExotelAccount extends HttpTuning {
  /** Account SID (goes in the path). */
  accountSid: string;
  /** API key (Basic-auth user; a secret). */
  apiKey: string;
  apiToken: string;
  /** e.g. `https://api.exotel.com`, `https://api.in.exotel.com`, or `<sandbox>/exotel`. */
  baseUrl: string;
  /** Overrides the account's shared limiter (see `configureLimit`). */
  rateLimit?: RateLimit;
}

/** Legacy docs: 200 requests per minute per account. */
export const EXOTEL_DEFAULT_RATE_LIMIT: RateLimit = { requests: 200, windowMs: 60_000 };

const nullableString = z.string().nullable();

/**
 * A price: the examples show strings with six decimals ("499.000000"), the parameter tables say
 * Double. Either is read, and a number is written back in the examples' form, so state and drift
 * never depend on which one the account answers.
 */
const price = z
  .union([z.string(), z.number().finite()])
  .transform((v) => (typeof v === "number" ? v.toFixed(6) : v));

/** `incoming_pulse`: seconds per pulse, "60" in the examples, Double in the tables. */
const pulse = z
  .union([z.string(), z.number().finite()])
  .transform((v) => (typeof v === "number" ? String(v) : v));

export const exotelCapabilitiesSchema = z.looseObject({
  voice: z.boolean(),
  sms: z.boolean().optional(),
});

/** One element of the AvailablePhoneNumbers search array. */
export const exotelAvailableNumberSchema = z.looseObject({
  phone_number: z.string(),
  friendly_name: nullableString.optional(),
  capabilities: exotelCapabilitiesSchema,
  country: z.string(),
  region: z.string(),
  one_time_price: price,
  rental_price: price,
  incoming_rate: price,
  incoming_pulse: pulse,
  number_type: z.string(),
  vanity_number: z.boolean().optional(),
});

const ipnFields = {
  sid: z.string().min(1),
  account_sid: z.string().optional(),
  date_created: z.string(),
  date_updated: z.string().optional(),
  phone_number: z.string(),
  friendly_name: nullableString,
  capabilities: exotelCapabilitiesSchema,
  country: z.string(),
  region: z.string(),
  one_time_price: price,
  rental_price: price,
  incoming_rate: price,
  incoming_pulse: pulse,
  currency: z.string(),
  number_type: z.string(),
  vanity_number: z.boolean().optional(),
  voice_url: nullableString,
  sms_url: nullableString,
  uri: z.string().optional(),
};

/** An IncomingPhoneNumber (rented ExoPhone) as returned by rent and list. */
export const exotelNumberSchema = z.looseObject(ipnFields);

/**
 * An IncomingPhoneNumber as get-one and update answer it. The 2026 pages show abridged subsets of the
 * object for those two, so only `sid` is required; a field left out says nothing about its value.
 */
export const exotelNumberAnswerSchema = exotelNumberSchema.partial().required({ sid: true });

/**
 * One side of `connectivity`. `status` is `active`, `major_outage` or `partial_network_outage` today;
 * any string is read (a new status must not make every refresh fail). `alternate_exophone` is null or
 * "a JSON array" of unstated entries: kept as it came.
 */
const connectivityBlockSchema = z.looseObject({
  status: z.string(),
  last_check_time: nullableString.optional(),
  alternate_exophone: z.unknown().optional(),
});

/** The v2 details `data` object: IPN fields (RFC 3339 dates) plus `connectivity`. */
export const exotelNumberDetailsSchema = z.looseObject({
  ...ipnFields,
  connectivity: z
    .looseObject({
      incoming_call: connectivityBlockSchema.optional(),
      outgoing_call: connectivityBlockSchema.optional(),
    })
    .nullable()
    .optional(),
});

export const exotelListSchema = z.looseObject({
  page: z.number().optional(),
  page_size: z.number().optional(),
  next_page_uri: nullableString.optional(),
  incoming_phone_numbers: z.array(exotelNumberSchema),
});

export const exotelV2EnvelopeSchema = z.looseObject({
  http_code: z.number().optional(),
  response: z
    .array(
      z.looseObject({
        code: z.number().optional(),
        status: z.string().optional(),
        data: z.unknown(),
        error_data: z
          .looseObject({
            code: z.union([z.number(), z.string()]).optional(),
            description: nullableString.optional(),
            message: nullableString.optional(),
          })
          .nullable()
          .optional(),
      }),
    )
    .min(1),
});

const releaseSchema = z
  .looseObject({ Status: z.number().optional(), Message: z.string().optional() })
  .optional();

export type ExotelAvailableNumber = z.infer<typeof exotelAvailableNumberSchema>;
export type ExotelNumber = z.infer<typeof exotelNumberSchema>;
export type ExotelNumberAnswer = z.infer<typeof exotelNumberAnswerSchema>;
export type ExotelNumberDetails = z.infer<typeof exotelNumberDetailsSchema>;
export type ExotelNumberType = "Landline" | "Mobile" | "TollFree";

export interface ExotelSearchQuery {
  /** ISO 3166-1 alpha-2 country code, e.g. "IN". */
  country: string;
  numberType: ExotelNumberType;
  /** Telecom circle, e.g. "KA". */
  inRegion?: string;
  /** Only numbers that support incoming SMS. */
  incomingSms?: boolean;
  /** Digits the number must contain. */
  contains?: string;
}

export interface ExotelListOptions {
  /** Numbers per page (vendor default 50, max 100). */
  pageSize?: number;
}

export interface ExotelClient {
  /** Numbers for sale (at most 50, catalog order). */
  searchAvailableNumbers(q: ExotelSearchQuery): Promise<ExotelAvailableNumber[]>;
  /**
   * Rents a number, sent in the form given (the search's E.164). The documents disagree on the form
   * (the rent example sends the national number), so a definite refusal (a 400, nothing applied) is
   * asked once more in the other form. Never retried otherwise: on an ambiguous error, look the
   * number up.
   */
  rentNumber(p: {
    phoneNumber: string;
    voiceUrl?: string;
    smsUrl?: string;
    friendlyName?: string;
  }): Promise<ExotelNumber>;
  /** The v2_beta record; fields the answer leaves out are undefined (abridged answers). */
  getNumber(sid: string): Promise<ExotelNumberAnswer>;
  /** The v2 details (with connectivity), envelope unwrapped; envelope errors become `VendorApiError`. */
  getNumberDetails(sid: string): Promise<ExotelNumberDetails>;
  /** Every rented number, fetching page N+1 only once page N is consumed. */
  listNumbers(opts?: ExotelListOptions): AsyncIterable<ExotelNumber>;
  listNumberPages(opts?: ExotelListOptions): AsyncIterable<ExotelNumber[]>;
  /** Partial update: undefined keeps a field, null clears it (sent as an empty value). The answer may be abridged. */
  updateNumber(
    sid: string,
    p: { voiceUrl?: string | null; smsUrl?: string | null; friendlyName?: string | null },
  ): Promise<ExotelNumberAnswer>;
  releaseNumber(sid: string): Promise<void>;
}

/** Error bodies: `{"RestException":{Status,Message,Code?}}`, flat `{Status,Message}`, or the v2 envelope. */
export function parseExotelError(body: unknown): VendorErrorBody {
  if (!isRecord(body)) {
    return { message: rawText(body) };
  }
  const rest = isRecord(body["RestException"]) ? body["RestException"] : body;
  if ("Message" in rest || "Code" in rest) {
    return { code: text(rest["Code"]), message: text(rest["Message"]) };
  }
  const blocks = body["response"];
  if (Array.isArray(blocks)) {
    for (const block of blocks) {
      if (isRecord(block) && isRecord(block["error_data"])) {
        const e = block["error_data"];
        return { code: text(e["code"]), message: text(e["message"]) ?? text(e["description"]) };
      }
    }
  }
  return {};
}

/**
 * The other documented form of a number for the rent's `PhoneNumber`: E.164 (`+918047091234`) and the
 * national form with its trunk 0 (`08047091234`, as the rent example and `friendly_name` show it).
 * Undefined when the number cannot be parsed.
 */
export function otherRentForm(phoneNumber: string): string | undefined {
  const trimmed = phoneNumber.trim();
  if (trimmed.startsWith("+")) return exotelNationalForm(trimmed);
  const parsed = parsePhoneNumberFromString(trimmed, "IN");
  if (!parsed) return undefined;
  return parsed.number !== trimmed ? parsed.number : undefined;
}

/**
 * The national form of an E.164 number as Exotel writes it (trunk 0 included: `08047091234`), which
 * is also the sid the v2 details example uses. Undefined when the number cannot be parsed.
 */
export function exotelNationalForm(e164: string): string | undefined {
  const parsed = parsePhoneNumberFromString(e164.trim());
  const national = parsed?.formatNational().replace(/\D/g, "");
  return national && national !== e164 ? national : undefined;
}

/** A refusal that applied nothing and may be about the form of a field: a 400 that is not ambiguous. */
function definiteRefusal(err: unknown): boolean {
  return err instanceof VendorApiError && err.status === 400 && !err.ambiguous;
}

/** The key of the account's shared limiter. */
export function exotelLimiterKey(account: Pick<ExotelAccount, "baseUrl" | "accountSid">): string {
  return `exotel:${account.accountSid}@${normalizeBase(account.baseUrl)}`;
}

const clients = new Map<string, { fingerprint: string; client: ExotelClient }>();

/** The client of one Exotel account, cached per (baseUrl, accountSid, apiKey). */
export function exotelClient(account: ExotelAccount): ExotelClient {
  const limiterKey = exotelLimiterKey(account);
  if (account.rateLimit) {
    configureLimit(limiterKey, account.rateLimit);
  }
  const key = `${normalizeBase(account.baseUrl)}\n${account.accountSid}\n${account.apiKey}`;
  const fingerprint = fingerprintOf(account.apiToken, account.timeouts, account.retryLimit);
  return cached(clients, key, fingerprint, () =>
    buildClient(
      account,
      createVendorHttp({
        vendor: "exotel",
        baseUrl: account.baseUrl,
        username: account.apiKey,
        password: account.apiToken,
        usernameIsSecret: true,
        limiter: limiterFor(limiterKey, EXOTEL_DEFAULT_RATE_LIMIT),
        bodyEncoding: "form",
        parseErrorBody: parseExotelError,
        ...(account.timeouts ? { timeouts: account.timeouts } : {}),
        ...(account.retryLimit !== undefined ? { retryLimit: account.retryLimit } : {}),
      }),
    ),
  );
}

/** Form value for an update field: undefined omits it, null sends an empty value (clears it). */
function clearable(value: string | null | undefined): string | undefined {
  return value === null ? "" : value;
}

interface PageCursor {
  page: number;
  pageSize: number | undefined;
}

function buildClient(account: ExotelAccount, http: VendorHttp): ExotelClient {
  const beta = `v2_beta/Accounts/${seg(account.accountSid)}`;
  const numbers = `${beta}/IncomingPhoneNumbers`;

  /** Page/PageSize from the vendor's absolute next_page_uri; requested against our own base URL. */
  function nextCursor(nextUri: string | null | undefined, current: PageCursor): PageCursor | undefined {
    if (!nextUri) {
      return undefined;
    }
    let params: URLSearchParams;
    try {
      params = new URL(nextUri, "http://next.invalid/").searchParams;
    } catch {
      params = new URLSearchParams();
    }
    const page = Number(params.get("Page"));
    const sizeParam = params.get("PageSize");
    const pageSize = sizeParam === null ? current.pageSize : Number(sizeParam);
    if (
      !Number.isInteger(page) ||
      page <= current.page ||
      (pageSize !== undefined && !Number.isInteger(pageSize))
    ) {
      throw http.error({
        vendor: "exotel",
        operation: "listNumbers",
        status: 200,
        detail: "unexpected response body: next_page_uri: no usable Page/PageSize after the current page",
        ambiguous: false,
      });
    }
    return { page, pageSize };
  }

  function listNumberPages(opts?: ExotelListOptions): AsyncIterable<ExotelNumber[]> {
    return walkPages<PageCursor, ExotelNumber>(
      { page: 0, pageSize: opts?.pageSize },
      async (cursor) => {
        const body = await http.call({
          operation: "listNumbers",
          method: "GET",
          path: numbers,
          query: { Page: cursor.page, PageSize: cursor.pageSize },
          schema: exotelListSchema,
        });
        return { items: body.incoming_phone_numbers, next: nextCursor(body.next_page_uri, cursor) };
      },
      () =>
        http.error({
          vendor: "exotel",
          operation: "listNumbers",
          status: 200,
          detail: "next_page_uri repeats a page already read",
          ambiguous: false,
        }),
    );
  }

  return {
    async searchAvailableNumbers(q) {
      return http.call({
        operation: "searchAvailableNumbers",
        method: "GET",
        path: `${beta}/AvailablePhoneNumbers/${seg(q.country)}/${seg(q.numberType)}`,
        query: {
          IncomingSMS: q.incomingSms === undefined ? undefined : String(q.incomingSms),
          InRegion: q.inRegion,
          Contains: q.contains,
        },
        schema: z.array(exotelAvailableNumberSchema),
      });
    },

    async rentNumber(p) {
      const rent = (phoneNumber: string) =>
        http.call({
          operation: "rentNumber",
          method: "POST",
          path: numbers,
          body: {
            PhoneNumber: phoneNumber,
            VoiceUrl: p.voiceUrl,
            SMSUrl: p.smsUrl,
            FriendlyName: p.friendlyName,
          },
          schema: exotelNumberSchema,
          retry: "never",
        });
      try {
        return await rent(p.phoneNumber);
      } catch (first) {
        const other = otherRentForm(p.phoneNumber);
        if (other === undefined || !definiteRefusal(first)) throw first;
        try {
          return await rent(other);
        } catch (second) {
          // Refused in both forms: the first answer speaks for the form the search gave. Anything else
          // (ambiguous, 429) is the outcome of the second request and must reach the caller as it is.
          throw definiteRefusal(second) ? first : second;
        }
      }
    },

    async getNumber(sid) {
      return http.call({
        operation: "getNumber",
        method: "GET",
        path: `${numbers}/${seg(sid)}`,
        schema: exotelNumberAnswerSchema,
      });
    },

    async getNumberDetails(sid) {
      const operation = "getNumberDetails";
      const envelope = await http.call({
        operation,
        method: "GET",
        path: `v2/accounts/${seg(account.accountSid)}/incoming-phone-numbers/${seg(sid)}`,
        schema: exotelV2EnvelopeSchema,
      });
      const block = envelope.response[0]!;
      const status = block.code ?? envelope.http_code ?? 200;
      // A block may report partial success (code 207) with error_data beside its data: the data is read.
      const failed =
        block.status === "failure" || status >= 400 || block.data === null || block.data === undefined;
      if (failed) {
        throw http.error({
          vendor: "exotel",
          operation,
          status,
          code: text(block.error_data?.code),
          vendorMessage: block.error_data?.message ?? block.error_data?.description ?? undefined,
          detail: "the v2 response block reports a failure",
          ambiguous: status >= 500,
        });
      }
      return http.validate(
        operation,
        envelope.http_code ?? 200,
        exotelNumberDetailsSchema,
        block.data,
        "response.0.data",
      );
    },

    listNumberPages,

    listNumbers(opts) {
      return items(listNumberPages(opts));
    },

    async updateNumber(sid, p) {
      return http.call({
        operation: "updateNumber",
        method: "PUT",
        path: `${numbers}/${seg(sid)}`,
        body: {
          VoiceUrl: clearable(p.voiceUrl),
          SMSUrl: clearable(p.smsUrl),
          FriendlyName: clearable(p.friendlyName),
        },
        schema: exotelNumberAnswerSchema,
      });
    },

    async releaseNumber(sid) {
      await http.call({
        operation: "releaseNumber",
        method: "DELETE",
        path: `${numbers}/${seg(sid)}`,
        schema: releaseSchema,
      });
    },
  };
}
