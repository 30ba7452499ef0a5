/**
 * Apifonica numbers and applications API client.
 * JSON request bodies, GET parameters in the query string, HTTP Basic `accountSid:authToken`.
 */
import { z } from "zod";
import { type VendorAccountBase, VendorClients } from "../core/client-factory.js";
import { VendorResponseError } from "../core/errors.js";
import { type Field, type Fields, jsonOf, type WireAnswer, type WireValues } from "../core/fields.js";
import { errorBodyParser, seg, text, type VendorErrorBody, type VendorHttp } from "../core/http.js";
import type { RateLimit } from "../core/limiter.js";
import { items, walkLinked } from "../core/paging.js";
import {
  type VendorClient,
  VendorClientBase,
  type VendorVerbTypes,
  yieldAll,
} from "../core/vendor-client.js";
import { APIFONICA_APPLICATION_FIELDS } from "./application.schema.js";
import { APIFONICA_NUMBER_FIELDS } from "./number.schema.js";

export interface ApifonicaAccount extends VendorAccountBase {
  /** Account SID (`acc` + UUID; goes in the path). */
  accountSid: string;
  authToken: string;
  /** e.g. `https://api.apifonica.com`, or `<sandbox>/apifonica`. */
  baseUrl: string;
}

/** No published limit; 100 requests per 10 seconds per account. */
export const APIFONICA_DEFAULT_RATE_LIMIT: RateLimit = { requests: 100, windowMs: 10_000 };

const nullableString = z.string().nullable();

/**
 * One entry of `available_numbers` (number in E.164 with "+"). `country_name` is the answer's own
 * (one per search, copied onto each entry by the client): what the rented number's record will show.
 */
export const apifonicaAvailableNumberSchema = z.looseObject({
  number: z.string(),
  voice: z.boolean(),
  messaging: z.boolean(),
  type: z.string(),
  country_name: z.string().optional(),
});

export const apifonicaAvailableSchema = z.looseObject({
  account_sid: z.string().optional(),
  country_code: z.string().optional(),
  country_name: z.string().optional(),
  available_numbers: z.array(apifonicaAvailableNumberSchema),
});

/**
 * The record keys of a table's in-place fields (provider/apifonica/*.schema.ts): a string or null, or
 * left out (the last known value holds). The keys the documents show are typed by hand after them.
 */
function answerKeysOf<T extends Fields>(fields: T) {
  return Object.fromEntries(
    (Object.values(fields) as Field[]).flatMap((f) =>
      f.wire ? [[f.wire.answer, nullableString.optional()]] : [],
    ),
  ) as { [K in keyof WireAnswer<T>]-?: z.ZodOptional<typeof nullableString> };
}

/**
 * A rented number. `name` is optional: one copy of the list documentation shows it, the other does
 * not. Unlinked apps show `default_call_app_sid` / `default_msg_app_sid`.
 */
export const apifonicaNumberSchema = z.looseObject({
  ...answerKeysOf(APIFONICA_NUMBER_FIELDS),
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
  ...answerKeysOf(APIFONICA_APPLICATION_FIELDS),
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

/** An application's fields (provider/apifonica/application.schema.ts): the controller URL and method, and the rest. */
export type ApifonicaApplicationInput = Required<Pick<ApplicationWireValues, "controller" | "method">> &
  ApplicationWireValues;

/** The values of an application's fields, each under its input key. */
type ApplicationWireValues = WireValues<typeof APIFONICA_APPLICATION_FIELDS>;

/** What a search asks: the country, and optionally the type and services. */
export interface ApifonicaSearchQuery {
  /** ISO 3166-1 alpha-2, e.g. "GB". */
  countryCode: string;
  type?: string;
  voice?: boolean;
  messaging?: boolean;
}

/** The in-place values of a number (provider/apifonica/number.schema.ts), each under its input key. */
type NumberWireValues = WireValues<typeof APIFONICA_NUMBER_FIELDS>;

/** What a rent sends: the number and at most one of the app SIDs. */
export type ApifonicaRentParams = { number: string } & Pick<NumberWireValues, "callAppSid" | "msgAppSid">;

/** A partial update of the in-place fields (absent keeps a field). */
export type ApifonicaNumberPatch = NumberWireValues;

/** The types of Apifonica's uniform verbs (numbers are keyed by their number SID). */
export interface ApifonicaVerbs extends VendorVerbTypes {
  query: ApifonicaSearchQuery;
  offer: ApifonicaAvailableNumber;
  rent: ApifonicaRentParams;
  rented: { numberSid: string };
  record: ApifonicaNumber;
  held: ApifonicaNumber;
  listOptions: ApifonicaListQuery;
  patch: ApifonicaNumberPatch;
  /** The answer carries nothing worth keeping. */
  updated: undefined;
}

/** An Apifonica account's numbers (a search answers at most 10), applications and number costs. */
export interface ApifonicaClient extends VendorClient<ApifonicaVerbs> {
  /** Numbers for sale in a country (at most 10), in one array, each with the answer's `country_name`. */
  searchAvailableNumbers(
    countryCode: string,
    q?: { type?: string; voice?: boolean; messaging?: boolean },
  ): Promise<ApifonicaAvailableNumber[]>;
  /** Never retried. */
  createApplication(p: ApifonicaApplicationInput): Promise<{ applicationSid: string }>;
  /** One application. */
  getApplication(applicationSid: string): Promise<ApifonicaApplication>;
  /** Partial update. */
  updateApplication(applicationSid: string, p: Partial<ApifonicaApplicationInput>): Promise<void>;
  /** Numbers linked to the application are unlinked by the vendor. */
  deleteApplication(applicationSid: string): Promise<void>;
  /** Setup and monthly price of every rented number. */
  listNumberCosts(): AsyncIterable<ApifonicaNumberCost>;
  /**
   * The cost list's pages from the page read at cursor `from` on (from the first without one), each
   * with the cursor it was read at (undefined for the first page).
   */
  listNumberCostPages(from?: string): AsyncIterable<{ items: ApifonicaNumberCost[]; at: string | undefined }>;
}

declare module "../core/client-factory.js" {
  interface VendorClientTypes {
    apifonica: { account: ApifonicaAccount; client: ApifonicaClient };
  }
}

/** Error body: `{"status_code":404,"status_message":"NOT FOUND","error_text":"…"}`. */
export const parseApifonicaError = errorBodyParser((body): VendorErrorBody => {
  return {
    code: text(body["status_message"]),
    message: text(body["error_text"]) ?? text(body["message"]) ?? text(body["error"]),
  };
});

/** The client of one Apifonica account, cached per (baseUrl, accountSid); see `setClientFactory`. */
export function apifonicaClient(account: ApifonicaAccount): ApifonicaClient {
  return apifonicaClients.client(account);
}

function bool(value: boolean | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

/** A write's JSON body (an undefined value is left out). */
type JsonBody = Record<string, string | number | boolean | undefined>;

/** One write: where, with which body (none for a delete), validated by which status schema. */
interface WriteSpec<S extends z.ZodType<z.infer<typeof statusSchema>>> {
  operation: string;
  method: "POST" | "PUT" | "DELETE";
  path: string;
  body?: JsonBody;
  schema: S;
}

/**
 * Writes answer 2xx with a status envelope; a `status_code` >= 400 inside it is still a failure.
 * A POST (a create) is never retried.
 */
async function write<S extends z.ZodType<z.infer<typeof statusSchema>>>(
  http: VendorHttp,
  spec: WriteSpec<S>,
): Promise<z.infer<S>> {
  const { operation, method } = spec;
  const result = await http.call({ ...spec, retry: method === "POST" ? "never" : "default" });
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

/**
 * A create (never retried): its SID is the last path segment of the answer's `uri`, such as
 * `/accounts/<acc>/numbers/<sid>` for a POST to `.../numbers`.
 */
async function create(http: VendorHttp, operation: string, path: string, body: JsonBody): Promise<string> {
  const result = await write(http, { operation, method: "POST", path, body, schema: createdSchema });
  const collection = path.slice(path.lastIndexOf("/") + 1);
  const match = new RegExp(`/${collection}/([^/?#]+)/?(?:[?#].*)?$`).exec(result.uri);
  if (!match?.[1]) {
    throw new VendorResponseError({
      vendor: "apifonica",
      operation,
      status: result.status_code ?? 201,
      detail: `unexpected response body: uri: no ${collection} SID in it`,
      issues: ["uri"],
    });
  }
  return decodeURIComponent(match[1]);
}

/** Only the `next` cursor of the vendor's absolute next URL is used. */
function nextParam(params: URLSearchParams): string | undefined {
  return params.get("next") || undefined;
}

function cursorWalk<T extends z.ZodType>(
  http: VendorHttp,
  operation: string,
  path: string,
  filters: Record<string, string | undefined>,
  item: T,
): AsyncIterable<z.infer<T>[]> {
  return pageItems(cursorPages(http, operation, path, filters, item, null));
}

async function* pageItems<T>(pages: AsyncIterable<{ items: T[] }>): AsyncIterable<T[]> {
  for await (const page of pages) yield page.items;
}

/** A cursor walk from `first` (null: the first page) whose pages carry the cursor they were read at. */
function cursorPages<T extends z.ZodType>(
  http: VendorHttp,
  operation: string,
  path: string,
  filters: Record<string, string | undefined>,
  item: T,
  first: string | null,
): AsyncIterable<{ items: z.infer<T>[]; at: string | undefined }> {
  const schema = cursorListOf(item);
  return items(
    walkLinked({
      first,
      fetch: async (cursor: string | null) => ({
        at: cursor ?? undefined,
        body: await http.call({
          operation,
          method: "GET",
          path,
          query: { ...filters, next: cursor ?? undefined },
          schema,
        }),
      }),
      // One "item" per page: the page itself, with its cursor.
      items: (page) => [{ items: page.body.numbers as z.infer<T>[], at: page.at }],
      link: (page) => page.body.next,
      next: nextParam,
      fail: (detail) => http.answerError(operation, detail),
      unusable: "unexpected response body: next: no next cursor in the URL",
      repeated: "next repeats a cursor already used",
    }),
  );
}

/** The in-place fields of a rent or update under their wire names (provider/apifonica/number.schema.ts). */
function numberBody(p: NumberWireValues): JsonBody {
  return jsonOf<string | number | boolean | undefined>(APIFONICA_NUMBER_FIELDS, p);
}

/** An application's fields under their wire names (provider/apifonica/application.schema.ts). */
function applicationBody(p: ApplicationWireValues): JsonBody {
  return jsonOf<string | number | boolean | undefined>(APIFONICA_APPLICATION_FIELDS, p);
}

class Apifonica extends VendorClientBase<ApifonicaVerbs> implements ApifonicaClient {
  constructor(account: ApifonicaAccount, http: VendorHttp) {
    super(http, `v2/accounts/${seg(account.accountSid)}`);
  }

  search(q: ApifonicaSearchQuery): AsyncIterable<ApifonicaAvailableNumber> {
    const { countryCode, ...rest } = q;
    return yieldAll(() => this.searchAvailableNumbers(countryCode, rest));
  }

  async searchAvailableNumbers(
    countryCode: string,
    q?: { type?: string; voice?: boolean; messaging?: boolean },
  ): Promise<ApifonicaAvailableNumber[]> {
    const body = await this.http.call({
      operation: "searchAvailableNumbers",
      method: "GET",
      path: `${this.base}/availableNumbers/${seg(countryCode)}`,
      query: { type: q?.type, voice: bool(q?.voice), messaging: bool(q?.messaging) },
      schema: apifonicaAvailableSchema,
    });
    const countryName = body.country_name;
    return countryName === undefined
      ? body.available_numbers
      : body.available_numbers.map((n) =>
          n.country_name === undefined ? { ...n, country_name: countryName } : n,
        );
  }

  async rent(p: ApifonicaRentParams): Promise<{ numberSid: string }> {
    const body = { number: p.number, ...numberBody(p) };
    return { numberSid: await create(this.http, "rentNumber", `${this.base}/numbers`, body) };
  }

  get(numberSid: string): Promise<ApifonicaNumber> {
    return this.read("getNumber", `${this.base}/numbers/${seg(numberSid)}`, apifonicaNumberSchema);
  }

  listPages(q?: ApifonicaListQuery): AsyncIterable<ApifonicaNumber[]> {
    const size = q?.pageSize === undefined ? undefined : Math.min(20, Math.max(1, Math.floor(q.pageSize)));
    const filters = {
      number: q?.number?.trim().replace(/^\+/, ""),
      country_code: q?.countryCode,
      type: q?.type,
      voice: bool(q?.voice),
      messaging: bool(q?.messaging),
      limit: size === undefined ? undefined : String(size),
    };
    return cursorWalk(this.http, "listNumbers", `${this.base}/numbers`, filters, apifonicaNumberSchema);
  }

  async update(numberSid: string, p: ApifonicaNumberPatch): Promise<undefined> {
    const body = numberBody(p);
    const path = `${this.base}/numbers/${seg(numberSid)}`;
    await write(this.http, { operation: "updateNumber", method: "PUT", path, body, schema: statusSchema });
    return undefined;
  }

  async release(numberSid: string): Promise<void> {
    const path = `${this.base}/numbers/${seg(numberSid)}`;
    await write(this.http, { operation: "releaseNumber", method: "DELETE", path, schema: statusSchema });
  }

  async createApplication(p: ApifonicaApplicationInput): Promise<{ applicationSid: string }> {
    const path = `${this.base}/applications`;
    return { applicationSid: await create(this.http, "createApplication", path, applicationBody(p)) };
  }

  getApplication(applicationSid: string): Promise<ApifonicaApplication> {
    return this.read(
      "getApplication",
      `${this.base}/applications/${seg(applicationSid)}`,
      apifonicaApplicationSchema,
    );
  }

  async updateApplication(applicationSid: string, p: Partial<ApifonicaApplicationInput>): Promise<void> {
    const path = `${this.base}/applications/${seg(applicationSid)}`;
    const body = applicationBody(p);
    await write(this.http, {
      operation: "updateApplication",
      method: "PUT",
      path,
      body,
      schema: statusSchema,
    });
  }

  async deleteApplication(applicationSid: string): Promise<void> {
    const path = `${this.base}/applications/${seg(applicationSid)}`;
    await write(this.http, { operation: "deleteApplication", method: "DELETE", path, schema: statusSchema });
  }

  listNumberCosts(): AsyncIterable<ApifonicaNumberCost> {
    const path = `${this.base}/balance/numbers`;
    return items(cursorWalk(this.http, "listNumberCosts", path, {}, apifonicaNumberCostSchema));
  }

  listNumberCostPages(
    from?: string,
  ): AsyncIterable<{ items: ApifonicaNumberCost[]; at: string | undefined }> {
    const path = `${this.base}/balance/numbers`;
    return cursorPages(this.http, "listNumberCosts", path, {}, apifonicaNumberCostSchema, from ?? null);
  }
}

/** How clients of this vendor are made (see `VendorClients`); `apifonicaClient(account)` is its `client`. */
export const apifonicaClients = new VendorClients<ApifonicaAccount, ApifonicaClient>({
  vendor: "apifonica",
  defaultRateLimit: APIFONICA_DEFAULT_RATE_LIMIT,
  bodyEncoding: "json",
  parseErrorBody: parseApifonicaError,
  accountId: (account) => account.accountSid,
  credentials: (a) => ({ username: a.accountSid, password: a.authToken, usernameIsSecret: false }),
  build: (account, http) => new Apifonica(account, http),
});
