/**
 * The Exotel client against the sandbox over real HTTP: every method, paging, error mapping,
 * retries (checked in the sandbox's request log), the shared limiter and credential hygiene.
 */
import { inspect } from "node:util";
import { isNotFound, type VendorApiError, VendorResponseError } from "../../provider/core/errors.js";
import {
  type ExotelAccount,
  type ExotelAvailableNumber,
  type ExotelClient,
  exotelClient,
} from "../../provider/exotel/client.js";
import { startSandbox } from "../../sandbox/index.js";
import { admin as supportAdmin, vendorFailure } from "../support/sandbox.js";

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
interface LoggedRequest {
  seq: number;
  time: string | number;
  vendor: string;
  account?: string;
  method: string;
  path: string;
  query?: unknown;
  status: number;
  fault?: unknown;
}

const ACCOUNT = {
  accountSid: "sandbox1",
  apiKey: "sandbox-exotel-key-1",
  apiToken: "sandbox-exotel-token-1",
};
/** A sandbox account with a tight limit: 5 requests per second. */
const LIMITED = {
  accountSid: "limited5",
  apiKey: "sandbox-exotel-key-limited",
  apiToken: "sandbox-exotel-token-limited",
};
/** A sandbox account that allows 2 requests per 2 minutes, to provoke a 429. */
const TINY = {
  accountSid: "tiny2",
  apiKey: "sandbox-exotel-key-tiny",
  apiToken: "sandbox-exotel-token-tiny",
};
const SECRETS = [
  ACCOUNT.apiKey,
  ACCOUNT.apiToken,
  LIMITED.apiKey,
  LIMITED.apiToken,
  TINY.apiKey,
  TINY.apiToken,
  "wrong-token-0123456789",
];

let sb: Sandbox;
let exotel: ExotelClient;
const seen: unknown[] = [];

function account(creds: typeof ACCOUNT, extra: Partial<ExotelAccount> = {}): ExotelAccount {
  return { ...creds, baseUrl: `${sb.url}/exotel`, ...extra };
}

function admin(method: string, path: string, body?: unknown): Promise<unknown> {
  return supportAdmin(sb, method, path.replace(/^\//, ""), body);
}

async function log(filter: (r: LoggedRequest) => boolean = () => true): Promise<LoggedRequest[]> {
  const body = (await admin("GET", "/requests?vendor=exotel")) as { requests: LoggedRequest[] };
  return body.requests.filter(filter);
}

async function fault(spec: Record<string, unknown>): Promise<void> {
  await admin("POST", "/faults", { vendor: "exotel", ...spec });
}

/** Awaits a promise that must reject with a VendorApiError, and keeps the error for the leak scan. */
function failure(p: Promise<unknown>): Promise<VendorApiError> {
  return vendorFailure(p, seen);
}

async function available(
  count: number,
  numberType: "Landline" | "Mobile" = "Landline",
): Promise<ExotelAvailableNumber[]> {
  const found = await exotel.searchAvailableNumbers({ country: "IN", numberType });
  expect(found.length).toBeGreaterThanOrEqual(count);
  return found.slice(0, count);
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) {
    out.push(x);
  }
  return out;
}

const millis = (t: string | number) => (typeof t === "number" ? t : Date.parse(t));

beforeAll(async () => {
  sb = await startSandbox({
    port: 0,
    quiet: true,
    accounts: {
      exotel: [
        ACCOUNT,
        { ...LIMITED, rateLimit: { requests: 5, windowMs: 1000 } },
        { ...TINY, rateLimit: { requests: 2, windowMs: 120_000 } },
      ],
      plivo: [{ authId: "MASANDBOX00000000001", authToken: "sandbox-plivo-token-1" }],
      apifonica: [
        {
          accountSid: "acc00000000-0000-4000-8000-000000000001",
          authToken: "aut00000000-0000-4000-8000-000000000001",
        },
      ],
    },
  });
  exotel = exotelClient(account(ACCOUNT));
});

afterAll(async () => {
  await sb?.close();
});

beforeEach(async () => {
  await admin("POST", "/reset");
});

describe("exotel client", () => {
  it("is cached per account: one got instance and one limiter per account", () => {
    expect(exotelClient(account(ACCOUNT))).toBe(exotel);
    expect(exotelClient(account(LIMITED))).not.toBe(exotel);
  });

  it("searches available numbers with filters, prices as strings", async () => {
    const all = await exotel.searchAvailableNumbers({ country: "IN", numberType: "Landline" });
    expect(all.length).toBeGreaterThan(0);
    expect(all.length).toBeLessThanOrEqual(50);
    for (const n of all) {
      expect(n.phone_number).toMatch(/^\+91\d+$/);
      expect(n.rental_price).toMatch(/^\d+\.\d{6}$/);
      expect(n.number_type).toBe("Landline");
    }
    const sms = await exotel.searchAvailableNumbers({
      country: "IN",
      numberType: "Landline",
      incomingSms: true,
    });
    expect(sms.every((n) => n.capabilities.sms === true)).toBe(true);
    const region = all[0]!.region;
    const inRegion = await exotel.searchAvailableNumbers({
      country: "IN",
      numberType: "Landline",
      inRegion: region,
    });
    expect(inRegion.length).toBeGreaterThan(0);
    expect(inRegion.every((n) => n.region === region)).toBe(true);
    const tail = all[0]!.phone_number.slice(-5);
    const contains = await exotel.searchAvailableNumbers({
      country: "IN",
      numberType: "Landline",
      contains: tail,
    });
    expect(contains.map((n) => n.phone_number)).toContain(all[0]!.phone_number);
    const [req] = await log(
      (r) => r.path.includes("AvailablePhoneNumbers") && JSON.stringify(r.query).includes("Contains"),
    );
    expect(req).toBeDefined();
  });

  it("maps an unknown country to a 404 VendorApiError", async () => {
    const err = await failure(exotel.searchAvailableNumbers({ country: "ZZ", numberType: "Landline" }));
    expect(err.status).toBe(404);
    expect(err.code).toBe("NOT_FOUND");
    expect(isNotFound(err)).toBe(true);
    expect(err.ambiguous).toBe(false);
  });

  it("rents, reads, details, updates (partial; null clears) and releases a number", async () => {
    const [candidate] = await available(1);
    const rented = await exotel.rent({
      phoneNumber: candidate!.phone_number,
      voiceUrl: "http://my.exotel.com/sandbox1/exoml/start_voice/1",
      friendlyName: "front desk",
    });
    expect(rented.sid).toMatch(/^[0-9a-f]{32}$/);
    expect(rented.phone_number).toBe(candidate!.phone_number);
    expect(rented.voice_url).toBe("http://my.exotel.com/sandbox1/exoml/start_voice/1");
    expect(rented.friendly_name).toBe("front desk");
    expect(rented.rental_price).toMatch(/^\d+\.\d{6}$/);

    const got = await exotel.get(rented.sid);
    expect(got.sid).toBe(rented.sid);
    expect(got.phone_number).toBe(rented.phone_number);

    const details = await exotel.getNumberDetails(rented.sid);
    expect(details.sid).toBe(rented.sid);
    expect(details.phone_number).toBe(rented.phone_number);
    expect(typeof details.connectivity?.incoming_call?.status).toBe("string");
    expect(typeof details.connectivity?.outgoing_call?.status).toBe("string");

    const updated = await exotel.update(rented.sid, {
      smsUrl: "http://my.exotel.com/sandbox1/exoml/start_sms/2",
    });
    expect(updated.sms_url).toBe("http://my.exotel.com/sandbox1/exoml/start_sms/2");
    expect(updated.voice_url).toBe("http://my.exotel.com/sandbox1/exoml/start_voice/1");
    expect(updated.friendly_name).toBe("front desk");

    const cleared = await exotel.update(rented.sid, { voiceUrl: null, friendlyName: null });
    expect(cleared.voice_url).toBeNull();
    expect(cleared.friendly_name).toBeNull();
    expect(cleared.sms_url).toBe("http://my.exotel.com/sandbox1/exoml/start_sms/2");

    await exotel.release(rented.sid);
    const gone = await failure(exotel.get(rented.sid));
    expect(isNotFound(gone)).toBe(true);
    expect(gone.code).toBe("NOT_FOUND");
    expect(gone.message).toMatch(/^exotel getNumber failed: HTTP 404 NOT_FOUND: /);
    const goneDetails = await failure(exotel.getNumberDetails(rented.sid));
    expect(isNotFound(goneDetails)).toBe(true);
    expect(goneDetails.code).toBe("1000");
  });

  it("rents a number given in national form", async () => {
    const [candidate] = await available(1);
    const national = `0${candidate!.phone_number.slice(3)}`;
    const rented = await exotel.rent({ phoneNumber: national });
    expect(rented.phone_number).toBe(candidate!.phone_number);
  });

  it("maps a rent of a number already rented to 400 NUMBER_NOT_AVAILABLE, not ambiguous", async () => {
    const [candidate] = await available(1);
    await exotel.rent({ phoneNumber: candidate!.phone_number });
    const err = await failure(exotel.rent({ phoneNumber: candidate!.phone_number }));
    expect(err.status).toBe(400);
    expect(err.code).toBe("NUMBER_NOT_AVAILABLE");
    expect(err.ambiguous).toBe(false);
    expect(err.vendorMessage).toBeTruthy();
    expect(err.message).toBe(`exotel rentNumber failed: HTTP 400 NUMBER_NOT_AVAILABLE: ${err.vendorMessage}`);
  });

  it("walks the list lazily across three or more pages", async () => {
    const candidates = await available(5);
    const sids: string[] = [];
    for (const c of candidates) {
      sids.push((await exotel.rent({ phoneNumber: c.phone_number })).sid);
    }
    const pages = await collect(exotel.listPages({ pageSize: 2 }));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.flat().map((n) => n.sid)).toEqual(sids);
    expect((await collect(exotel.list({ pageSize: 2 }))).map((n) => n.sid)).toEqual(sids);

    await admin("DELETE", "/requests");
    for await (const n of exotel.list({ pageSize: 2 })) {
      expect(n.sid).toBe(sids[0]);
      break;
    }
    const lists = await log((r) => r.method === "GET" && r.path.endsWith("/IncomingPhoneNumbers"));
    expect(lists).toHaveLength(1);
  });

  it("maps bad credentials to 401 AUTHENTICATION_FAILED without leaking them", async () => {
    const bad = exotelClient(account({ ...ACCOUNT, apiToken: "wrong-token-0123456789" }, { retryLimit: 0 }));
    const err = await failure(bad.get("0123456789abcdef0123456789abcdef"));
    expect(err.status).toBe(401);
    expect(err.code).toBe("AUTHENTICATION_FAILED");
    expect(err.vendor).toBe("exotel");
    expect(err.operation).toBe("getNumber");
  });

  it("attempts a rent exactly once on a 500, and reports it as ambiguous", async () => {
    const [candidate] = await available(1);
    await fault({
      method: "POST",
      path: "IncomingPhoneNumbers$",
      action: { type: "status", status: 500 },
      times: 0,
    });
    await admin("DELETE", "/requests");
    const err = await failure(exotel.rent({ phoneNumber: candidate!.phone_number }));
    expect(err.status).toBe(500);
    expect(err.ambiguous).toBe(true);
    const posts = await log((r) => r.method === "POST");
    expect(posts).toHaveLength(1);
  });

  it("retries a GET after a 503 and then succeeds", async () => {
    const [candidate] = await available(1);
    const rented = await exotel.rent({ phoneNumber: candidate!.phone_number });
    await fault({
      method: "GET",
      path: `IncomingPhoneNumbers/${rented.sid}$`,
      action: { type: "status", status: 503 },
      times: 1,
    });
    await admin("DELETE", "/requests");
    const got = await exotel.get(rented.sid);
    expect(got.sid).toBe(rented.sid);
    const gets = await log((r) => r.method === "GET" && r.path.endsWith(rented.sid));
    expect(gets.map((r) => r.status)).toEqual([503, 200]);
  });

  it("retries a GET after a 429 (honouring Retry-After) and a connection reset before the response", async () => {
    const [candidate] = await available(1);
    const rented = await exotel.rent({ phoneNumber: candidate!.phone_number });
    await fault({
      method: "GET",
      path: `IncomingPhoneNumbers/${rented.sid}$`,
      action: { type: "status", status: 429 },
    });
    await fault({
      method: "PUT",
      path: `IncomingPhoneNumbers/${rented.sid}$`,
      action: { type: "reset", when: "before" },
    });
    await admin("DELETE", "/requests");
    expect((await exotel.get(rented.sid)).sid).toBe(rented.sid);
    expect((await exotel.update(rented.sid, { friendlyName: "after reset" })).friendly_name).toBe(
      "after reset",
    );
    const calls = await log((r) => r.path.endsWith(rented.sid));
    expect(calls.map((r) => `${r.method} ${r.status}`)).toEqual(["GET 429", "GET 200", "PUT 0", "PUT 200"]);
  });

  it("gives a VendorResponseError (ambiguous) for a malformed body, on reads and on a rent that took effect", async () => {
    const [candidate] = await available(1);
    await fault({ method: "POST", path: "IncomingPhoneNumbers$", action: { type: "malformed" } });
    const err = await failure(exotel.rent({ phoneNumber: candidate!.phone_number }));
    expect(err).toBeInstanceOf(VendorResponseError);
    expect(err.ambiguous).toBe(true);
    expect(err.status).toBe(200);
    const listed = await collect(exotel.list());
    expect(listed.map((n) => n.phone_number)).toContain(candidate!.phone_number);

    await fault({ method: "GET", path: "IncomingPhoneNumbers$", action: { type: "malformed" } });
    const listErr = await failure(collect(exotel.list()));
    expect(listErr).toBeInstanceOf(VendorResponseError);
    expect(listErr.operation).toBe("listNumbers");
  });

  it("gives an ambiguous network error when the connection is reset after a rent took effect", async () => {
    const [candidate] = await available(1);
    await fault({ method: "POST", path: "IncomingPhoneNumbers$", action: { type: "reset", when: "after" } });
    await admin("DELETE", "/requests");
    const err = await failure(exotel.rent({ phoneNumber: candidate!.phone_number }));
    expect(err.status).toBeUndefined();
    expect(err.ambiguous).toBe(true);
    expect(err.message).toMatch(/^exotel rentNumber failed: network error/);
    expect((await log((r) => r.method === "POST")).length).toBe(1);
    const listed = await collect(exotel.list());
    expect(listed.map((n) => n.phone_number)).toContain(candidate!.phone_number);
  });

  it("names the field path when a 2xx body does not match the schema", async () => {
    const [candidate] = await available(1);
    const rented = await exotel.rent({ phoneNumber: candidate!.phone_number });
    await fault({
      method: "GET",
      path: `IncomingPhoneNumbers/${rented.sid}$`,
      action: { type: "status", status: 200, body: { sid: rented.sid, capabilities: { voice: "yes" } } },
    });
    const err = await failure(exotel.get(rented.sid));
    expect(err).toBeInstanceOf(VendorResponseError);
    expect(err.message).toMatch(/^exotel getNumber failed: HTTP 200: unexpected response body: /);
    expect(err.message).toContain("capabilities.voice");
    // Get-one may answer an abridged object (the 2026 pages): a missing phone_number is no mismatch.
    expect((err as VendorResponseError).issues).toEqual(["capabilities.voice"]);
  });

  it("maps a 429 to a VendorApiError with retryAfter, and never retries the rent", async () => {
    const tiny = exotelClient(account(TINY));
    const errors: VendorApiError[] = [];
    for (let i = 0; i < 3; i++) {
      errors.push(await failure(tiny.rent({ phoneNumber: "+910000000000" })));
    }
    const limited = errors.find((e) => e.status === 429);
    expect(limited).toBeDefined();
    expect(limited!.code).toBe("RATE_LIMIT_EXCEEDED");
    expect(limited!.retryAfter).toBeGreaterThan(0);
    expect(limited!.ambiguous).toBe(false);
    const posts = await log((r) => r.method === "POST" && r.path.includes("/tiny2/"));
    // The first rent is refused (400: nothing applied) and asked once more in the national form; a 429
    // is never asked again by the client.
    expect(posts.map((r) => r.status)).toEqual([400, 400, 429, 429]);
  });

  it("keeps 12 concurrent GETs under a 5 per second limit (no 429 in the sandbox log)", async () => {
    const client = exotelClient(account(LIMITED, { rateLimit: { requests: 5, windowMs: 1000 } }));
    await admin("DELETE", "/requests");
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        client.searchAvailableNumbers({ country: "IN", numberType: "Landline" }),
      ),
    );
    expect(results).toHaveLength(12);
    const reqs = await log((r) => r.path.includes("/limited5/"));
    expect(reqs).toHaveLength(12);
    expect(reqs.filter((r) => r.status === 429)).toHaveLength(0);
    const times = reqs.map((r) => millis(r.time)).sort((a, b) => a - b);
    // 12 requests at 5 per window need three windows.
    expect(times[11]! - times[0]!).toBeGreaterThanOrEqual(2000);
  });

  it("never lets a credential reach an error message, stack, inspect or JSON", () => {
    expect(seen.length).toBeGreaterThan(10);
    const basic = [ACCOUNT, LIMITED, TINY].flatMap((a) => [
      Buffer.from(`${a.apiKey}:${a.apiToken}`).toString("base64"),
      Buffer.from(`${ACCOUNT.apiKey}:wrong-token-0123456789`).toString("base64"),
    ]);
    for (const err of seen) {
      const e = err as Error;
      const texts = [
        e.message,
        e.stack ?? "",
        inspect(err, { depth: 20 }),
        inspect(err, { depth: 20, showHidden: true }),
        JSON.stringify(err),
      ];
      for (const t of texts) {
        for (const secret of [...SECRETS, ...basic]) {
          expect(t).not.toContain(secret);
        }
        expect(t.toLowerCase()).not.toContain("authorization");
      }
    }
  });
});
