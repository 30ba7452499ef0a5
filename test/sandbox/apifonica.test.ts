/** Apifonica endpoints of the sandbox over real HTTP, with contract checks against the seed example. */
import { type SandboxHandle, startSandbox } from "../../sandbox/index.js";

// --- fixture: vendor seed document 003 (list of rented numbers; "..." dropped) ---------------------------
const SEED_LIST = {
  limit: 20,
  prev: null,
  next: "https://api.apifonica.com/v2/accounts/{accountSID}/numbers?next=57e4f04a0c9b2dfe504f27e2",
  numbers: [
    {
      number_sid: "{numberSID}",
      account_sid: "{accountSID}",
      number: "447480600503",
      token: null,
      country_code: "GB",
      country_name: "United Kingdom",
      type: "local",
      call_controller: "",
      call_method: "GET",
      msg_controller: "http://172.16.102.175:8082/messages/events",
      msg_method: "GET",
      msg_app_sid: "app61de164b-8e62-35d9-92d0-c6df5f0956ec",
      call_app_sid: "default_call_app_sid",
      endpoint_sid: null,
      created: "Thu, 31 Mar 2016 11:16:59 +0300",
      updated: "Thu, 31 Mar 2016 11:17:21 +0300",
      voice: false,
      messaging: true,
      mode: "xml",
    },
  ],
};
// vendor-apis.md (doc A4): available numbers.
const REF_AVAILABLE = {
  account_sid: "{accountSID}",
  country_code: "ie",
  country_name: "Ireland",
  available_numbers: [{ number: "+35315313424", voice: true, messaging: true, type: "mobile" }],
};

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
function formatOf(s: string): string | undefined {
  if (/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/.test(s))
    return "apifonica-date";
  if (/^\+\d+$/.test(s)) return "e164+";
  if (/^\d+$/.test(s)) return "digits";
  if (/\?next=[0-9a-f]{24}$/.test(s)) return "next-cursor-url";
  return undefined;
}
function kind(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}
/** Same keys (plus `extra`), same JSON types, same string formats. */
function expectShape(actual: unknown, seed: Json, path = "$", extra: string[] = []): void {
  expect(`${path}: ${kind(actual)}`).toBe(`${path}: ${kind(seed)}`);
  if (Array.isArray(seed) && Array.isArray(actual)) {
    if (seed[0] !== undefined && actual[0] !== undefined)
      expectShape(actual[0], seed[0], `${path}[0]`, extra);
  } else if (seed && typeof seed === "object" && !Array.isArray(seed)) {
    const a = actual as Record<string, unknown>;
    const keys = Object.keys(a).filter((k) => !extra.includes(k));
    expect(`${path}: ${keys.sort().join(",")}`).toBe(`${path}: ${Object.keys(seed).sort().join(",")}`);
    for (const k of Object.keys(seed)) expectShape(a[k], seed[k] as Json, `${path}.${k}`, extra);
  } else if (typeof seed === "string") {
    expect(`${path}: ${formatOf(actual as string)}`).toBe(`${path}: ${formatOf(seed)}`);
  }
}

let sb: SandboxHandle;
const ACC1 = "acc00000000-0000-4000-8000-000000000001";
const ACC2 = "acc00000000-0000-4000-8000-000000000002";
const AUTH1 = `Basic ${Buffer.from(`${ACC1}:aut00000000-0000-4000-8000-000000000001`).toString("base64")}`;
const AUTH2 = `Basic ${Buffer.from(`${ACC2}:aut00000000-0000-4000-8000-000000000002`).toString("base64")}`;
const B1 = `/apifonica/v2/accounts/${ACC1}`;
const B2 = `/apifonica/v2/accounts/${ACC2}`;

async function call(method: string, path: string, opts: { auth?: string; json?: unknown } = {}) {
  const headers: Record<string, string> = { authorization: opts.auth ?? AUTH1 };
  let body: string | undefined;
  if (opts.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.json);
  }
  const res = await fetch(sb.url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: test responses are checked field by field
  const json: any = text ? JSON.parse(text) : undefined;
  return { status: res.status, json };
}

async function rent(query: string, auth = AUTH1, base = B1, extra: Record<string, unknown> = {}) {
  const search = await call("GET", `${base}/availableNumbers/${query}`, { auth });
  const number = search.json.available_numbers[0].number as string;
  const r = await call("POST", `${base}/numbers`, { auth, json: { number, ...extra } });
  expect(r.status).toBe(201);
  const sid = (r.json.uri as string).split("/").pop() as string;
  return { sid, number };
}

async function createApp(controller: string, method = "POST", auth = AUTH1, base = B1): Promise<string> {
  const r = await call("POST", `${base}/applications`, { auth, json: { controller, method } });
  expect(r.status).toBe(201);
  return (r.json.uri as string).split("/").pop() as string;
}

beforeAll(async () => {
  sb = await startSandbox({ port: 0, quiet: true });
});
afterAll(async () => {
  await sb.close();
});

describe("Apifonica available numbers", () => {
  it("searches per country (case-insensitive), at most 10, shaped like the docs", async () => {
    const r = await call("GET", `${B1}/availableNumbers/IE?type=mobile&messaging=true`);
    expect(r.status).toBe(200);
    expectShape(r.json, REF_AVAILABLE);
    expect(r.json).toMatchObject({ account_sid: ACC1, country_code: "ie", country_name: "Ireland" });
    expect(r.json.available_numbers).toHaveLength(10);
    expect(r.json.available_numbers[0].number).toMatch(/^\+35386\d{7}$/);
    for (const cc of ["gb", "ru", "us"]) {
      const x = await call("GET", `${B1}/availableNumbers/${cc}`);
      expect(x.json.available_numbers.length).toBeGreaterThan(0);
    }
    const tf = await call("GET", `${B1}/availableNumbers/gb?type=toll_free`);
    expect(tf.json.available_numbers.every((n: { type: string }) => n.type === "toll_free")).toBe(true);
    const v = await call("GET", `${B1}/availableNumbers/gb?type=local&voice=false`);
    expect(v.json.available_numbers.every((n: { voice: boolean }) => !n.voice)).toBe(true);
    expect((await call("GET", `${B1}/availableNumbers/zz`)).status).toBe(404);
    const bad = await call("GET", `${B1}/availableNumbers/gb?voice=maybe`);
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({
      status_code: 400,
      status_message: "BAD REQUEST",
      error_text: expect.any(String),
    });
  });
});

describe("Apifonica numbers", () => {
  it("rents (201, uri without /v2), gets, lists like the seed, releases", async () => {
    const { sid, number } = await rent("gb?type=local");
    expect(sid).toMatch(/^num[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const one = await call("GET", `${B1}/numbers/${sid}`);
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({
      number_sid: sid,
      account_sid: ACC1,
      number: number.slice(1),
      name: number.slice(1),
      call_app_sid: "default_call_app_sid",
      msg_app_sid: "default_msg_app_sid",
      call_controller: "",
      call_method: "GET",
      mode: "xml",
      country_code: "GB",
    });
    const appSid = await createApp("http://example.test/messages", "GET");
    expect((await call("PUT", `${B1}/numbers/${sid}`, { json: { msg_app_sid: appSid } })).status).toBe(200);
    await rent("ru?type=mobile");
    const list = await call("GET", `${B1}/numbers?limit=1`);
    expect(list.status).toBe(200);
    expectShape(list.json, SEED_LIST, "$", ["name"]);
    expect(list.json.next).toMatch(
      new RegExp(`^${sb.url}/apifonica/v2/accounts/${ACC1}/numbers\\?next=[0-9a-f]{24}$`),
    );
    const del = await call("DELETE", `${B1}/numbers/${sid}`);
    expect(del.status).toBe(200);
    expect(del.json).toEqual({
      status_code: 200,
      status_message: "DELETED",
      uri: `/v2/accounts/${ACC1}/numbers/${sid}`,
    });
    expect((await call("GET", `${B1}/numbers/${sid}`)).status).toBe(404);
    const again = await call("POST", `${B1}/numbers`, { json: { number } });
    expect(again.status).toBe(400);
    expect(again.json).toEqual({
      status_code: 400,
      status_message: "BAD REQUEST",
      error_text: "Number is not available",
    });
  });

  it("refuses both app SIDs on rent and unknown app SIDs", async () => {
    const a = await createApp("https://example.test/a");
    const search = await call("GET", `${B1}/availableNumbers/us`);
    const number = search.json.available_numbers[0].number;
    const both = await call("POST", `${B1}/numbers`, { json: { number, call_app_sid: a, msg_app_sid: a } });
    expect(both.status).toBe(400);
    const unknown = await call("POST", `${B1}/numbers`, {
      json: { number, call_app_sid: "app00000000-0000-4000-8000-000000000000" },
    });
    expect(unknown.status).toBe(400);
    const other = await createApp("https://example.test/other", "GET", AUTH2, B2);
    expect((await call("POST", `${B1}/numbers`, { json: { number, call_app_sid: other } })).status).toBe(400);
    const ok = await call("POST", `${B1}/numbers`, { json: { number: number.slice(1), call_app_sid: a } });
    expect(ok.status).toBe(201);
    expect(ok.json.uri).toMatch(new RegExp(`^/accounts/${ACC1}/numbers/num`));
  });

  it("walks next and prev cursors, keeping filters", async () => {
    for (let i = 0; i < 5; i++) await rent("ie?type=local", AUTH2, B2);
    await rent("gb?type=mobile", AUTH2, B2);
    const seen: string[] = [];
    let url: string | null = `${B2}/numbers?limit=2&country_code=IE`;
    let pages = 0;
    let lastBody: { prev: string | null } = { prev: null };
    while (url) {
      const r = await call("GET", url, { auth: AUTH2 });
      expect(r.status).toBe(200);
      expect(r.json.limit).toBe(2);
      if (pages === 0) expect(r.json.prev).toBeNull();
      for (const n of r.json.numbers) {
        expect(n.country_code).toBe("IE");
        seen.push(n.number_sid);
      }
      lastBody = r.json;
      // Clients use only the cursor parameter.
      url = r.json.next ? `${B2}/numbers?next=${new URL(r.json.next).searchParams.get("next")}` : null;
      pages++;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(5);
    const prevCursor = new URL(lastBody.prev as string).searchParams.get("prev");
    const back = await call("GET", `${B2}/numbers?prev=${prevCursor}`, { auth: AUTH2 });
    expect(back.json.numbers.map((n: { number_sid: string }) => n.number_sid)).toEqual(seen.slice(2, 4));
    expect((await call("GET", `${B2}/numbers?next=ffffffffffffffffffffffff`, { auth: AUTH2 })).status).toBe(
      400,
    );
    expect((await call("GET", `${B2}/numbers?limit=21`, { auth: AUTH2 })).status).toBe(400);
    const mobile = await call("GET", `${B2}/numbers?type=mobile`, { auth: AUTH2 });
    expect(mobile.json.numbers).toHaveLength(1);
    // Account 1 sees none of account 2's numbers.
    const a1 = await call("GET", `${B1}/numbers?country_code=IE`);
    expect(a1.json.numbers).toEqual([]);
  });

  it("updates partially with 200 OK and validates fields", async () => {
    const { sid } = await rent("gb?type=mobile");
    const up = await call("PUT", `${B1}/numbers/${sid}`, {
      json: { name: "NumberPool_1", mode: "sip_phone", sip_password: "abcd1234" },
    });
    expect(up.json).toEqual({
      status_code: 200,
      status_message: "OK",
      uri: `/v2/accounts/${ACC1}/numbers/${sid}`,
    });
    const one = await call("GET", `${B1}/numbers/${sid}`);
    expect(one.json).toMatchObject({ name: "NumberPool_1", mode: "sip_phone" });
    expect(JSON.stringify(one.json)).not.toContain("abcd1234");
    expect((await call("PUT", `${B1}/numbers/${sid}`, { json: { mode: "fax" } })).status).toBe(400);
    expect((await call("PUT", `${B1}/numbers/${sid}`, { json: { sip_password: "short" } })).status).toBe(400);
    expect((await call("PUT", `${B1}/numbers/${sid}`, { json: { call_app_sid: "appnope" } })).status).toBe(
      400,
    );
  });
});

describe("Apifonica applications", () => {
  it("creates, gets, updates, deletes; numbers show the linked controller, then defaults", async () => {
    const c = await call("POST", `${B1}/applications`, {
      json: { controller: "https://example.test/voice", method: "POST", name: "ivr" },
    });
    expect(c.status).toBe(201);
    expect(c.json.uri).toMatch(new RegExp(`^/v2/accounts/${ACC1}/applications/app[0-9a-f-]{36}$`));
    const appSid = c.json.uri.split("/").pop();
    const get = await call("GET", `${B1}/applications/${appSid}`);
    expect(get.json).toEqual({
      application_sid: appSid,
      account_sid: ACC1,
      name: "ivr",
      controller: "https://example.test/voice",
      method: "POST",
      events: "none",
      created: expect.stringMatching(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/),
      updated: expect.any(String),
    });
    const { sid } = await rent("us?type=local");
    expect((await call("PUT", `${B1}/numbers/${sid}`, { json: { call_app_sid: appSid } })).status).toBe(200);
    let n = (await call("GET", `${B1}/numbers/${sid}`)).json;
    expect(n).toMatchObject({
      call_app_sid: appSid,
      call_controller: "https://example.test/voice",
      call_method: "POST",
    });
    const up = await call("PUT", `${B1}/applications/${appSid}`, {
      json: { controller: "https://example.test/v2", method: "GET" },
    });
    expect(up.json).toEqual({
      status_code: 200,
      status_message: "OK",
      uri: `/v2/accounts/${ACC1}/applications/${appSid}`,
    });
    n = (await call("GET", `${B1}/numbers/${sid}`)).json;
    expect(n).toMatchObject({ call_controller: "https://example.test/v2", call_method: "GET" });
    const del = await call("DELETE", `${B1}/applications/${appSid}`);
    expect(del.json).toEqual({
      status_code: 200,
      status_message: "DELETED",
      uri: `/v2/accounts/${ACC1}/applications/${appSid}`,
    });
    n = (await call("GET", `${B1}/numbers/${sid}`)).json;
    expect(n).toMatchObject({
      call_app_sid: "default_call_app_sid",
      call_controller: "",
      call_method: "GET",
    });
    expect((await call("GET", `${B1}/applications/${appSid}`)).status).toBe(404);
    const bad = await call("POST", `${B1}/applications`, {
      json: { controller: "ftp://x", method: "PATCH" },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error_text).toContain("controller");
    expect(bad.json.error_text).toContain("method");
    expect((await call("GET", `${B2}/applications/${appSid}`, { auth: AUTH2 })).status).toBe(404);
  });
});

describe("Apifonica balance", () => {
  it("lists number costs with two-decimal prices", async () => {
    const r = await call("GET", `${B1}/balance/numbers`);
    expect(r.status).toBe(200);
    expect(r.json.numbers.length).toBeGreaterThan(0);
    for (const item of r.json.numbers) {
      expect(Object.keys(item).sort()).toEqual([
        "country_code",
        "currency",
        "monthly_price",
        "number",
        "number_sid",
        "setup_price",
        "type",
      ]);
      expect(item.setup_price).toMatch(/^\d+\.\d{2}$/);
      expect(item.monthly_price).toMatch(/^\d+\.\d{2}$/);
      expect(item.currency).toBe("EUR");
    }
    const limited = await call("GET", `${B1}/balance/numbers?limit=1`);
    expect(limited.json.next).toMatch(/\/balance\/numbers\?next=[0-9a-f]{24}$/);
  });
});
