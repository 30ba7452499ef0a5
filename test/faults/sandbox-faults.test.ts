/**
 * The fault kinds the campaign injects, at the sandbox level: latency that applies the request at the
 * end or at the start (the client has given up either way), 429 with a chosen Retry-After, rules
 * scoped to one account, rules that let N matches through first, seeded (reproducible) draws, and
 * the admin API's record of what each account holds.
 */
import { type SandboxHandle, startSandbox } from "../../sandbox/index.js";

const basic = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString("base64")}`;
const EX = basic("sandbox-exotel-key-1", "sandbox-exotel-token-1");
const EX2 = basic("sandbox-exotel-key-2", "sandbox-exotel-token-2");
const EXB = "/exotel/v2_beta/Accounts/sandbox1";
const EXB2 = "/exotel/v2_beta/Accounts/sandbox2";

let sb: SandboxHandle;

beforeAll(async () => {
  sb = await startSandbox({ port: 0, quiet: true });
});
afterAll(async () => {
  await sb.close();
});
afterEach(async () => {
  await admin("DELETE", "/faults");
});

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

async function call(method: string, path: string, auth: string, body?: string, signal?: AbortSignal) {
  const res = await fetch(sb.url + path, {
    method,
    headers: {
      authorization: auth,
      ...(body !== undefined ? { "content-type": "application/x-www-form-urlencoded" } : {}),
    },
    ...(body !== undefined ? { body } : {}),
    ...(signal ? { signal } : {}),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function available(base = EXB, auth = EX): Promise<string> {
  const r = await call("GET", `${base}/AvailablePhoneNumbers/IN/Mobile`, auth);
  return (JSON.parse(r.text) as Array<{ phone_number: string }>)[0]!.phone_number;
}

const rent = (phone: string, signal?: AbortSignal, base = EXB, auth = EX) =>
  call("POST", `${base}/IncomingPhoneNumbers`, auth, `PhoneNumber=${encodeURIComponent(phone)}`, signal);

async function held(): Promise<string[]> {
  return (await admin("GET", "/holdings")).json.exotel.sandbox1 ?? [];
}

async function until(predicate: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("condition not reached");
}

describe("fault kinds of the campaign", () => {
  it("latency applied at the end: the client gives up, then the request lands", async () => {
    const phone = await available();
    await admin("POST", "/faults", {
      vendor: "exotel",
      method: "POST",
      action: { type: "latency", ms: 300, apply: "end" },
    });
    await expect(rent(phone, AbortSignal.timeout(50))).rejects.toThrow();
    expect(await held()).not.toContain(phone); // not yet applied when the client gave up
    await until(async () => (await held()).includes(phone));
  });

  it("latency applied at the start: the request is applied before the client gives up", async () => {
    const phone = await available();
    await admin("POST", "/faults", {
      vendor: "exotel",
      method: "POST",
      action: { type: "latency", ms: 300, apply: "start" },
    });
    await expect(rent(phone, AbortSignal.timeout(100))).rejects.toThrow();
    expect(await held()).toContain(phone);
  });

  it("429 carries the chosen Retry-After and applies nothing", async () => {
    const phone = await available();
    await admin("POST", "/faults", {
      vendor: "exotel",
      method: "POST",
      action: { type: "status", status: 429, retryAfter: 7 },
    });
    const r = await rent(phone);
    expect(r.status).toBe(429);
    expect(r.headers.get("retry-after")).toBe("7");
    expect(await held()).not.toContain(phone);
  });

  it("rejects a Retry-After on a status other than 429, and a bad apply, naming both", async () => {
    const r = await admin("POST", "/faults", { action: { type: "status", status: 503, retryAfter: 1 } });
    expect(r.status).toBe(400);
    expect(r.json.problems).toEqual([expect.stringContaining("action.retryAfter")]);
    const l = await admin("POST", "/faults", {
      account: "",
      skip: -1,
      action: { type: "latency", ms: 1, apply: "x" },
    });
    expect(l.status).toBe(400);
    expect(l.json.problems).toEqual([
      expect.stringContaining("account"),
      expect.stringContaining("skip"),
      expect.stringContaining("action.apply"),
    ]);
  });

  it("a rule scoped to an account spares the others; skip lets the first matches through", async () => {
    await admin("POST", "/faults", {
      vendor: "exotel",
      account: "sandbox2",
      method: "GET",
      skip: 1,
      times: 0,
      action: { type: "status", status: 503 },
    });
    expect((await call("GET", `${EXB}/IncomingPhoneNumbers`, EX)).status).toBe(200);
    expect((await call("GET", `${EXB2}/IncomingPhoneNumbers`, EX2)).status).toBe(200); // skipped
    expect((await call("GET", `${EXB2}/IncomingPhoneNumbers`, EX2)).status).toBe(503);
    expect((await call("GET", `${EXB}/IncomingPhoneNumbers`, EX)).status).toBe(200);
  });

  it("seeded draws are reproducible; totals count fired faults by kind", async () => {
    const pattern = async () => {
      await admin("DELETE", "/faults");
      await admin("POST", "/faults", {
        vendor: "exotel",
        method: "GET",
        times: 0,
        probability: 0.5,
        seed: 42,
        action: { type: "status", status: 500 },
      });
      const out: number[] = [];
      for (let i = 0; i < 24; i++) out.push((await call("GET", `${EXB}/IncomingPhoneNumbers`, EX)).status);
      return out;
    };
    const first = await pattern();
    const fired = first.filter((s) => s === 500).length;
    expect(fired).toBeGreaterThan(0);
    expect(fired).toBeLessThan(24);
    expect((await admin("GET", "/faults")).json.fired).toEqual({ "5xx": fired });
    expect(await pattern()).toEqual(first);
  });

  it("holdings lists every number each account holds", async () => {
    const a = await available();
    expect((await rent(a)).status).toBe(200);
    const b = await available(EXB2, EX2);
    expect((await rent(b, undefined, EXB2, EX2)).status).toBe(200);
    const h = (await admin("GET", "/holdings")).json;
    expect(h.exotel.sandbox1).toContain(a);
    expect(h.exotel.sandbox2).toEqual([b]);
    expect(h).toMatchObject({ plivo: {}, apifonica: {}, apifonicaApplications: {}, plivoPendingOrders: {} });
  });
});
