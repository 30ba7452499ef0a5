/**
 * The Apifonica client against the sandbox over real HTTP: search, rent, numbers, applications,
 * cursor walks, costs, error mapping, retries and credential hygiene.
 */
import { inspect } from "node:util";
import {
  type ApifonicaAccount,
  type ApifonicaClient,
  apifonicaClient,
} from "../../provider/apifonica/client.js";
import { isNotFound, type VendorApiError, VendorResponseError } from "../../provider/core/errors.js";
import { startSandbox } from "../../sandbox/index.js";
import { admin as supportAdmin, vendorFailure } from "../support/sandbox.js";

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
interface LoggedRequest {
  seq: number;
  method: string;
  path: string;
  status: number;
}

const ACCOUNT_SID = "acc00000000-0000-4000-8000-000000000001";
const AUTH_TOKEN = "aut00000000-0000-4000-8000-000000000001";
const WRONG_TOKEN = "aut11111111-1111-4111-8111-111111111111";

let sb: Sandbox;
let apifonica: ApifonicaClient;
const seen: unknown[] = [];

function account(extra: Partial<ApifonicaAccount> = {}): ApifonicaAccount {
  return { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: `${sb.url}/apifonica`, ...extra };
}

function admin(method: string, path: string, body?: unknown): Promise<unknown> {
  return supportAdmin(sb, method, path.replace(/^\//, ""), body);
}

async function log(filter: (r: LoggedRequest) => boolean = () => true): Promise<LoggedRequest[]> {
  const body = (await admin("GET", "/requests?vendor=apifonica")) as { requests: LoggedRequest[] };
  return body.requests.filter(filter);
}

async function fault(spec: Record<string, unknown>): Promise<void> {
  await admin("POST", "/faults", { vendor: "apifonica", ...spec });
}

function failure(p: Promise<unknown>): Promise<VendorApiError> {
  return vendorFailure(p, seen);
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) {
    out.push(x);
  }
  return out;
}

let country = "";

/** `n` numbers for sale (E.164 with +), searching again as earlier ones get rented. */
async function forSale(n: number): Promise<string[]> {
  const found = await apifonica.searchAvailableNumbers(country);
  expect(found.length).toBeGreaterThanOrEqual(Math.min(n, 10));
  return found.slice(0, n).map((x) => x.number);
}

async function rentMany(n: number): Promise<string[]> {
  const sids: string[] = [];
  while (sids.length < n) {
    const batch = await forSale(Math.min(10, n - sids.length));
    for (const number of batch) {
      sids.push((await apifonica.rent({ number })).numberSid);
    }
  }
  return sids;
}

beforeAll(async () => {
  sb = await startSandbox({ port: 0, quiet: true });
  apifonica = apifonicaClient(account());
  for (const c of ["GB", "US", "IE", "DE", "RU", "NL", "ES", "FR"]) {
    const found = await apifonica.searchAvailableNumbers(c).catch(() => []);
    if (found.length >= 5) {
      country = c;
      break;
    }
  }
  expect(country).not.toBe("");
});

afterAll(async () => {
  await sb?.close();
});

beforeEach(async () => {
  await admin("POST", "/reset");
});

describe("apifonica client", () => {
  it("searches available numbers, case-insensitive country, with filters", async () => {
    const upper = await apifonica.searchAvailableNumbers(country);
    expect(upper.length).toBeGreaterThan(0);
    expect(upper.length).toBeLessThanOrEqual(10);
    expect(upper.every((n) => n.number.startsWith("+"))).toBe(true);
    const lower = await apifonica.searchAvailableNumbers(country.toLowerCase());
    expect(lower.map((n) => n.number)).toEqual(upper.map((n) => n.number));
    const messaging = await apifonica.searchAvailableNumbers(country, { messaging: true });
    expect(messaging.every((n) => n.messaging)).toBe(true);
    const type = upper[0]!.type;
    const typed = await apifonica.searchAvailableNumbers(country, { type });
    expect(typed.length).toBeGreaterThan(0);
    expect(typed.every((n) => n.type === type)).toBe(true);
  });

  it("gives every offer the search answer's country name, the one its record shows once rented", async () => {
    const [offer] = await apifonica.searchAvailableNumbers(country);
    expect(offer!.country_name).toMatch(/\S/);
    const { numberSid } = await apifonica.rent({ number: offer!.number });
    expect((await apifonica.get(numberSid)).country_name).toBe(offer!.country_name);
  });

  it("rents, reads, links an application, updates and releases a number", async () => {
    const [number] = await forSale(1);
    const { numberSid } = await apifonica.rent({ number: number! });
    expect(numberSid).toMatch(/^num/);

    const rented = await apifonica.get(numberSid);
    expect(rented.number_sid).toBe(numberSid);
    expect(rented.number.replace(/^\+/, "")).toBe(number!.slice(1));
    expect(rented.call_app_sid).toBe("default_call_app_sid");
    expect(rented.msg_app_sid).toBe("default_msg_app_sid");
    expect(rented.call_controller).toBe("");
    expect(rented.call_method).toBe("GET");

    const { applicationSid } = await apifonica.createApplication({
      controller: "https://example.com/voice.xml",
      method: "POST",
      name: "ivr",
    });
    expect(applicationSid).toMatch(/^app/);
    const app = await apifonica.getApplication(applicationSid);
    expect(app.application_sid).toBe(applicationSid);
    expect(app.controller).toBe("https://example.com/voice.xml");
    expect(app.method).toBe("POST");
    expect(app.name).toBe("ivr");

    await apifonica.update(numberSid, { callAppSid: applicationSid, name: "main line" });
    const linked = await apifonica.get(numberSid);
    expect(linked.call_app_sid).toBe(applicationSid);
    expect(linked.call_controller).toBe("https://example.com/voice.xml");
    expect(linked.call_method).toBe("POST");
    expect(linked.name).toBe("main line");

    await apifonica.updateApplication(applicationSid, {
      controller: "https://example.com/v2.xml",
      method: "GET",
    });
    const moved = await apifonica.get(numberSid);
    expect(moved.call_controller).toBe("https://example.com/v2.xml");
    expect(moved.call_method).toBe("GET");

    await apifonica.deleteApplication(applicationSid);
    expect(isNotFound(await failure(apifonica.getApplication(applicationSid)))).toBe(true);
    const unlinked = await apifonica.get(numberSid);
    expect(unlinked.call_app_sid).toBe("default_call_app_sid");
    expect(unlinked.call_controller).toBe("");

    await apifonica.release(numberSid);
    const gone = await failure(apifonica.get(numberSid));
    expect(isNotFound(gone)).toBe(true);
    expect(gone.code).toBe("NOT FOUND");
    expect(gone.message).toMatch(/^apifonica getNumber failed: HTTP 404 NOT FOUND: /);
  });

  it("rents with a messaging application and accepts a number without +", async () => {
    const { applicationSid } = await apifonica.createApplication({
      controller: "https://example.com/sms",
      method: "GET",
    });
    const [number] = await forSale(1);
    const { numberSid } = await apifonica.rent({ number: number!.slice(1), msgAppSid: applicationSid });
    const rented = await apifonica.get(numberSid);
    expect(rented.msg_app_sid).toBe(applicationSid);
    expect(rented.msg_controller).toBe("https://example.com/sms");
  });

  it("rejects a rent with both application SIDs, and one of a number not for sale, as 400", async () => {
    const { applicationSid } = await apifonica.createApplication({
      controller: "https://example.com/x",
      method: "GET",
    });
    const [number] = await forSale(1);
    const both = await failure(
      apifonica.rent({ number: number!, callAppSid: applicationSid, msgAppSid: applicationSid }),
    );
    expect(both.status).toBe(400);
    expect(both.ambiguous).toBe(false);
    await apifonica.rent({ number: number! });
    const again = await failure(apifonica.rent({ number: number! }));
    expect(again.status).toBe(400);
    expect(again.vendorMessage).toBe("Number is not available");
    const badApp = await failure(
      apifonica.update("num00000000-0000-4000-8000-000000000000", { callAppSid: "app-x" }),
    );
    expect([400, 404]).toContain(badApp.status);
  });

  it("walks the rented numbers across three or more pages, with filters", async () => {
    const sids = await rentMany(5);
    const pages = await collect(apifonica.listPages({ pageSize: 2 }));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(new Set(pages.flat().map((n) => n.number_sid))).toEqual(new Set(sids));
    const all = await collect(apifonica.list());
    expect(all).toHaveLength(5);
    const one = all[0]!;
    const byNumber = await collect(apifonica.list({ number: one.number, pageSize: 2 }));
    expect(byNumber.map((n) => n.number_sid)).toEqual([one.number_sid]);
    const byCountry = await collect(apifonica.list({ countryCode: one.country_code, pageSize: 2 }));
    expect(byCountry).toHaveLength(5);
  });

  it("walks the number costs", async () => {
    const sids = await rentMany(3);
    const costs = await collect(apifonica.listNumberCosts());
    expect(new Set(costs.map((c) => c.number_sid))).toEqual(new Set(sids));
    for (const c of costs) {
      expect(c.monthly_price).toMatch(/^\d+\.\d{2}$/);
      expect(typeof c.currency).toBe("string");
    }
  });

  it("walks the cost pages with the cursor each was read at, and again from a cursor", async () => {
    const sids = await rentMany(45);
    const pages = await collect(apifonica.listNumberCostPages());
    expect(pages.map((p) => p.items.length)).toEqual([20, 20, 5]);
    expect(pages[0]!.at).toBeUndefined();
    expect(pages.flatMap((p) => p.items.map((c) => c.number_sid))).toEqual(sids);
    const last = pages[2]!.at!;
    expect(last).toMatch(/\S/);
    const more = await rentMany(2);
    // From the last page's cursor: that page again, then what was added since.
    const tail = await collect(apifonica.listNumberCostPages(last));
    expect(tail.flatMap((p) => p.items.map((c) => c.number_sid))).toEqual([...sids.slice(40), ...more]);
    expect(tail[0]!.at).toBe(last);
  });

  it("maps bad credentials to a 401 without leaking them", async () => {
    const bad = apifonicaClient(account({ authToken: WRONG_TOKEN, retryLimit: 0 }));
    const err = await failure(bad.searchAvailableNumbers(country));
    expect(err.status).toBe(401);
    expect(err.vendor).toBe("apifonica");
  });

  it("attempts a rent and an application create exactly once on a 500", async () => {
    const [number] = await forSale(1);
    await fault({ method: "POST", action: { type: "status", status: 500 }, times: 0 });
    await admin("DELETE", "/requests");
    const rent = await failure(apifonica.rent({ number: number! }));
    expect(rent.status).toBe(500);
    expect(rent.ambiguous).toBe(true);
    const create = await failure(
      apifonica.createApplication({ controller: "https://example.com/a", method: "GET" }),
    );
    expect(create.status).toBe(500);
    expect(await log((r) => r.method === "POST")).toHaveLength(2);
  });

  it("retries a GET after a 503 and then succeeds", async () => {
    const [sid] = await rentMany(1);
    await fault({ method: "GET", path: `/numbers/${sid}$`, action: { type: "status", status: 503 } });
    await admin("DELETE", "/requests");
    expect((await apifonica.get(sid!)).number_sid).toBe(sid);
    expect((await log((r) => r.path.endsWith(sid!))).map((r) => r.status)).toEqual([503, 200]);
  });

  it("gives an ambiguous error when the connection is reset after a rent took effect", async () => {
    const [number] = await forSale(1);
    await fault({ method: "POST", path: "/numbers$", action: { type: "reset", when: "after" } });
    const err = await failure(apifonica.rent({ number: number! }));
    expect(err.status).toBeUndefined();
    expect(err.ambiguous).toBe(true);
    const listed = await collect(apifonica.list());
    expect(listed.map((n) => n.number.replace(/^\+/, ""))).toContain(number!.slice(1));
  });

  it("gives a VendorResponseError for a malformed body", async () => {
    await fault({ method: "POST", path: "/applications$", action: { type: "malformed" } });
    const err = await failure(
      apifonica.createApplication({ controller: "https://example.com/m", method: "GET" }),
    );
    expect(err).toBeInstanceOf(VendorResponseError);
    expect(err.ambiguous).toBe(true);
  });

  it("never lets a credential reach an error message, stack, inspect or JSON", () => {
    expect(seen.length).toBeGreaterThan(5);
    const secrets = [
      AUTH_TOKEN,
      WRONG_TOKEN,
      Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64"),
      Buffer.from(`${ACCOUNT_SID}:${WRONG_TOKEN}`).toString("base64"),
    ];
    for (const err of seen) {
      const e = err as Error;
      for (const t of [
        e.message,
        e.stack ?? "",
        inspect(err, { depth: 20, showHidden: true }),
        JSON.stringify(err),
      ]) {
        for (const s of secrets) {
          expect(t).not.toContain(s);
        }
      }
    }
  });
});
