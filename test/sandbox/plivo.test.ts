/** Plivo endpoints of the sandbox over real HTTP, with contract checks against the seed examples. */
import { type SandboxHandle, startSandbox } from "../../sandbox/index.js";

// biome-ignore lint/suspicious/noExplicitAny: test responses are checked field by field
type Loose = any;

// --- fixtures: vendor seed document 004 (group search, order fulfilled, order pending) -------------------
const SEED_GROUPS = {
  meta: { previous: null, total_count: 1, offset: 0, limit: 20, next: null },
  api_id: "26590c12-5831-11e1-86da-6ff39efcb949",
  objects: [
    {
      group_id: "55350421590053",
      number_type: "local",
      prefix: "3",
      region: "AMIENS, FRANCE",
      rental_rate: "0.80000",
      resource_uri: "/v1/Account/MAC4NMQ3YJVHYJM0N2Y1/AvailableNumberGroup/55350421590053/",
      setup_rate: "0.80000",
      sms_enabled: false,
      sms_rate: -1,
      stock: 9731,
      voice_enabled: true,
      voice_rate: "0.00700",
    },
  ],
};
const SEED_FULFILLED = {
  numbers: [
    { number: "553139560512", status: "Success" },
    { number: "553139560513", status: "Success" },
  ],
  status: "fulfilled",
};
const SEED_PENDING = {
  details:
    "Order for 2 numbers(Region: AMIENS, FRANCE, number_type: local, Prefix: 3) initiated. For this order, some additional information is required by the telecom regulatory authorities. Our support team will get in touch with you soon.",
  message: "created",
  status: "pending",
};
// Reference shapes (vendor-apis.md, from the SDK fixtures) for the PhoneNumber and Number resources.
const REF_ACCOUNT_NUMBER = {
  number: "17609915566",
  alias: null,
  sub_account: null,
  added_on: "2014-02-14",
  active: false,
  application: "/v1/Account/MANWVLYTK4ZWU1YTY4ZT/Application/29986316244302815/",
  carrier: "Plivo",
  number_type: "local",
  city: "USA",
  country: "United States",
  region: "California, UNITED STATES",
  monthly_rental_rate: "0.80000",
  renewal_date: "2014-03-14",
  voice_enabled: true,
  voice_rate: "0.00850",
  sms_enabled: true,
  sms_rate: "0.00000",
  mms_enabled: false,
  mms_rate: "0.00000",
  cnam_lookup: "enabled",
  compliance_application_id: null,
  compliance_status: null,
  tendlc_campaign_id: null,
  tendlc_registration_status: "UNREGISTERED",
  toll_free_sms_verification: null,
  resource_uri: "/v1/Account/MANWVLYTK4ZWU1YTY4ZT/Number/17609915566/",
};

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
function formatOf(s: string): string | undefined {
  const dec = /^-?\d+\.(\d+)$/.exec(s);
  if (dec) return `decimal/${dec[1]?.length}`;
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return "plivo-date";
  if (/^\d{14}$/.test(s)) return "digits14";
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(s)) return "uuid";
  return undefined;
}
function kind(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}
/** Same keys, same JSON types, same string formats; keys in `loose` may differ in type (null vs string). */
function expectShape(actual: unknown, seed: Json, path = "$", loose: string[] = []): void {
  const key = path.split(".").pop() ?? "";
  if (loose.includes(key)) return;
  expect(`${path}: ${kind(actual)}`).toBe(`${path}: ${kind(seed)}`);
  if (Array.isArray(seed) && Array.isArray(actual)) {
    if (seed[0] !== undefined && actual[0] !== undefined)
      expectShape(actual[0], seed[0], `${path}[0]`, loose);
  } else if (seed && typeof seed === "object" && !Array.isArray(seed)) {
    const a = actual as Record<string, unknown>;
    expect(`${path}: ${Object.keys(a).sort().join(",")}`).toBe(
      `${path}: ${Object.keys(seed).sort().join(",")}`,
    );
    for (const k of Object.keys(seed)) expectShape(a[k], seed[k] as Json, `${path}.${k}`, loose);
  } else if (typeof seed === "string") {
    expect(`${path}: ${formatOf(actual as string)}`).toBe(`${path}: ${formatOf(seed)}`);
  }
}

let sb: SandboxHandle;
const ID1 = "MASANDBOX00000000001";
const ID2 = "MASANDBOX00000000002";
const AUTH1 = `Basic ${Buffer.from(`${ID1}:sandbox-plivo-token-1`).toString("base64")}`;
const AUTH2 = `Basic ${Buffer.from(`${ID2}:sandbox-plivo-token-2`).toString("base64")}`;
const B1 = `/plivo/v1/Account/${ID1}`;
const B2 = `/plivo/v1/Account/${ID2}`;

async function call(
  method: string,
  path: string,
  opts: { auth?: string; json?: unknown; form?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { authorization: opts.auth ?? AUTH1 };
  let body: string | undefined;
  if (opts.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.json);
  } else if (opts.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(opts.form).toString();
  }
  const res = await fetch(sb.url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: test responses are checked field by field
  const json: any = text ? JSON.parse(text) : undefined;
  return { status: res.status, json, text };
}

beforeAll(async () => {
  sb = await startSandbox({ port: 0, quiet: true });
});
afterAll(async () => {
  await sb.close();
});

describe("Plivo AvailableNumberGroup", () => {
  it("searches groups shaped like the seed (AMIENS, FRANCE, sms_rate -1)", async () => {
    const r = await call("GET", `${B1}/AvailableNumberGroup/?country_iso=FR&prefix=3`);
    expect(r.status).toBe(200);
    expectShape(r.json, SEED_GROUPS);
    expect(r.json.objects[0]).toMatchObject({
      region: "AMIENS, FRANCE",
      prefix: "3",
      sms_rate: -1,
      rental_rate: "0.80000",
    });
    expect(r.json.objects[0].resource_uri).toBe(
      `/v1/Account/${ID1}/AvailableNumberGroup/${r.json.objects[0].group_id}/`,
    );
    expect(r.json.objects[0].group_id).toMatch(/^\d{14}$/);
  });

  it("filters by number_type, region, services and validates input", async () => {
    const us = await call("GET", `${B1}/AvailableNumberGroup/?country_iso=US&region=NY`);
    expect(us.json.objects.map((g: { prefix: string }) => g.prefix)).toEqual(["212"]);
    const cal = await call("GET", `${B1}/AvailableNumberGroup/?country_iso=US&region=California`);
    expect(cal.json.objects.map((g: { prefix: string }) => g.prefix)).toEqual(["415"]);
    const tf = await call("GET", `${B1}/AvailableNumberGroup/?country_iso=US&number_type=tollfree`);
    expect(tf.json.meta.total_count).toBe(2);
    const sms = await call("GET", `${B1}/AvailableNumberGroup/?country_iso=GB&services=sms`);
    expect(sms.json.objects).toEqual([]);
    expect((await call("GET", `${B1}/AvailableNumberGroup/`)).status).toBe(400);
    expect((await call("GET", `${B1}/AvailableNumberGroup/?country_iso=US&limit=21`)).status).toBe(400);
    expect((await call("GET", `${B1}/AvailableNumberGroup/?country_iso=US&prefix=abc`)).status).toBe(400);
  });

  it("gets one group and orders from it (fulfilled, stock goes down)", async () => {
    const list = await call("GET", `${B1}/AvailableNumberGroup/?country_iso=US&prefix=512`);
    const g = list.json.objects[0];
    const one = await call("GET", `${B1}/AvailableNumberGroup/${g.group_id}/`);
    expect(one.status).toBe(200);
    expect(one.json.stock).toBe(g.stock);
    expect(typeof one.json.api_id).toBe("string");
    const order = await call("POST", `${B1}/AvailableNumberGroup/${g.group_id}/`, {
      json: { quantity: 2, app_id: "77" },
    });
    expect(order.status).toBe(201);
    const { api_id, ...rest } = order.json;
    expect(api_id).toMatch(/^[0-9a-f-]{36}$/);
    expectShape(rest, SEED_FULFILLED);
    const after = await call("GET", `${B1}/AvailableNumberGroup/${g.group_id}/`);
    expect(after.json.stock).toBe(g.stock - 2);
    const n = await call("GET", `${B1}/Number/${rest.numbers[0].number}/`);
    expect(n.status).toBe(200);
    expect(n.json.application).toBe(`/v1/Account/${ID1}/Application/77/`);
    const tooMany = await call("POST", `${B1}/AvailableNumberGroup/${g.group_id}/`, {
      json: { quantity: 100000 },
    });
    expect(tooMany.status).toBe(400);
    expect(typeof tooMany.json.error).toBe("string");
    expect((await call("POST", `${B1}/AvailableNumberGroup/99999999999999/`, { json: {} })).status).toBe(404);
  });

  it("answers pending in a regulated country; the admin API completes the order", async () => {
    const list = await call("GET", `${B1}/AvailableNumberGroup/?country_iso=FR&prefix=3`);
    const g = list.json.objects[0];
    const order = await call("POST", `${B1}/AvailableNumberGroup/${g.group_id}/`, {
      form: { quantity: "2", app_id: "55" },
    });
    expect(order.status).toBe(201);
    const { api_id, ...rest } = order.json;
    expect(typeof api_id).toBe("string");
    expectShape(rest, SEED_PENDING);
    expect(rest.details).toBe(SEED_PENDING.details);
    const pendingUrl = `${sb.url}/__sandbox/plivo/orders?account=${ID1}&status=pending`;
    const orders = ((await (await fetch(pendingUrl)).json()) as Loose).orders;
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ account: ID1, groupId: g.group_id, quantity: 2, status: "pending" });
    const [first, second] = orders[0].numbers as string[];
    expect((await call("GET", `${B1}/Number/${first}/`)).status).toBe(404);
    expect((await call("GET", `${B1}/AvailableNumberGroup/${g.group_id}/`)).json.stock).toBe(g.stock - 2);
    const done = await fetch(`${sb.url}/__sandbox/plivo/orders/${orders[0].id}/complete`, { method: "POST" });
    expect(done.status).toBe(200);
    const doneBody = (await done.json()) as Loose;
    expect(doneBody.numbers.map((n: { number: string }) => n.number)).toEqual([first, second]);
    const got = await call("GET", `${B1}/Number/${first}/`);
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({
      alias: null,
      application: `/v1/Account/${ID1}/Application/55/`,
      region: "AMIENS, FRANCE",
    });
    const again = await fetch(`${sb.url}/__sandbox/plivo/orders/${orders[0].id}/complete`, {
      method: "POST",
    });
    expect(again.status).toBe(409);
  });
});

describe("Plivo PhoneNumber", () => {
  it("searches with type/pattern and buys with 201 fulfilled", async () => {
    const r = await call("GET", `${B1}/PhoneNumber/?country_iso=US&type=local&pattern=415&limit=3`);
    expect(r.status).toBe(200);
    expect(r.json.objects).toHaveLength(3);
    expect(r.json.meta).toMatchObject({ limit: 3, offset: 0, previous: null });
    expect(r.json.meta.next).toBe(
      `/v1/Account/${ID1}/PhoneNumber/?country_iso=US&type=local&pattern=415&limit=3&offset=3`,
    );
    const item = r.json.objects[0];
    expect(item.number).toMatch(/^1415\d{7}$/);
    expect(item).toMatchObject({
      type: "fixed",
      sub_type: "local",
      monthly_rental_rate: "0.80000",
      lata: 722,
      restriction: null,
    });
    const buy = await call("POST", `${B1}/PhoneNumber/${item.number}/`, { json: {} });
    expect(buy.status).toBe(201);
    expect(buy.json).toMatchObject({
      message: "created",
      numbers: [{ number: item.number, status: "Success" }],
      status: "fulfilled",
    });
    const again = await call("POST", `${B1}/PhoneNumber/${item.number}/`, { json: {} });
    expect(again.status).toBe(404);
    expect(again.json).toEqual({ api_id: expect.any(String), error: "not found" });
    const after = await call("GET", `${B1}/PhoneNumber/?country_iso=US&type=local&pattern=415&limit=3`);
    expect(after.json.objects.map((o: { number: string }) => o.number)).not.toContain(item.number);
  });

  it("walks several pages with offset", async () => {
    const seen = new Set<string>();
    let next: string | null = `/v1/Account/${ID1}/PhoneNumber/?country_iso=DE&type=tollfree&limit=20`;
    let pages = 0;
    while (next && pages < 10) {
      const r = await call("GET", `/plivo${next}`);
      expect(r.status).toBe(200);
      for (const o of r.json.objects) seen.add(o.number);
      next = r.json.meta.next;
      pages++;
    }
    expect(pages).toBe(5);
    expect(seen.size).toBe(100);
  });

  it("buys in a regulated country as pending: not in the account until completed", async () => {
    const r = await call("GET", `${B1}/PhoneNumber/?country_iso=DE&type=local&limit=1`);
    const number = r.json.objects[0].number;
    expect(r.json.objects[0].restriction).toBe("city-address");
    const buy = await call("POST", `${B1}/PhoneNumber/${number}/`, { json: { app_id: "9" } });
    expect(buy.status).toBe(201);
    expect(buy.json).toMatchObject({ status: "pending", numbers: [{ number, status: "pending" }] });
    expect((await call("GET", `${B1}/Number/${number}/`)).status).toBe(404);
    const orders = ((await (await fetch(`${sb.url}/__sandbox/plivo/orders`)).json()) as Loose).orders;
    const order = orders.find((o: { number?: string }) => o.number === number);
    expect(order.status).toBe("pending");
    await fetch(`${sb.url}/__sandbox/plivo/orders/${order.id}/complete`, { method: "POST" });
    expect((await call("GET", `${B1}/Number/${number}/`)).json.compliance_status).toBe("accepted");
  });
});

describe("Plivo Number", () => {
  it("lists, gets, updates (202) and unrents (204) in the fixture shape", async () => {
    const s = await call("GET", `${B2}/PhoneNumber/?country_iso=GB&type=mobile&limit=5`, { auth: AUTH2 });
    for (const o of s.json.objects) {
      expect((await call("POST", `${B2}/PhoneNumber/${o.number}/`, { auth: AUTH2, json: {} })).status).toBe(
        201,
      );
    }
    const numbers: string[] = [];
    let next: string | null = `/v1/Account/${ID2}/Number/?limit=2`;
    while (next) {
      const r = await call("GET", `/plivo${next}`, { auth: AUTH2 });
      expect(r.status).toBe(200);
      for (const o of r.json.objects) {
        expectShape(o, REF_ACCOUNT_NUMBER, "$", ["application", "tendlc_registration_status"]);
        numbers.push(o.number);
      }
      next = r.json.meta.next;
    }
    expect(numbers).toEqual(s.json.objects.map((o: { number: string }) => o.number));
    const n = numbers[0] as string;
    const one = await call("GET", `${B2}/Number/${n}/`, { auth: AUTH2 });
    expect(one.json).toMatchObject({
      number: n,
      number_type: "mobile",
      monthly_rental_rate: "1.50000",
      api_id: expect.any(String),
    });
    expect(one.json.added_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const up = await call("POST", `${B2}/Number/${n}/`, {
      auth: AUTH2,
      json: { alias: "support", app_id: "42" },
    });
    expect(up.status).toBe(202);
    expect(up.json).toEqual({ api_id: expect.any(String), message: "changed" });
    const up2 = await call("POST", `${B2}/Number/${n}/`, { auth: AUTH2, json: { app_id: "" } });
    expect(up2.status).toBe(202);
    const after = await call("GET", `${B2}/Number/${n}/`, { auth: AUTH2 });
    expect(after.json).toMatchObject({ alias: "support", application: null });
    const byAlias = await call("GET", `${B2}/Number/?alias=support`, { auth: AUTH2 });
    expect(byAlias.json.objects.map((o: { number: string }) => o.number)).toEqual([n]);
    const byType = await call("GET", `${B2}/Number/?type=local`, { auth: AUTH2 });
    expect(byType.json.meta.total_count).toBe(0);
    const del = await call("DELETE", `${B2}/Number/${n}/`, { auth: AUTH2 });
    expect(del.status).toBe(204);
    expect(del.text).toBe("");
    expect((await call("GET", `${B2}/Number/${n}/`, { auth: AUTH2 })).status).toBe(404);
    expect((await call("POST", `${B2}/PhoneNumber/${n}/`, { auth: AUTH2, json: {} })).status).toBe(404);
    // Another account cannot see it.
    expect((await call("GET", `${B1}/Number/${numbers[1]}/`)).status).toBe(404);
    expect((await call("GET", `${B2}/Number/?limit=0`, { auth: AUTH2 })).status).toBe(400);
  });

  it("requires the trailing slash and answers unknown routes with the Plivo error body", async () => {
    const r = await call("GET", `${B1}/Number`);
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ api_id: expect.any(String), error: "not found" });
    const bad = await fetch(`${sb.url}${B1}/Number/14150000000/`, {
      method: "POST",
      headers: { authorization: AUTH1, "content-type": "application/json" },
      body: "{not json",
    });
    expect(bad.status).toBe(404); // not this account's number: 404 before the body matters
    const rented = (await call("GET", `${B1}/Number/`)).json.objects[0].number;
    const bad2 = await fetch(`${sb.url}${B1}/Number/${rented}/`, {
      method: "POST",
      headers: { authorization: AUTH1, "content-type": "application/json" },
      body: "{not json",
    });
    expect(bad2.status).toBe(400);
    expect(typeof ((await bad2.json()) as Loose).error).toBe("string");
  });
});
