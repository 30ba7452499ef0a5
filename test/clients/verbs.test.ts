/**
 * The uniform verbs (search, rent, get, list, update, release) of every vendor client against the
 * sandbox over real HTTP, the client factory seam, and the one
 * next-page cursor walk.
 */

import { readFileSync } from "node:fs";
import { type ApifonicaClient, apifonicaClient } from "../../provider/apifonica/client.js";
import { restoreClientFactory, setClientFactory } from "../../provider/core/client-factory.js";
import { VendorApiError } from "../../provider/core/errors.js";
import { USER_AGENT } from "../../provider/core/http.js";
import { linkParams, walkLinked } from "../../provider/core/paging.js";
import { vendorAccount } from "../../provider/core/vendor-account.js";
import { type ExotelClient, exotelClient } from "../../provider/exotel/client.js";
import { type PlivoClient, plivoClient, plivoClients } from "../../provider/plivo/client.js";
import { startSandbox } from "../../sandbox/index.js";
import { admin } from "../support/sandbox.js";

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

let sb: Sandbox;

const exotel = (): ExotelClient => exotelClient({ ...sb.accounts.exotel[0]!, baseUrl: `${sb.url}/exotel` });
const plivo = (): PlivoClient => plivoClient({ ...sb.accounts.plivo[0]!, baseUrl: `${sb.url}/plivo` });
const apifonica = (): ApifonicaClient =>
  apifonicaClient({ ...sb.accounts.apifonica[0]!, baseUrl: `${sb.url}/apifonica` });

async function take<T>(it: AsyncIterable<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) {
    out.push(x);
    if (out.length >= n) break;
  }
  return out;
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  return take(it, Number.POSITIVE_INFINITY);
}

beforeAll(async () => {
  sb = await startSandbox({ port: 0, quiet: true });
});

afterAll(async () => {
  restoreClientFactory();
  await sb?.close();
});

beforeEach(async () => {
  await admin(sb, "POST", "reset");
});

describe("uniform verbs", () => {
  it("exotel: search, rent, get, list, update, release", async () => {
    const api = exotel();
    const query = { country: "IN", numberType: "Landline" as const };
    const offers = await all(api.search(query));
    expect(offers).toEqual(await api.searchAvailableNumbers(query));
    const rented = await api.rent({ phoneNumber: offers[0]!.phone_number, friendlyName: "verbs" });
    expect((await api.get(rented.sid)).friendly_name).toBe("verbs");
    expect((await all(api.list({ pageSize: 2 }))).map((n) => n.sid)).toContain(rented.sid);
    expect((await all(api.listPages({ pageSize: 1 }))).flat()).toEqual(await all(api.list()));
    expect((await api.update(rented.sid, { friendlyName: "renamed" })).sid).toBe(rented.sid);
    expect((await api.get(rented.sid)).friendly_name).toBe("renamed");
    await api.release(rented.sid);
    expect((await all(api.list())).map((n) => n.sid)).not.toContain(rented.sid);
  });

  it("plivo: search, rent, get, list, update, release", async () => {
    const api = plivo();
    const offers = await take(api.search({ countryIso: "US", limit: 3 }), 4);
    expect(offers).toHaveLength(4); // the walk went on past the first page of 3
    const number = offers[0]!.number;
    expect((await api.rent({ number })).status).toBe("fulfilled");
    // Each answer carries its own api_id.
    expect((await api.get(number)).number).toBe(number);
    expect((await all(api.listPages({ pageSize: 1 }))).flat().map((n) => n.number)).toContain(number);
    await api.update(number, { alias: "verbs" });
    expect((await api.get(number)).alias).toBe("verbs");
    await api.release(number);
    expect((await all(api.list())).map((n) => n.number)).not.toContain(number);
  });

  it("apifonica: search, rent, get, list, update, release", async () => {
    const api = apifonica();
    const offers = await all(api.search({ countryCode: "GB" }));
    expect(offers.length).toBeGreaterThan(0);
    expect(offers).toEqual(await api.searchAvailableNumbers("GB"));
    const { numberSid } = await api.rent({ number: offers[0]!.number });
    expect((await api.get(numberSid)).number_sid).toBe(numberSid);
    expect((await all(api.list())).map((n) => n.number_sid)).toContain(numberSid);
    await api.update(numberSid, { name: "verbs" });
    expect((await api.get(numberSid)).name).toBe("verbs");
    await api.release(numberSid);
    expect((await all(api.list())).map((n) => n.number_sid)).not.toContain(numberSid);
  });
});

describe("client factory seam", () => {
  afterEach(() => restoreClientFactory());

  it("puts a test's client in place of the real one, and restores the cached real one", async () => {
    const real = plivo();
    const fake = { ...real, get: async () => ({ number: "fake" }) } as unknown as PlivoClient;
    setClientFactory("plivo", () => fake);
    expect(plivo()).toBe(fake);
    expect(exotel()).not.toBe(fake);
    restoreClientFactory("plivo");
    expect(plivo()).toBe(real);
  });

  it("hands the factory the account and the real factory, so a test can wrap the real client", async () => {
    const seen: string[] = [];
    setClientFactory("apifonica", (account, makeReal) => {
      seen.push(account.accountSid);
      return makeReal(account);
    });
    const api = apifonica();
    expect(seen).toEqual([sb.accounts.apifonica[0]!.accountSid]);
    expect(await all(api.list())).toEqual([]);
  });
});

describe("per-account bundle", () => {
  afterEach(() => restoreClientFactory());

  it("is built once per kind and account, with the account's client, and again after the seam changes", async () => {
    const settings = { ...sb.accounts.plivo[0]!, baseUrl: `${sb.url}/plivo` };
    let builds = 0;
    const bundle = () =>
      vendorAccount("test:bundle", plivoClients, settings, ({ api }) => {
        builds += 1;
        return { pages: () => api.listPages() };
      });
    const first = bundle();
    expect(bundle()).toBe(first);
    expect(builds).toBe(1);
    expect(typeof first.api.rent).toBe("function");
    expect(first.key).toBe(`plivo:${settings.baseUrl}:${settings.authId}`);
    const fake = { ...first.api } as PlivoClient;
    setClientFactory("plivo", () => fake);
    expect(bundle().api).toBe(fake);
    expect(builds).toBe(2);
  });
});

describe("user agent", () => {
  it("names the package's version from package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    expect(USER_AGENT).toBe(`pulumi-phone-numbers/${pkg.version}`);
  });
});

describe("linked page walk", () => {
  const fail = (detail: string) =>
    new VendorApiError({ vendor: "plivo", operation: "t", detail, ambiguous: false });
  const pages: Record<number, { items: number[]; link: string | null }> = {
    0: { items: [1, 2], link: "https://vendor.example/x?offset=2" },
    2: { items: [3], link: "/x?offset=4" },
    4: { items: [4], link: null },
  };

  function walk(book: typeof pages) {
    return walkLinked({
      first: 0,
      fetch: async (cursor: number) => book[cursor]!,
      items: (body) => body.items,
      link: (body) => body.link,
      next: (params, current) => {
        const offset = Number(params.get("offset"));
        return Number.isInteger(offset) && offset > current ? offset : undefined;
      },
      fail,
      unusable: "no usable offset",
      repeated: "repeats a page",
    });
  }

  it("follows absolute and relative links to the last page", async () => {
    expect((await all(walk(pages))).flat()).toEqual([1, 2, 3, 4]);
    expect(linkParams("not a url at all ::").get("offset")).toBeNull();
  });

  it("fails on a link without a usable cursor, after the pages before it", async () => {
    const broken = { ...pages, 2: { items: [3], link: "/x?offset=1" } };
    const seen: number[][] = [];
    await expect(
      (async () => {
        for await (const page of walk(broken)) seen.push(page);
      })(),
    ).rejects.toThrow("no usable offset");
    expect(seen).toEqual([[1, 2]]);
  });
});
