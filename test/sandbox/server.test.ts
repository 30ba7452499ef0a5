/** Cross-vendor behaviour: auth, rate limits, faults, bad input, races, the request log and admin API. */
import { type SandboxHandle, startSandbox } from "../../sandbox/index.js";

const basic = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString("base64")}`;
const EX = basic("sandbox-exotel-key-1", "sandbox-exotel-token-1");
const PL = basic("MASANDBOX00000000001", "sandbox-plivo-token-1");
const AP = basic("acc00000000-0000-4000-8000-000000000001", "aut00000000-0000-4000-8000-000000000001");
const EXB = "/exotel/v2_beta/Accounts/sandbox1";
const PLB = "/plivo/v1/Account/MASANDBOX00000000001";
const APB = "/apifonica/v2/accounts/acc00000000-0000-4000-8000-000000000001";
const SLOW = basic("MASLOWSLOWSLOWSLOW01", "slow-token");

let sb: SandboxHandle;

async function call(
  method: string,
  path: string,
  auth: string | null,
  init: { body?: string; type?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (auth) headers["authorization"] = auth;
  if (init.type) headers["content-type"] = init.type;
  const res = await fetch(sb.url + path, {
    method,
    headers,
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  // biome-ignore lint/suspicious/noExplicitAny: test responses are checked field by field
  return { status: res.status, headers: res.headers, text, json: json as any };
}

async function admin(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sb.url}/__sandbox${path}`, {
    method,
    ...(body !== undefined
      ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }
      : {}),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: admin responses are checked field by field
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as any };
}

async function exotelNumber(query = ""): Promise<string> {
  const r = await call("GET", `${EXB}/AvailablePhoneNumbers/IN/Mobile${query}`, EX);
  return r.json[0].phone_number;
}

function rentExotel(phone: string) {
  return call("POST", `${EXB}/IncomingPhoneNumbers`, EX, {
    body: `PhoneNumber=${encodeURIComponent(phone)}`,
    type: "application/x-www-form-urlencoded",
  });
}

beforeAll(async () => {
  sb = await startSandbox({
    port: 0,
    quiet: true,
    accounts: {
      plivo: [
        { authId: "MASANDBOX00000000001", authToken: "sandbox-plivo-token-1" },
        {
          authId: "MASLOWSLOWSLOWSLOW01",
          authToken: "slow-token",
          rateLimit: { requests: 3, windowMs: 300 },
        },
      ],
    },
  });
});
afterAll(async () => {
  await sb.close();
});
beforeEach(async () => {
  await admin("DELETE", "/faults");
});

describe("authentication", () => {
  it("answers 401 with each vendor's error body for a wrong password, a missing header or a foreign account", async () => {
    const cases: Array<[string, string | null]> = [
      [`${EXB}/IncomingPhoneNumbers`, basic("sandbox-exotel-key-1", "wrong")],
      [`${EXB}/IncomingPhoneNumbers`, null],
      ["/exotel/v2_beta/Accounts/sandbox2/IncomingPhoneNumbers", EX],
    ];
    for (const [path, auth] of cases) {
      const r = await call("GET", path, auth);
      expect(r.status).toBe(401);
      expect(r.json.RestException).toMatchObject({ Status: 401, Code: "AUTHENTICATION_FAILED" });
      expect(r.text).not.toContain("sandbox-exotel-token-1");
    }
    const v2 = await call("GET", "/exotel/v2/accounts/sandbox1/incoming-phone-numbers/x", null);
    expect(v2.status).toBe(401);
    expect(v2.json.response[0].status).toBe("failure");
    for (const [path, auth] of [
      [`${PLB}/Number/`, basic("MASANDBOX00000000001", "nope")],
      [`${PLB}/Number/`, null],
      ["/plivo/v1/Account/MASANDBOX00000000002/Number/", PL],
    ] as Array<[string, string | null]>) {
      const r = await call("GET", path, auth);
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ api_id: expect.any(String), error: expect.any(String) });
    }
    for (const [path, auth] of [
      [`${APB}/numbers`, basic("acc00000000-0000-4000-8000-000000000001", "nope")],
      [`${APB}/numbers`, null],
      ["/apifonica/v2/accounts/acc00000000-0000-4000-8000-000000000002/numbers", AP],
    ] as Array<[string, string | null]>) {
      const r = await call("GET", path, auth);
      expect(r.status).toBe(401);
      expect(r.json).toEqual({
        status_code: 401,
        status_message: "UNAUTHORIZED",
        error_text: expect.any(String),
      });
    }
  });
});

describe("rate limits", () => {
  it("answers 429 with Retry-After and the vendor body, logs it, then recovers", async () => {
    const path = "/plivo/v1/Account/MASLOWSLOWSLOWSLOW01/Number/";
    for (let i = 0; i < 3; i++) expect((await call("GET", path, SLOW)).status).toBe(200);
    const limited = await call("GET", path, SLOW);
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual({ api_id: expect.any(String), error: "too many requests" });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const log = await admin("GET", "/requests?vendor=plivo&account=MASLOWSLOWSLOWSLOW01");
    expect(log.json.requests.some((e: { status: number }) => e.status === 429)).toBe(true);
    await new Promise((r) => setTimeout(r, 350));
    expect((await call("GET", path, SLOW)).status).toBe(200);
  });

  it("reports the default limits per account", async () => {
    const r = await admin("GET", "/accounts");
    expect(r.json.exotel[0]).toMatchObject({
      accountSid: "sandbox1",
      rateLimit: { requests: 200, windowMs: 60000 },
    });
    expect(r.json.plivo[0].rateLimit).toEqual({ requests: 300, windowMs: 5000 });
    expect(r.json.plivo[1].rateLimit).toEqual({ requests: 3, windowMs: 300 });
    expect(r.json.apifonica[0].rateLimit).toEqual({ requests: 100, windowMs: 10000 });
    expect(typeof r.json.exotel[0].rented).toBe("number");
  });
});

describe("faults", () => {
  it("status: answers the status in the vendor's shape without applying anything, once", async () => {
    const phone = await exotelNumber();
    const f = await admin("POST", "/faults", {
      vendor: "exotel",
      method: "POST",
      path: "IncomingPhoneNumbers$",
      action: { type: "status", status: 503 },
    });
    expect(f.status).toBe(201);
    expect(f.json.id).toEqual(expect.any(String));
    const r = await rentExotel(phone);
    expect(r.status).toBe(503);
    expect(r.json.RestException).toMatchObject({ Status: 503, Code: "INTERNAL_ERROR" });
    const ok = await rentExotel(phone);
    expect(ok.status).toBe(200);
    const log = await admin("GET", "/requests?vendor=exotel");
    const faulted = log.json.requests.filter((e: { fault?: string }) => e.fault === "status");
    expect(faulted.length).toBe(1);
    expect(faulted[0]).toMatchObject({
      method: "POST",
      path: "/v2_beta/Accounts/sandbox1/IncomingPhoneNumbers",
      status: 503,
      account: "sandbox1",
    });
  });

  it("status with a custom body", async () => {
    await admin("POST", "/faults", {
      vendor: "plivo",
      action: { type: "status", status: 500, body: { error: "boom" } },
    });
    const r = await call("GET", `${PLB}/Number/`, PL);
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ error: "boom" });
  });

  it("latency: delays, then serves normally", async () => {
    await admin("POST", "/faults", { vendor: "apifonica", action: { type: "latency", ms: 150 } });
    const t = Date.now();
    const r = await call("GET", `${APB}/numbers`, AP);
    expect(r.status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);
    const log = await admin("GET", "/requests?vendor=apifonica");
    expect(log.json.requests.at(-1).fault).toBe("latency");
  });

  it("reset before: connection dropped, nothing changed", async () => {
    const phone = await exotelNumber();
    await admin("POST", "/faults", {
      vendor: "exotel",
      method: "POST",
      action: { type: "reset", when: "before" },
    });
    await expect(rentExotel(phone)).rejects.toThrow();
    const search = await call("GET", `${EXB}/AvailablePhoneNumbers/IN/Mobile`, EX);
    expect(search.json[0].phone_number).toBe(phone);
    const log = await admin("GET", "/requests?vendor=exotel");
    expect(log.json.requests.at(-2)).toMatchObject({ fault: "reset-before", status: 0 });
  });

  it("reset after: connection dropped, but the change is committed", async () => {
    const phone = await exotelNumber();
    await admin("POST", "/faults", {
      vendor: "exotel",
      method: "POST",
      action: { type: "reset", when: "after" },
    });
    await expect(rentExotel(phone)).rejects.toThrow();
    const list = await call("GET", `${EXB}/IncomingPhoneNumbers?PageSize=100`, EX);
    expect(list.json.incoming_phone_numbers.map((n: { phone_number: string }) => n.phone_number)).toContain(
      phone,
    );
  });

  it("malformed: the change is applied and a 200 with invalid JSON comes back", async () => {
    const phone = await exotelNumber();
    await admin("POST", "/faults", { vendor: "exotel", method: "POST", action: { type: "malformed" } });
    const r = await rentExotel(phone);
    expect(r.status).toBe(200);
    expect(() => JSON.parse(r.text)).toThrow();
    const again = await rentExotel(phone);
    expect(again.status).toBe(400);
  });

  it("times N fires N times; probability 0 never fires; rules can be listed and deleted", async () => {
    await admin("POST", "/faults", {
      vendor: "plivo",
      path: "/Number/$",
      action: { type: "status", status: 502 },
      times: 2,
    });
    expect((await call("GET", `${PLB}/Number/`, PL)).status).toBe(502);
    expect((await call("GET", `${PLB}/Number/`, PL)).status).toBe(502);
    expect((await call("GET", `${PLB}/Number/`, PL)).status).toBe(200);
    const never = await admin("POST", "/faults", {
      vendor: "plivo",
      action: { type: "status", status: 500 },
      times: 0,
      probability: 0,
    });
    for (let i = 0; i < 20; i++) expect((await call("GET", `${PLB}/Number/`, PL)).status).toBe(200);
    const listed = await admin("GET", "/faults");
    expect(listed.json.faults.map((f: { id: string }) => f.id)).toEqual([never.json.id]);
    expect((await admin("DELETE", `/faults/${never.json.id}`)).status).toBe(200);
    expect((await admin("GET", "/faults")).json.faults).toEqual([]);
    const bad = await admin("POST", "/faults", {
      vendor: "x",
      path: "(",
      action: { type: "nope" },
      probability: 2,
    });
    expect(bad.status).toBe(400);
    expect(bad.json.problems.length).toBe(4);
  });
});

describe("bad input never crashes the server", () => {
  it("answers oversized bodies with 413, malformed JSON and wrong content types with 400", async () => {
    const big = "x".repeat(70 * 1024);
    const r = await call("POST", `${APB}/numbers`, AP, { body: big, type: "application/json" });
    expect(r.status).toBe(413);
    expect(r.json.status_code).toBe(413);
    const bad = await call("POST", `${APB}/numbers`, AP, { body: "{oops", type: "application/json" });
    expect(bad.status).toBe(400);
    expect(bad.json.status_message).toBe("BAD REQUEST");
    const xml = await call("POST", `${APB}/applications`, AP, { body: "<a/>", type: "application/xml" });
    expect(xml.status).toBe(400);
    const arr = await call("POST", `${PLB}/AvailableNumberGroup/1/`, PL, {
      body: "[1]",
      type: "application/json",
    });
    expect(arr.status).toBe(404);
    const huge = await call("POST", `${EXB}/IncomingPhoneNumbers`, EX, {
      body: "a".repeat(2 * 1024 * 1024),
      type: "application/x-www-form-urlencoded",
    }).catch(() => ({ status: 413 }));
    expect(huge.status).toBe(413);
    expect((await call("GET", `${PLB}/Number/`, PL)).status).toBe(200);
  });

  it("answers unknown routes with 404 in each vendor's shape", async () => {
    const e = await call("GET", `${EXB}/Nope`, EX);
    expect(e.status).toBe(404);
    expect(e.json.RestException.Status).toBe(404);
    const e2 = await call("GET", "/exotel/whatever", EX);
    expect(e2.status).toBe(404);
    const p = await call("GET", `${PLB}/Nope/`, PL);
    expect(p.json).toEqual({ api_id: expect.any(String), error: "not found" });
    const a = await call("GET", `${APB}/nope`, AP);
    expect(a.json).toMatchObject({ status_code: 404, status_message: "NOT FOUND" });
    expect((await call("GET", "/nowhere", null)).status).toBe(404);
    expect((await call("PATCH", `${APB}/numbers`, AP)).status).toBe(405);
  });
});

describe("concurrency", () => {
  it("of 10 parallel rents of one number exactly one succeeds, per vendor", async () => {
    const phone = await exotelNumber("?InRegion=TN");
    const ex = await Promise.all(Array.from({ length: 10 }, () => rentExotel(phone)));
    expect(ex.filter((r) => r.status === 200)).toHaveLength(1);
    const pn = (await call("GET", `${PLB}/PhoneNumber/?country_iso=GB&type=local&limit=1`, PL)).json
      .objects[0].number;
    const pl = await Promise.all(
      Array.from({ length: 10 }, () =>
        call("POST", `${PLB}/PhoneNumber/${pn}/`, PL, { body: "{}", type: "application/json" }),
      ),
    );
    expect(pl.filter((r) => r.status === 201)).toHaveLength(1);
    const an = (await call("GET", `${APB}/availableNumbers/ru`, AP)).json.available_numbers[0].number;
    const ap = await Promise.all(
      Array.from({ length: 10 }, () =>
        call("POST", `${APB}/numbers`, AP, {
          body: JSON.stringify({ number: an }),
          type: "application/json",
        }),
      ),
    );
    expect(ap.filter((r) => r.status === 201)).toHaveLength(1);
  });
});

describe("admin API", () => {
  it("logs requests without credentials or bodies, filters by since, clears", async () => {
    await admin("DELETE", "/requests");
    await call("GET", `${PLB}/Number/?limit=5`, PL);
    const log = await admin("GET", "/requests");
    expect(log.json.requests).toHaveLength(1);
    const e = log.json.requests[0];
    expect(e).toMatchObject({
      vendor: "plivo",
      account: "MASANDBOX00000000001",
      method: "GET",
      path: "/v1/Account/MASANDBOX00000000001/Number/",
      query: { limit: "5" },
      status: 200,
    });
    expect(typeof e.seq).toBe("number");
    expect(typeof e.durationMs).toBe("number");
    expect(JSON.stringify(log.json)).not.toContain("sandbox-plivo-token-1");
    await call("GET", `${APB}/numbers`, AP);
    const since = await admin("GET", `/requests?since=${e.seq}`);
    expect(since.json.requests.map((x: { vendor: string }) => x.vendor)).toEqual(["apifonica"]);
    expect((await admin("DELETE", "/requests")).status).toBe(200);
    expect((await admin("GET", "/requests")).json.requests).toEqual([]);
  });

  it("resets to the seed catalog and is deterministic per seed", async () => {
    await rentExotel(await exotelNumber());
    await admin("POST", "/faults", { action: { type: "latency", ms: 1 }, times: 0 });
    expect((await admin("POST", "/reset")).status).toBe(200);
    expect((await call("GET", `${EXB}/IncomingPhoneNumbers`, EX)).json.incoming_phone_numbers).toEqual([]);
    expect((await admin("GET", "/faults")).json.faults).toEqual([]);
    const first = (await call("GET", `${EXB}/AvailablePhoneNumbers/IN/Landline`, EX)).json;
    const other = await startSandbox({ port: 0, quiet: true });
    const third = await startSandbox({ port: 0, quiet: true, seed: 99 });
    try {
      const res = await fetch(`${other.url}${EXB}/AvailablePhoneNumbers/IN/Landline`, {
        headers: { authorization: EX },
      });
      expect(await res.json()).toEqual(first);
      const res3 = await fetch(`${third.url}${EXB}/AvailablePhoneNumbers/IN/Landline`, {
        headers: { authorization: EX },
      });
      expect(await res3.json()).not.toEqual(first);
    } finally {
      await other.close();
      await third.close();
    }
    expect((await admin("GET", "/nope")).status).toBe(404);
  });
});
