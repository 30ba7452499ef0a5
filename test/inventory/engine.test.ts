/**
 * The inventory workflow on the real engine against the sandbox, on ONE stack edited between steps:
 * numbers rented by hand are exported, `pulumi up` of the export buys nothing and leaves no change,
 * then the drift report reads real `pulumi preview --refresh --json` output for: no drift, a voice URL
 * changed in a dashboard plus a number rented by hand, and a released number with a pending Plivo
 * order and a new entry to buy (through examples/drift-ci/drift-check.sh, as CI runs it).
 */
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, jest, test } from "@jest/globals";
import { expectExit, repoRoot, run, Stack } from "../e2e/harness.js";
import { admin, clearLog, requests, type Sandbox, start, vendor } from "../support/sandbox.js";

jest.setTimeout(180_000);

const CLI = path.join(repoRoot, "test", "inventory", "cli.mjs");
const PROGRAM = `import { loadInventory } from "../../../dist/sdk/inventory.js";

const inventory = await loadInventory("numbers.yaml");
export const numbers = inventory.numbers;
`;

let sb: Sandbox;
let programDir: string;
let stack: Stack | undefined;
const exotelRented: { sid: string; number: string; rental: string }[] = [];
const plivoRented: { number: string; rental: string }[] = [];
let apifonicaNumber: { sid: string; number: string } | undefined;

function vendorEnv(): Record<string, string> {
  const ex = sb.accounts.exotel[0]!;
  const pl = sb.accounts.plivo[0]!;
  const ap = sb.accounts.apifonica[0]!;
  return {
    EXOTEL_BASE_URL: `${sb.url}/exotel`,
    EXOTEL_API_KEY: ex.apiKey,
    EXOTEL_API_TOKEN: ex.apiToken,
    EXOTEL_ACCOUNT_SID: ex.accountSid,
    PLIVO_BASE_URL: `${sb.url}/plivo`,
    PLIVO_AUTH_ID: pl.authId,
    PLIVO_AUTH_TOKEN: pl.authToken,
    APIFONICA_BASE_URL: `${sb.url}/apifonica`,
    APIFONICA_ACCOUNT_SID: ap.accountSid,
    APIFONICA_AUTH_TOKEN: ap.authToken,
  };
}

async function rentExotel(region: string, voiceUrl: string) {
  const found = await vendor(sb, "exotel", "GET", `/AvailablePhoneNumbers/IN/Landline?InRegion=${region}`);
  const candidates = found.json as { phone_number: string }[];
  const free = candidates.find((c) => !exotelRented.some((r) => r.number === c.phone_number))!;
  const rented = await vendor(sb, "exotel", "POST", "/IncomingPhoneNumbers", {
    PhoneNumber: free.phone_number,
    VoiceUrl: voiceUrl,
  });
  expect(rented.status).toBe(200);
  const n = rented.json as { sid: string; phone_number: string; rental_price: string };
  const row = { sid: n.sid, number: n.phone_number, rental: n.rental_price };
  exotelRented.push(row);
  return row;
}

/** Runs a CLI command of this directory as a child process with the stack's environment. */
function cli(args: string[], extra: Record<string, string> = {}) {
  return run("node", [CLI, ...args], { cwd: programDir, env: { ...stack!.env, ...vendorEnv(), ...extra } });
}

const purchases = (log: { vendor: string; method: string; path: string }[]) =>
  log.filter(
    (r) =>
      r.method === "POST" &&
      (/\/IncomingPhoneNumbers$/.test(r.path) ||
        /\/PhoneNumber\/[^/]+\/?$/.test(r.path) ||
        /\/AvailableNumberGroup\/[^/]+\/?$/.test(r.path) ||
        /\/numbers$/.test(r.path)),
  );

beforeAll(async () => {
  sb = await start();
  programDir = await fs.mkdtemp(path.join(repoRoot, "test", "inventory", ".tmp-"));
  await fs.writeFile(
    path.join(programDir, "Pulumi.yaml"),
    "name: inventory-e2e\nruntime: nodejs\nmain: index.ts\n",
  );
  await fs.writeFile(path.join(programDir, "index.ts"), PROGRAM);
  stack = await Stack.create({ programDir, stackName: "inv", env: vendorEnv() });
});

afterAll(async () => {
  if (stack) await stack.remove();
  if (programDir) await fs.rm(programDir, { recursive: true, force: true });
  if (sb) await sb.close();
});

describe("inventory export, adoption and the drift report on the real engine", () => {
  test("export of numbers rented by hand, then up buys nothing and the preview shows no change", async () => {
    await rentExotel("KA", "https://hooks.example.com/exotel/a");
    await rentExotel("DL", "https://hooks.example.com/exotel/b");
    const search = await vendor(sb, "plivo", "GET", "/PhoneNumber/?country_iso=US&type=local&limit=2");
    for (const o of (search.json as { objects: { number: string }[] }).objects) {
      expect((await vendor(sb, "plivo", "POST", `/PhoneNumber/${o.number}/`, {})).status).toBe(201);
      await vendor(sb, "plivo", "POST", `/Number/${o.number}/`, { alias: "by-hand" });
      const got = (await vendor(sb, "plivo", "GET", `/Number/${o.number}/`)).json as {
        monthly_rental_rate: string;
      };
      plivoRented.push({ number: `+${o.number}`, rental: got.monthly_rental_rate });
    }
    const app = await vendor(sb, "apifonica", "POST", "/applications", {
      controller: "https://ivr.example.com/voice",
      method: "POST",
    });
    const appSid = String((app.json as { uri: string }).uri)
      .split("/")
      .pop()!;
    const avail = await vendor(sb, "apifonica", "GET", "/availableNumbers/GB?type=local");
    const gb = (avail.json as { available_numbers: { number: string }[] }).available_numbers[0]!.number;
    const rentedGb = await vendor(sb, "apifonica", "POST", "/numbers", { number: gb, call_app_sid: appSid });
    expect(rentedGb.status).toBe(201);
    apifonicaNumber = {
      sid: String((rentedGb.json as { uri: string }).uri)
        .split("/")
        .pop()!,
      number: gb,
    };

    const file = path.join(programDir, "numbers.yaml");
    const exported = await cli(["inventory", "export", "--vendor", "exotel,plivo,apifonica", "--out", file]);
    expect(exported.stderr).not.toMatch(/warning/);
    expect(exported.code).toBe(0);
    const text = await fs.readFile(file, "utf8");
    expect(text).toMatch(
      /^# yaml-language-server: \$schema=\.\.\/\.\.\/\.\.\/schema\/numbers\.schema\.json\n/,
    );
    for (const r of exotelRented) expect(text).toContain(`exotel-${r.number.slice(1)}:`);
    for (const r of plivoRented) expect(text).toContain(`plivo-${r.number.slice(1)}:`);
    expect(text).toContain(`callAppSid: ${appSid}`);
    expect(text.match(/^ +adopt: true$/gm)).toHaveLength(5);

    await clearLog(sb);
    expectExit(await stack!.up(), 0);
    expect(purchases(await requests(sb))).toEqual([]);
    expectExit(await stack!.preview({ expectNoChanges: true }), 0);
    const outputs = (await stack!.outputs()).json as { numbers: Record<string, unknown> };
    expect(outputs.numbers[`exotel-${exotelRented[0]!.number.slice(1)}`]).toBe(exotelRented[0]!.number);
  });

  test("no drift: exit 0, every held number managed, rental totals at the sandbox's prices", async () => {
    const preview = await stack!.preview({ refresh: true, json: true });
    expectExit(preview, 0);
    const jsonFile = path.join(programDir, "preview.json");
    await fs.writeFile(jsonFile, preview.stdout);
    const report = await cli(["drift-report", "--json", jsonFile]);
    expectExit(report, 0);
    expect(report.stdout).toContain("result: no drift");
    expect(report.stdout).toContain(
      "unmanaged exotel: 0 of 2 held number(s) in no listed stack (100% under management)",
    );
    const inr = exotelRented.reduce((a, r) => a + Number(r.rental), 0).toFixed(2);
    const usd = plivoRented.reduce((a, r) => a + Number(r.rental), 0).toFixed(2);
    expect(report.stdout).toContain(
      `monthly rental: exotel ${inr} INR; plivo ${usd} USD; apifonica 1.20 EUR`,
    );
    expect(report.stdout).not.toContain("__provider");
  });

  test("a voice URL changed in the dashboard and a number rented by hand: exit 7, one line each", async () => {
    const target = exotelRented[0]!;
    const changed = await vendor(sb, "exotel", "PUT", `/IncomingPhoneNumbers/${target.sid}`, {
      VoiceUrl: "https://dashboard.example.com/changed",
    });
    expect(changed.status).toBe(200);
    const extra = await rentExotel("MH", "https://hooks.example.com/exotel/c");

    const report = await cli(["drift-report", "--cwd", programDir, "--stack", stack!.name, "--quiet"]);
    expect(report.stderr).toBe("");
    expect(report.code).toBe(7);
    expect(report.stdout).toContain(
      `drift: exotel-${target.number.slice(1)} ${target.number} voiceUrl: git "https://hooks.example.com/exotel/a", live "https://dashboard.example.com/changed"`,
    );
    expect(report.stdout).toContain(
      `unmanaged exotel: 1 of 3 held number(s) in no listed stack (67% under management): ${extra.number}`,
    );
    expect(report.stdout).toContain(
      `adopt them: phone-numbers inventory export --vendor exotel --only ${extra.number} --out adopt-exotel.yaml`,
    );
    for (const secret of Object.values(vendorEnv()).filter((v) => v.includes("token"))) {
      expect(report.stdout).not.toContain(secret);
    }
    expect(report.stdout).not.toContain("__provider");
  });

  test("released by hand, a pending Plivo order and a new entry: the CI script's Markdown report", async () => {
    const file = path.join(programDir, "numbers.yaml");
    const groups = await vendor(sb, "plivo", "GET", "/AvailableNumberGroup/?country_iso=FR&limit=1");
    const groupId = (groups.json as { objects: { group_id: string }[] }).objects[0]!.group_id;
    let text = await fs.readFile(file, "utf8");
    text = text.replace(
      /^plivo:\n/m,
      `plivo:\n  fr-pending:\n    countryIso: FR\n    groupId: "${groupId}"\n    quantity: 1\n`,
    );
    await fs.writeFile(file, text);
    expectExit(await stack!.up(), 0); // orders the pending numbers (and repairs the voice URL)
    const orders = await admin<{ orders: { status: string }[] }>(sb, "GET", "plivo/orders");
    expect(orders.orders.map((o) => o.status)).toContain("pending");

    expect((await vendor(sb, "apifonica", "DELETE", `/numbers/${apifonicaNumber!.sid}`)).status).toBe(200);
    text = text.replace(/^exotel:\n/m, "exotel:\n  new-line:\n    region: KA\n");
    await fs.writeFile(file, text);

    const summaryFile = path.join(programDir, "summary.md");
    const script = path.join(repoRoot, "examples", "drift-ci", "drift-check.sh");
    const result = await run("bash", [script, "--cwd", programDir, "--stack", stack!.name], {
      cwd: programDir,
      env: { ...stack!.env, ...vendorEnv(), PHONE_NUMBERS: `node ${CLI}`, GITHUB_STEP_SUMMARY: summaryFile },
    });
    expect(result.code).toBe(7);
    const md = await fs.readFile(summaryFile, "utf8");
    expect(md).toContain("## Phone number drift report");
    expect(md).toContain("### Released outside Pulumi");
    const gb = apifonicaNumber!.number.startsWith("+")
      ? apifonicaNumber!.number
      : `+${apifonicaNumber!.number}`;
    expect(md).toContain(`| inv | apifonica-${gb.slice(1)} | ApifonicaNumber | ${gb} | 1.20 EUR |`);
    expect(md).toMatch(/### Pending Plivo orders\n\n[^#]*\| inv \| fr-pending \| PlivoNumberOrder \| - \|/);
    expect(md).toMatch(
      /### `pulumi up` would rent\n\n[^#]*\| inv \| new-line \| ExoPhone \| - \| unknown \| ExoPhone \(region KA\) \|/,
    );
    expect(md).toContain("| exotel | inv | 3 | 2 | 67% |");
    expect(md).toContain("Not counted in the change (price unknown until bought):");
    expect(md).not.toContain("__provider");
  });
});
