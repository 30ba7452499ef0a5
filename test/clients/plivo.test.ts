/**
 * The Plivo client against the sandbox over real HTTP: search walks, buy, number groups and
 * pending orders, account numbers, error mapping, retries and credential hygiene.
 */
import { inspect } from "node:util";
import { isNotFound, type VendorApiError, VendorResponseError } from "../../provider/core/errors.js";
import { type PlivoAccount, type PlivoClient, plivoClient } from "../../provider/plivo/client.js";
import { startSandbox } from "../../sandbox/index.js";
import { admin as supportAdmin, vendorFailure } from "../support/sandbox.js";

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
interface LoggedRequest {
  seq: number;
  time: string | number;
  method: string;
  path: string;
  query?: Record<string, unknown> | string;
  status: number;
}

const AUTH_ID = "MASANDBOX00000000001";
const AUTH_TOKEN = "sandbox-plivo-token-1";
const WRONG_TOKEN = "wrong-plivo-token-0123456789";

let sb: Sandbox;
let plivo: PlivoClient;
const seen: unknown[] = [];

function account(extra: Partial<PlivoAccount> = {}): PlivoAccount {
  return { authId: AUTH_ID, authToken: AUTH_TOKEN, baseUrl: `${sb.url}/plivo`, ...extra };
}

function admin(method: string, path: string, body?: unknown): Promise<unknown> {
  return supportAdmin(sb, method, path.replace(/^\//, ""), body);
}

async function log(filter: (r: LoggedRequest) => boolean = () => true): Promise<LoggedRequest[]> {
  const body = (await admin("GET", "/requests?vendor=plivo")) as { requests: LoggedRequest[] };
  return body.requests.filter(filter);
}

async function fault(spec: Record<string, unknown>): Promise<void> {
  await admin("POST", "/faults", { vendor: "plivo", ...spec });
}

function failure(p: Promise<unknown>): Promise<VendorApiError> {
  return vendorFailure(p, seen);
}

async function take<T>(it: AsyncIterable<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  if (n <= 0) {
    return out;
  }
  for await (const x of it) {
    out.push(x);
    if (out.length >= n) {
      break;
    }
  }
  return out;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  return take(it, Number.POSITIVE_INFINITY);
}

function queryOf(r: LoggedRequest): URLSearchParams {
  if (typeof r.query === "string") {
    return new URLSearchParams(r.query.replace(/^\?/, ""));
  }
  return new URLSearchParams(Object.entries(r.query ?? {}).map(([k, v]): [string, string] => [k, String(v)]));
}

/** Numbers for sale in the US (not a regulated country: buys are fulfilled at once). */
async function forSale(n: number): Promise<string[]> {
  const found = await take(plivo.search({ countryIso: "US" }), n);
  expect(found).toHaveLength(n);
  return found.map((x) => x.number);
}

beforeAll(async () => {
  sb = await startSandbox({ port: 0, quiet: true });
  plivo = plivoClient(account());
});

afterAll(async () => {
  await sb?.close();
});

beforeEach(async () => {
  await admin("POST", "/reset");
});

describe("plivo client", () => {
  it("walks the number search lazily across three or more pages", async () => {
    await admin("DELETE", "/requests");
    const found = await take(plivo.search({ countryIso: "US", limit: 3 }), 9);
    expect(found).toHaveLength(9);
    expect(new Set(found.map((n) => n.number)).size).toBe(9);
    for (const n of found) {
      expect(n.number).toMatch(/^1\d+$/);
      expect(n.monthly_rental_rate).toMatch(/^\d+\.\d{5}$/);
    }
    const searches = await log((r) => r.path.endsWith("/PhoneNumber/"));
    expect(searches).toHaveLength(3);
    expect(searches.map((r) => queryOf(r).get("offset"))).toEqual(["0", "3", "6"]);
    expect(searches.every((r) => queryOf(r).get("country_iso") === "US")).toBe(true);
  });

  it("filters the search by pattern", async () => {
    const [first] = await take(plivo.search({ countryIso: "US" }), 1);
    const pattern = first!.number.slice(1, 4);
    const matching = await take(plivo.search({ countryIso: "US", pattern }), 5);
    expect(matching.length).toBeGreaterThan(0);
    expect(matching.every((n) => n.number.startsWith(`1${pattern}`))).toBe(true);
  });

  it("maps a search limit above 20 to a capped page size (no 400)", async () => {
    const found = await take(plivo.search({ countryIso: "US", limit: 50 }), 1);
    expect(found).toHaveLength(1);
  });

  it("buys, reads, updates (alias, app link and unlink) and unrents a number", async () => {
    const [number] = await forSale(1);
    const order = await plivo.rent({ number: number! });
    expect(order.status).toBe("fulfilled");
    expect(order.numbers).toEqual([{ number, status: "Success" }]);

    const held = await plivo.get(number!);
    expect(held.number).toBe(number);
    expect(held.alias).toBeNull();
    expect(held.application).toBeNull();
    expect(held.added_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(held.monthly_rental_rate).toMatch(/^\d+\.\d{5}$/);

    await plivo.update(number!, { alias: "support line", appId: "29986316244302815" });
    const linked = await plivo.get(number!);
    expect(linked.alias).toBe("support line");
    expect(linked.application).toBe(`/v1/Account/${AUTH_ID}/Application/29986316244302815/`);

    await plivo.update(number!, { appId: null });
    const unlinked = await plivo.get(number!);
    expect(unlinked.application).toBeNull();
    expect(unlinked.alias).toBe("support line");

    await plivo.release(number!);
    const gone = await failure(plivo.get(number!));
    expect(isNotFound(gone)).toBe(true);
    expect(gone.vendorMessage).toBeTruthy();
    expect(gone.message).toMatch(/^plivo getNumber failed: HTTP 404: /);
  });

  it("accepts a number with a leading + and returns digits", async () => {
    const [number] = await forSale(1);
    await plivo.rent({ number: `+${number}` });
    expect((await plivo.get(`+${number}`)).number).toBe(number);
  });

  it("maps buying a number that is not for sale to a 404", async () => {
    const err = await failure(plivo.rent({ number: "19999999999" }));
    expect(err.status).toBe(404);
    expect(err.vendorMessage).toBe("not found");
    expect(err.ambiguous).toBe(false);
  });

  it("lists account numbers across three or more pages with filters", async () => {
    const numbers = await forSale(5);
    for (const n of numbers) {
      await plivo.rent({ number: n });
    }
    await plivo.update(numbers[0]!, { alias: "the one" });
    const pages = await collect(plivo.listPages({ pageSize: 2 }));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(new Set(pages.flat().map((n) => n.number))).toEqual(new Set(numbers));
    expect((await collect(plivo.list({ pageSize: 2 }))).length).toBe(5);
    const byAlias = await collect(plivo.list({ alias: "the one" }));
    expect(byAlias.map((n) => n.number)).toEqual([numbers[0]]);
    const prefix = numbers[0]!.slice(0, 4);
    const byPrefix = await collect(plivo.list({ numberStartswith: prefix }));
    expect(byPrefix.every((n) => n.number.startsWith(prefix))).toBe(true);
  });

  it("buys in a regulated country as a pending order that joins the account when completed", async () => {
    const [fr] = await take(plivo.search({ countryIso: "FR" }), 1);
    expect(fr).toBeDefined();
    const order = await plivo.rent({ number: fr!.number });
    expect(order.status).toBe("pending");
    expect(order.numbers.every((n) => n.status === "pending")).toBe(true);
    expect(isNotFound(await failure(plivo.get(fr!.number)))).toBe(true);

    const { orders } = (await admin("GET", "/plivo/orders")) as { orders: { id: string; status: string }[] };
    const pending = orders.find((o) => o.status === "pending");
    expect(pending).toBeDefined();
    await admin("POST", `/plivo/orders/${pending!.id}/complete`);
    expect((await plivo.get(fr!.number)).number).toBe(fr!.number);
  });

  it("searches number groups, reads one and orders from it", async () => {
    const groups = await take(plivo.searchNumberGroups({ countryIso: "US" }), 5);
    expect(groups.length).toBeGreaterThan(0);
    const group = groups.find((g) => g.stock >= 2)!;
    expect(group).toBeDefined();
    expect(group.rental_rate).toMatch(/^\d+\.\d+$/);

    const read = await plivo.getNumberGroup(group.group_id);
    expect(read.group_id).toBe(group.group_id);

    const order = await plivo.orderFromGroup(group.group_id, { quantity: 2 });
    expect(order.status).toBe("fulfilled");
    expect(order.numbers).toHaveLength(2);
    expect((await plivo.getNumberGroup(group.group_id)).stock).toBe(read.stock - 2);
    for (const n of order.numbers) {
      expect((await plivo.get(n.number)).number).toBe(n.number);
    }

    const tooMany = await failure(plivo.orderFromGroup(group.group_id, { quantity: read.stock + 1 }));
    expect(tooMany.status).toBe(400);
    expect(isNotFound(await failure(plivo.getNumberGroup("00000000000000")))).toBe(true);
  });

  it("orders from a group in a regulated country as pending, with details and no numbers", async () => {
    const [group] = await take(plivo.searchNumberGroups({ countryIso: "FR" }), 1);
    expect(group).toBeDefined();
    const order = await plivo.orderFromGroup(group!.group_id, { quantity: 1 });
    expect(order.status).toBe("pending");
    expect(order.numbers).toEqual([]);
    expect(order.details).toMatch(/^Order for 1 number/);
  });

  it("maps bad credentials to a 401 without leaking them", async () => {
    const bad = plivoClient(account({ authToken: WRONG_TOKEN, retryLimit: 0 }));
    const err = await failure(bad.get("14155550100"));
    expect(err.status).toBe(401);
    expect(err.vendor).toBe("plivo");
  });

  it("attempts a buy exactly once on a 500, reported as ambiguous", async () => {
    const [number] = await forSale(1);
    await fault({ method: "POST", path: "/PhoneNumber/", action: { type: "status", status: 500 }, times: 0 });
    await admin("DELETE", "/requests");
    const err = await failure(plivo.rent({ number: number! }));
    expect(err.status).toBe(500);
    expect(err.ambiguous).toBe(true);
    expect(await log((r) => r.method === "POST")).toHaveLength(1);
  });

  it("retries a GET after a 503, and the idempotent update POST too", async () => {
    const [number] = await forSale(1);
    await plivo.rent({ number: number! });
    await fault({ method: "GET", path: `/Number/${number}/`, action: { type: "status", status: 503 } });
    await fault({ method: "POST", path: `/Number/${number}/`, action: { type: "status", status: 503 } });
    await admin("DELETE", "/requests");
    expect((await plivo.get(number!)).number).toBe(number);
    await plivo.update(number!, { alias: "retried" });
    const calls = await log((r) => r.path.endsWith(`/Number/${number}/`));
    expect(calls.map((r) => `${r.method} ${r.status}`)).toEqual([
      "GET 503",
      "GET 200",
      "POST 503",
      "POST 202",
    ]);
    expect((await plivo.get(number!)).alias).toBe("retried");
  });

  it("gives an ambiguous error when the connection is reset after a buy took effect", async () => {
    const [number] = await forSale(1);
    await fault({ method: "POST", path: "/PhoneNumber/", action: { type: "reset", when: "after" } });
    await admin("DELETE", "/requests");
    const err = await failure(plivo.rent({ number: number! }));
    expect(err.status).toBeUndefined();
    expect(err.ambiguous).toBe(true);
    expect(await log((r) => r.method === "POST")).toHaveLength(1);
    expect((await plivo.get(number!)).number).toBe(number);
  });

  it("gives a VendorResponseError for a malformed body", async () => {
    const [number] = await forSale(1);
    await fault({ method: "POST", path: "/PhoneNumber/", action: { type: "malformed" } });
    const err = await failure(plivo.rent({ number: number! }));
    expect(err).toBeInstanceOf(VendorResponseError);
    expect(err.ambiguous).toBe(true);
    expect((await plivo.get(number!)).number).toBe(number);
  });

  it("never lets a credential reach an error message, stack, inspect or JSON", () => {
    expect(seen.length).toBeGreaterThan(5);
    const secrets = [
      AUTH_TOKEN,
      WRONG_TOKEN,
      Buffer.from(`${AUTH_ID}:${AUTH_TOKEN}`).toString("base64"),
      Buffer.from(`${AUTH_ID}:${WRONG_TOKEN}`).toString("base64"),
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
