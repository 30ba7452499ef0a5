/**
 * `phone-numbers doctor` against the sandbox: read-only (zero writes in the request log), a clean report
 * on the default sandbox, every mismatch of a deliberately different variant named by field, the
 * readings of other variants noted, and no credential in any report.
 */
import { type DoctorReport, runDoctor } from "../../cli/doctor.js";
import { sandboxCredentials } from "../../scripts/sandbox-client.js";
import { admin, clearLog, requests, type Sandbox, start, vendor } from "../support/sandbox.js";

const ENV_KEYS = [
  "EXOTEL_BASE_URL",
  "EXOTEL_ACCOUNT_SID",
  "EXOTEL_API_KEY",
  "EXOTEL_API_TOKEN",
  "PLIVO_BASE_URL",
  "PLIVO_AUTH_ID",
  "PLIVO_AUTH_TOKEN",
  "APIFONICA_BASE_URL",
  "APIFONICA_ACCOUNT_SID",
  "APIFONICA_AUTH_TOKEN",
];
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/** Credentials in the environment, as a user of a real account would set them. */
function pointAt(sb: Sandbox): void {
  const e = sb.accounts.exotel[0]!;
  const p = sb.accounts.plivo[0]!;
  const a = sb.accounts.apifonica[0]!;
  Object.assign(process.env, {
    EXOTEL_BASE_URL: `${sb.url}/exotel`,
    EXOTEL_ACCOUNT_SID: e.accountSid,
    EXOTEL_API_KEY: e.apiKey,
    EXOTEL_API_TOKEN: e.apiToken,
    PLIVO_BASE_URL: `${sb.url}/plivo`,
    PLIVO_AUTH_ID: p.authId,
    PLIVO_AUTH_TOKEN: p.authToken,
    APIFONICA_BASE_URL: `${sb.url}/apifonica`,
    APIFONICA_ACCOUNT_SID: a.accountSid,
    APIFONICA_AUTH_TOKEN: a.authToken,
  });
}

/** One number held per vendor, rented the way a person would (raw vendor calls). */
async function holdOne(sb: Sandbox): Promise<void> {
  const search = await vendor(sb, "exotel", "GET", "/AvailablePhoneNumbers/IN/Landline?InRegion=KA");
  const [ex] = search.json as Array<{ phone_number: string }>;
  expect(
    (await vendor(sb, "exotel", "POST", "/IncomingPhoneNumbers", { PhoneNumber: ex!.phone_number })).status,
  ).toBe(200);
  const pl = await vendor(sb, "plivo", "GET", "/PhoneNumber/?country_iso=US&limit=1");
  const [first] = (pl.json as { objects: Array<{ number: string }> }).objects;
  expect((await vendor(sb, "plivo", "POST", `/PhoneNumber/${first!.number}/`, {})).status).toBe(201);
  const ap = await vendor(sb, "apifonica", "GET", "/availableNumbers/gb");
  const [num] = (ap.json as { available_numbers: Array<{ number: string }> }).available_numbers;
  expect((await vendor(sb, "apifonica", "POST", "/numbers", { number: num!.number })).status).toBe(201);
}

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDoctor(argv, { out: (t) => void out.push(t), err: (t) => void err.push(t) });
  return { code, out: out.join(""), err: err.join("") };
}

async function withSandbox(variants: string[], fn: (sb: Sandbox) => Promise<void>): Promise<void> {
  const sb = await start({ variants });
  try {
    pointAt(sb);
    await holdOne(sb);
    await clearLog(sb);
    await fn(sb);
    // Read-only: not one write reached any vendor, and nothing the accounts hold changed.
    const log = await requests(sb);
    expect(log.length).toBeGreaterThan(8);
    expect(log.filter((r) => r.method !== "GET")).toEqual([]);
    for (const text of [JSON.stringify(log)])
      for (const secret of sandboxCredentials(sb)) expect(text).not.toContain(secret);
  } finally {
    await sb.close();
  }
}

describe("phone-numbers doctor", () => {
  it("checks every vendor with GETs only and reports a clean account", async () => {
    await withSandbox([], async (sb) => {
      const { code, out } = await run([]);
      expect(out).toContain("result: every answer matched the provider's schemas");
      expect(code).toBe(0);
      for (const v of ["exotel", "plivo", "apifonica"]) expect(out).toContain(`${v} (account `);
      expect(out).toMatch(
        /ok {7}authenticate and list numbers: GET \/v2_beta\/Accounts\/\S+\/IncomingPhoneNumbers\?Page=0&PageSize=5 HTTP 200 in \d+ ms/,
      );
      expect(out).toContain("read details and connectivity (v2, by sid)");
      expect(out).toContain("note     connectivity.incoming_call: active");
      expect(out).toContain("note     the number filter (E.164 without +) finds the number");
      for (const secret of sandboxCredentials(sb)) expect(out).not.toContain(secret);
    });
  });

  it("names every mismatched field of a deliberately different variant, and fails", async () => {
    await withSandbox(["schema-drift"], async (sb) => {
      const { code, out } = await run(["--json"]);
      expect(code).toBe(1);
      const report = JSON.parse(out) as DoctorReport;
      const fields = (vendor: string) =>
        report.vendors
          .find((v) => v.vendor === vendor)!
          .calls.flatMap((c) => c.mismatches.map((m) => `${c.check}: ${m.field} (${m.received})`));
      expect(fields("exotel")).toEqual(
        expect.arrayContaining([
          "authenticate and list numbers: incoming_phone_numbers.*.rental_price ((absent))",
          'authenticate and list numbers: incoming_phone_numbers.*.capabilities.voice ("yes")',
          'read one number (v2_beta): capabilities.voice ("yes")',
          "read details and connectivity (v2, by sid): response.0.data.rental_price ((absent))",
          "search numbers for sale: *.rental_price ((absent))",
        ]),
      );
      expect(fields("plivo")).toEqual(
        expect.arrayContaining([
          "authenticate and list numbers: objects.*.number_type ((absent))",
          "read one number: number_type ((absent))",
        ]),
      );
      expect(fields("apifonica")).toContain("authenticate and list numbers: numbers.*.number_sid ((absent))");
      for (const secret of sandboxCredentials(sb)) expect(out).not.toContain(secret);
      // The text report names them too.
      const text = await run(["--vendor", "plivo"]);
      expect(text.out).toContain("- objects.*.number_type: required, but absent (received (absent))");
      expect(text.out).toMatch(/result: \d+ mismatched field\(s\), 0 failed call\(s\)/);
    });
  });

  it("notes the readings an account answers in: national v2 sids, numeric prices, lists without name, outages", async () => {
    await withSandbox(
      ["exotel-v2-national-sid", "exotel-prices-as-numbers", "apifonica-list-without-name", "exotel-outage"],
      async () => {
        const { code, out } = await run([]);
        expect(out).toContain("result: every answer matched the provider's schemas");
        expect(code).toBe(0);
        expect(out).toMatch(/note {5}v2 details know \+91\d{10} by its national number 0\d{10}/);
        expect(out).toContain("404 by the v2_beta sid; answered by the national number below");
        expect(out).toContain("prices are JSON numbers");
        expect(out).toContain("list items have no name key");
        expect(out).toContain("connectivity.incoming_call: major_outage, alternate_exophone [");
        expect(out).toContain("connectivity.outgoing_call: partial_network_outage");
      },
    );
  });

  it("says which credentials are missing, and fails on a refused login with the region hint", async () => {
    const sb = await start();
    try {
      pointAt(sb);
      delete process.env.PLIVO_AUTH_TOKEN;
      const missing = await run(["--vendor", "plivo"]);
      expect(missing.code).toBe(1);
      expect(missing.out).toContain(
        "plivo: not checked: incomplete plivo credentials: missing PLIVO_AUTH_TOKEN (environment)",
      );
      process.env.EXOTEL_API_TOKEN = "wrong-token-0123456789";
      const refused = await run(["--vendor", "exotel"]);
      expect(refused.code).toBe(1);
      expect(refused.out).toContain("authentication refused: HTTP 401");
      expect(refused.out).toContain("api.in.exotel.com");
      expect(refused.out).not.toContain("wrong-token-0123456789");
      expect((await requests(sb)).filter((r) => r.method !== "GET")).toEqual([]);
      await admin(sb, "GET", "accounts");
    } finally {
      await sb.close();
    }
  });

  it("prints its usage for --help (exit 0) and refuses unknown options and vendors (exit 2)", async () => {
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toContain("never rents, updates or");
    const bad = await run(["--vendor", "twilio"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--vendor: "twilio" is not a vendor; allowed: exotel, plivo, apifonica');
    expect((await run(["--frobnicate"])).code).toBe(2);
  });
});
