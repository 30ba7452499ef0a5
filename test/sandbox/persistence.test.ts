/** State persistence across restarts (--state), the CLI pieces, accounts files and --latency-ms. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadAccountsFile, parseSandboxArgs, runSandboxCommand, sandboxBanner } from "../../sandbox/cli.js";
import { DEFAULT_ACCOUNTS, startSandbox } from "../../sandbox/index.js";

// biome-ignore lint/suspicious/noExplicitAny: test responses are checked field by field
type Loose = any;

const basic = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString("base64")}`;
const EX = basic("sandbox-exotel-key-1", "sandbox-exotel-token-1");
const PL = basic("MASANDBOX00000000001", "sandbox-plivo-token-1");
const AP = basic("acc00000000-0000-4000-8000-000000000001", "aut00000000-0000-4000-8000-000000000001");
const EXB = "/exotel/v2_beta/Accounts/sandbox1";
const PLB = "/plivo/v1/Account/MASANDBOX00000000001";
const APB = "/apifonica/v2/accounts/acc00000000-0000-4000-8000-000000000001";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "sandbox-state-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function req(
  base: string,
  method: string,
  path: string,
  auth: string,
  body?: string,
  type?: string,
): Promise<{ status: number; json: Loose }> {
  const headers: Record<string, string> = { authorization: auth };
  if (type) headers["content-type"] = type;
  const res = await fetch(base + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

describe("persistence with a state file", () => {
  it("reloads rented numbers, applications, pending orders, quarantine and counters", async () => {
    const file = join(dir, "nested", "state.json");
    const a = await startSandbox({ port: 0, quiet: true, stateFile: file, seed: 5 });
    const u = a.url;
    const avail = await req(u, "GET", `${EXB}/AvailablePhoneNumbers/IN/Landline`, EX);
    const kept = avail.json[0].phone_number;
    const released = avail.json[1].phone_number;
    const form = "application/x-www-form-urlencoded";
    const ipn = (
      await req(
        u,
        "POST",
        `${EXB}/IncomingPhoneNumbers`,
        EX,
        `PhoneNumber=${encodeURIComponent(kept)}&FriendlyName=main`,
        form,
      )
    ).json;
    const gone = (
      await req(
        u,
        "POST",
        `${EXB}/IncomingPhoneNumbers`,
        EX,
        `PhoneNumber=${encodeURIComponent(released)}`,
        form,
      )
    ).json;
    expect((await req(u, "DELETE", `${EXB}/IncomingPhoneNumbers/${gone.sid}`, EX)).status).toBe(202);
    const app = await req(
      u,
      "POST",
      `${APB}/applications`,
      AP,
      JSON.stringify({ controller: "https://example.test/c", method: "POST" }),
      "application/json",
    );
    const appSid = app.json.uri.split("/").pop();
    const an = (await req(u, "GET", `${APB}/availableNumbers/gb`, AP)).json.available_numbers[0].number;
    const rent = await req(
      u,
      "POST",
      `${APB}/numbers`,
      AP,
      JSON.stringify({ number: an, call_app_sid: appSid }),
      "application/json",
    );
    const numSid = rent.json.uri.split("/").pop();
    const fr = (await req(u, "GET", `${PLB}/PhoneNumber/?country_iso=FR&limit=1`, PL)).json.objects[0].number;
    expect(
      (await req(u, "POST", `${PLB}/PhoneNumber/${fr}/`, PL, "{}", "application/json")).json.status,
    ).toBe("pending");
    // Written within an instant, without waiting for close (a crash loses at most the last instant).
    await new Promise((r) => setTimeout(r, 50));
    const onDisk = JSON.parse(readFileSync(file, "utf8"));
    expect(onDisk.exotel.map((r: { e164: string }) => r.e164)).toEqual([kept]);
    await a.close();
    expect(readdirSync(join(dir, "nested"))).toEqual(["state.json"]); // temp file renamed away

    const b = await startSandbox({ port: 0, quiet: true, stateFile: file });
    try {
      const v = b.url;
      const got = await req(v, "GET", `${EXB}/IncomingPhoneNumbers/${ipn.sid}`, EX);
      expect(got.json).toMatchObject({
        sid: ipn.sid,
        phone_number: kept,
        friendly_name: "main",
        date_created: ipn.date_created,
      });
      const again = await req(v, "GET", `${EXB}/AvailablePhoneNumbers/IN/Landline`, EX);
      const offered = again.json.map((n: { phone_number: string }) => n.phone_number);
      expect(offered).not.toContain(kept);
      expect(offered).not.toContain(released); // quarantine survives the restart
      const num = await req(v, "GET", `${APB}/numbers/${numSid}`, AP);
      expect(num.json).toMatchObject({
        call_app_sid: appSid,
        call_controller: "https://example.test/c",
        call_method: "POST",
      });
      const orders = ((await (await fetch(`${v}/__sandbox/plivo/orders`)).json()) as Loose).orders;
      expect(orders).toHaveLength(1);
      expect(orders[0]).toMatchObject({ number: fr, status: "pending" });
      const next = (
        await req(
          v,
          "POST",
          `${EXB}/IncomingPhoneNumbers`,
          EX,
          `PhoneNumber=${encodeURIComponent(offered[0])}`,
          form,
        )
      ).json;
      expect([ipn.sid, gone.sid]).not.toContain(next.sid); // sid counter continued
      await fetch(`${v}/__sandbox/plivo/orders/${orders[0].id}/complete`, { method: "POST" });
    } finally {
      await b.close();
    }
    const c = await startSandbox({ port: 0, quiet: true, stateFile: file });
    try {
      expect((await req(c.url, "GET", `${PLB}/Number/${fr}/`, PL)).status).toBe(200);
    } finally {
      await c.close();
    }
    await expect(startSandbox({ port: 0, quiet: true, stateFile: file, seed: 6 })).rejects.toThrow(/seed 5/);
  });

  it("refuses a corrupt state file with a message naming it", async () => {
    const file = join(dir, "corrupt.json");
    writeFileSync(file, "{nope");
    await expect(startSandbox({ port: 0, quiet: true, stateFile: file })).rejects.toThrow(
      /corrupt\.json is not valid JSON/,
    );
  });
});

describe("CLI", () => {
  it("parses options", () => {
    expect(
      parseSandboxArgs([
        "--port",
        "0",
        "--host=0.0.0.0",
        "--seed",
        "3",
        "--latency-ms",
        "20",
        "--state",
        "s.json",
      ]),
    ).toEqual({
      kind: "run",
      options: { port: 0, host: "0.0.0.0", seed: 3, latencyMs: 20, stateFile: "s.json" },
    });
    expect(parseSandboxArgs(["--accounts", "a.json"])).toEqual({
      kind: "run",
      options: {},
      accountsFile: "a.json",
    });
    expect(parseSandboxArgs(["--help"])).toEqual({ kind: "help" });
    expect(parseSandboxArgs(["--port", "x"])).toMatchObject({
      kind: "error",
      message: expect.stringContaining("--port"),
    });
    expect(parseSandboxArgs(["--port"])).toMatchObject({ kind: "error" });
    expect(parseSandboxArgs(["--bogus"])).toMatchObject({
      kind: "error",
      message: expect.stringContaining("--bogus"),
    });
  });

  it("loads an accounts file and reports every problem at once", () => {
    const good = join(dir, "accounts.json");
    writeFileSync(
      good,
      JSON.stringify({
        plivo: [
          { authId: "MAAAAAAAAAAAAAAAAAA1", authToken: "t", rateLimit: { requests: 5, windowMs: 1000 } },
        ],
      }),
    );
    const accounts = loadAccountsFile(good);
    expect(accounts.plivo).toEqual([
      { authId: "MAAAAAAAAAAAAAAAAAA1", authToken: "t", rateLimit: { requests: 5, windowMs: 1000 } },
    ]);
    expect(accounts.exotel).toEqual(DEFAULT_ACCOUNTS.exotel);
    const bad = join(dir, "bad-accounts.json");
    writeFileSync(
      bad,
      JSON.stringify({ plivo: [{ authId: "nope", authToken: "" }], exotel: [{ accountSid: "a" }], fax: [] }),
    );
    expect(() => loadAccountsFile(bad)).toThrow(
      /authId[\s\S]*authToken[\s\S]*apiKey[\s\S]*apiToken[\s\S]*fax|fax[\s\S]*authId/,
    );
    expect(() => loadAccountsFile(join(dir, "missing.json"))).toThrow(/cannot read accounts file/);
  });

  it("prints URLs, credentials and env vars", () => {
    const text = sandboxBanner({ url: "http://127.0.0.1:4010", accounts: DEFAULT_ACCOUNTS });
    for (const s of [
      "EXOTEL_BASE_URL=http://127.0.0.1:4010/exotel",
      "EXOTEL_API_KEY=sandbox-exotel-key-1",
      "EXOTEL_API_TOKEN=sandbox-exotel-token-1",
      "EXOTEL_ACCOUNT_SID=sandbox1",
      "PLIVO_BASE_URL=http://127.0.0.1:4010/plivo",
      "PLIVO_AUTH_ID=MASANDBOX00000000001",
      "PLIVO_AUTH_TOKEN=sandbox-plivo-token-1",
      "APIFONICA_BASE_URL=http://127.0.0.1:4010/apifonica",
      "APIFONICA_ACCOUNT_SID=acc00000000-0000-4000-8000-000000000001",
      "APIFONICA_AUTH_TOKEN=aut00000000-0000-4000-8000-000000000001",
      "sandbox2",
      "MASANDBOX00000000002",
    ]) {
      expect(text).toContain(s);
    }
  });

  it("runs until stopped, then flushes state and resolves 0", async () => {
    const file = join(dir, "cli-state.json");
    const out: string[] = [];
    const stop = new AbortController();
    const done = runSandboxCommand(["--port", "0", "--state", file, "--latency-ms", "60"], {
      out: (t) => out.push(t),
      err: (t) => out.push(t),
      signal: stop.signal,
    });
    for (let i = 0; i < 100 && !out.join("\n").includes("listening on"); i++)
      await new Promise((r) => setTimeout(r, 10));
    const url = /listening on (\S+)/.exec(out.join("\n"))?.[1] as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const t = Date.now();
    const r = await req(url, "GET", `${APB}/numbers`, AP);
    expect(r.status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(55); // --latency-ms
    const pending = fetch(`${url}${APB}/numbers`, { headers: { authorization: AP } });
    await new Promise((res) => setTimeout(res, 10));
    stop.abort();
    expect((await pending).status).toBe(200); // in-flight request finished
    await expect(done).resolves.toBe(0);
    expect(existsSync(file)).toBe(true);
    await expect(fetch(`${url}/`)).rejects.toThrow();
    expect(await runSandboxCommand(["--help"], { out: () => {} })).toBe(0);
    expect(await runSandboxCommand(["--nope"], { err: () => {} })).toBe(2);
  });
});
