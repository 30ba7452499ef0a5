/**
 * Exotel ExoPhone API client (v2_beta IncomingPhoneNumbers / AvailablePhoneNumbers, v2 details).
 * Form-encoded request bodies, JSON responses, HTTP Basic `apiKey:apiToken`.
 */
import { parsePhoneNumberFromString } from "libphonenumber-js";
import { z } from "zod";
import { type VendorAccountBase, VendorClients } from "../core/client-factory.js";
import { VendorApiError } from "../core/errors.js";
import { formOf, type WireAnswer, type WirePatch, type WireValues } from "../core/fields.js";
import { errorBodyParser, isRecord, seg, text, type VendorErrorBody, type VendorHttp } from "../core/http.js";
import type { RateLimit } from "../core/limiter.js";
import { walkLinked } from "../core/paging.js";
import {
  type VendorClient,
  VendorClientBase,
  type VendorVerbTypes,
  yieldAll,
} from "../core/vendor-client.js";
import { EXOPHONE_FIELDS } from "./exophone.schema.js";

export interface ExotelAccount extends VendorAccountBase {
  /** Account SID (goes in the path). */
  accountSid: string;
  /** API key (Basic-auth user; a secret). */
  apiKey: string;
  apiToken: string;
  /** e.g. `https://api.exotel.com`, `https://api.in.exotel.com`, or `<sandbox>/exotel`. */
  baseUrl: string;
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

/** What a number for sale and a rented one both say about it: where it is, what it can do, its prices. */
const pricedFields = {
  capabilities: exotelCapabilitiesSchema,
  country: z.string(),
  region: z.string(),
  one_time_price: price,
  rental_price: price,
  incoming_rate: price,
  incoming_pulse: pulse,
};

/** One element of the AvailablePhoneNumbers search array. */
export const exotelAvailableNumberSchema = z.looseObject({
  phone_number: z.string(),
  friendly_name: nullableString.optional(),
  ...pricedFields,
  number_type: z.string(),
  vanity_number: z.boolean().optional(),
});

/** The answer keys of the in-place fields (provider/exotel/exophone.schema.ts): a string, or null when unset. */
const wireAnswerFields = Object.fromEntries(
  Object.values(EXOPHONE_FIELDS).flatMap((f) => ("wire" in f ? [[f.wire.answer, nullableString]] : [])),
) as { [K in keyof WireAnswer<typeof EXOPHONE_FIELDS>]-?: typeof nullableString };

const ipnFields = {
  sid: z.string().min(1),
  account_sid: z.string().optional(),
  date_created: z.string(),
  date_updated: z.string().optional(),
  phone_number: z.string(),
  ...wireAnswerFields,
  ...pricedFields,
  currency: z.string(),
  number_type: z.string(),
  vanity_number: z.boolean().optional(),
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

/** What a rent sends: the number (in the search's E.164) and the in-place fields set at once. */
export type ExotelRentParams = { phoneNumber: string } & WireValues<typeof EXOPHONE_FIELDS>;

/** A partial update of the in-place fields: undefined keeps a field, null clears it (sent as an empty value). */
export type ExotelNumberPatch = WirePatch<typeof EXOPHONE_FIELDS>;

/** The types of Exotel's uniform verbs (numbers are keyed by their sid). */
export interface ExotelVerbs extends VendorVerbTypes {
  query: ExotelSearchQuery;
  offer: ExotelAvailableNumber;
  rent: ExotelRentParams;
  rented: ExotelNumber;
  record: ExotelNumberAnswer;
  held: ExotelNumber;
  listOptions: ExotelListOptions;
  patch: ExotelNumberPatch;
  updated: ExotelNumberAnswer;
}

/**
 * An Exotel account's numbers. `get` and `update` answer the v2_beta record, whose fields may be left
 * out (abridged answers); `rent` is sent in the form given and, the documents disagreeing on the form
 * (the rent example sends the national number), a definite refusal (a 400, nothing applied) is asked
 * once more in the other form. Never retried otherwise: on an ambiguous error, look the number up.
 */
export interface ExotelClient extends VendorClient<ExotelVerbs> {
  /** Numbers for sale (at most 50, catalog order), in one array. */
  searchAvailableNumbers(q: ExotelSearchQuery): Promise<ExotelAvailableNumber[]>;
  /** The v2 details (with connectivity), envelope unwrapped; envelope errors become `VendorApiError`. */
  getNumberDetails(sid: string): Promise<ExotelNumberDetails>;
}

declare module "../core/client-factory.js" {
  interface VendorClientTypes {
    exotel: { account: ExotelAccount; client: ExotelClient };
  }
}

/** Error bodies: `{"RestException":{Status,Message,Code?}}`, flat `{Status,Message}`, or the v2 envelope. */
export const parseExotelError = errorBodyParser((body): VendorErrorBody => {
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
});

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

/** The client of one Exotel account, cached per (baseUrl, accountSid, apiKey); see `setClientFactory`. */
export function exotelClient(account: ExotelAccount): ExotelClient {
  return exotelClients.client(account);
}

/** Form value for an update field: undefined omits it, null sends an empty value (clears it). */
function clearable(value: unknown): string | undefined {
  return value === null ? "" : typeof value === "string" ? value : undefined;
}

interface PageCursor {
  page: number;
  pageSize: number | undefined;
}

/** Page/PageSize from the vendor's absolute next_page_uri (requested against our own base URL). */
function nextPage(params: URLSearchParams, current: PageCursor): PageCursor | undefined {
  const page = Number(params.get("Page"));
  const sizeParam = params.get("PageSize");
  const pageSize = sizeParam === null ? current.pageSize : Number(sizeParam);
  const usable =
    Number.isInteger(page) && page > current.page && (pageSize === undefined || Number.isInteger(pageSize));
  return usable ? { page, pageSize } : undefined;
}

/**
 * Sends a rent in the form given, and once more in the other documented form after a definite
 * refusal of the first. Refused in both forms, the first answer speaks for the form the search gave.
 * Anything else (ambiguous, 429) is the outcome of the second request and reaches the caller as it is.
 */
async function rentInEitherForm(phoneNumber: string, rent: (form: string) => Promise<ExotelNumber>) {
  try {
    return await rent(phoneNumber);
  } catch (first) {
    const other = otherRentForm(phoneNumber);
    if (other === undefined || !definiteRefusal(first)) throw first;
    try {
      return await rent(other);
    } catch (second) {
      throw definiteRefusal(second) ? first : second;
    }
  }
}

/** The v2 details block, or a `VendorApiError` when the envelope reports a failure. */
function detailsOf(http: VendorHttp, envelope: z.infer<typeof exotelV2EnvelopeSchema>): ExotelNumberDetails {
  const operation = "getNumberDetails";
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
  const at = "response.0.data";
  return http.validate(operation, envelope.http_code ?? 200, exotelNumberDetailsSchema, block.data, at);
}

class Exotel extends VendorClientBase<ExotelVerbs> implements ExotelClient {
  private readonly numbers = `${this.base}/IncomingPhoneNumbers`;

  constructor(
    private readonly account: ExotelAccount,
    http: VendorHttp,
  ) {
    super(http, `v2_beta/Accounts/${seg(account.accountSid)}`);
  }

  search(q: ExotelSearchQuery): AsyncIterable<ExotelAvailableNumber> {
    return yieldAll(() => this.searchAvailableNumbers(q));
  }

  searchAvailableNumbers(q: ExotelSearchQuery): Promise<ExotelAvailableNumber[]> {
    return this.http.call({
      operation: "searchAvailableNumbers",
      method: "GET",
      path: `${this.base}/AvailablePhoneNumbers/${seg(q.country)}/${seg(q.numberType)}`,
      query: {
        IncomingSMS: q.incomingSms === undefined ? undefined : String(q.incomingSms),
        InRegion: q.inRegion,
        Contains: q.contains,
      },
      schema: z.array(exotelAvailableNumberSchema),
    });
  }

  rent(p: ExotelRentParams): Promise<ExotelNumber> {
    return rentInEitherForm(p.phoneNumber, (phoneNumber) =>
      this.http.call({
        operation: "rentNumber",
        method: "POST",
        path: this.numbers,
        body: { PhoneNumber: phoneNumber, ...formOf(EXOPHONE_FIELDS, p) },
        schema: exotelNumberSchema,
        retry: "never",
      }),
    );
  }

  get(sid: string): Promise<ExotelNumberAnswer> {
    return this.read("getNumber", `${this.numbers}/${seg(sid)}`, exotelNumberAnswerSchema);
  }

  async getNumberDetails(sid: string): Promise<ExotelNumberDetails> {
    const envelope = await this.read(
      "getNumberDetails",
      `v2/accounts/${seg(this.account.accountSid)}/incoming-phone-numbers/${seg(sid)}`,
      exotelV2EnvelopeSchema,
    );
    return detailsOf(this.http, envelope);
  }

  listPages(opts?: ExotelListOptions): AsyncIterable<ExotelNumber[]> {
    const operation = "listNumbers";
    const first: PageCursor = { page: 0, pageSize: opts?.pageSize };
    return walkLinked({
      first,
      fetch: (cursor) =>
        this.http.call({
          operation,
          method: "GET",
          path: this.numbers,
          query: { Page: cursor.page, PageSize: cursor.pageSize },
          schema: exotelListSchema,
        }),
      items: (body) => body.incoming_phone_numbers,
      link: (body) => body.next_page_uri,
      next: nextPage,
      fail: (detail) => this.http.answerError(operation, detail),
      unusable: "unexpected response body: next_page_uri: no usable Page/PageSize after the current page",
      repeated: "next_page_uri repeats a page already read",
    });
  }

  update(sid: string, p: ExotelNumberPatch): Promise<ExotelNumberAnswer> {
    return this.http.call({
      operation: "updateNumber",
      method: "PUT",
      path: `${this.numbers}/${seg(sid)}`,
      body: formOf(EXOPHONE_FIELDS, p, clearable),
      schema: exotelNumberAnswerSchema,
    });
  }

  release(sid: string): Promise<void> {
    return this.remove("releaseNumber", `${this.numbers}/${seg(sid)}`, releaseSchema);
  }
}

/** How clients of this vendor are made (see `VendorClients`); `exotelClient(account)` is its `client`. */
export const exotelClients = new VendorClients<ExotelAccount, ExotelClient>({
  vendor: "exotel",
  defaultRateLimit: EXOTEL_DEFAULT_RATE_LIMIT,
  bodyEncoding: "form",
  parseErrorBody: parseExotelError,
  accountId: (account) => account.accountSid,
  credentials: (a) => ({ username: a.apiKey, password: a.apiToken, usernameIsSecret: true }),
  build: (account, http) => new Exotel(account, http),
});
