/**
 * The drift report and the export as commands, with a stand-in `pulumi` on PATH (no engine): it
 * answers `config --json --show-secrets`, `stack ls` and `preview --refresh --json` from fixture
 * files. Proves the orchestration: credentials come from each stack's config (none in the
 * environment), a vendor a stack uses without complete credentials is NOT CHECKED (exit 6), each
 * account is read once for several stacks, and no secret reaches the output.
 */
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { sandboxStackConfig } from "../../scripts/sandbox-client.js";
import { repoRoot, run } from "../e2e/harness.js";
import { clearLog, requests, type Sandbox, start, vendor } from "../support/sandbox.js";

const CLI = path.join(repoRoot, "dist", "cli", "phone-numbers.js");
const T = "pulumi-nodejs:dynamic/phone-numbers:";
let sb: Sandbox;
let dir: string;
const numbers: string[] = [];

/** A `pulumi` that serves fixtures: <dir>/<stack>.config.json, <dir>/<stack>.preview.json, <dir>/stacks.json. */
const FAKE = `#!/usr/bin/env node
const fs = require("node:fs");
const path = require("node:path");
const args = process.argv.slice(2);
const dir = process.env.FAKE_PULUMI_DIR;
const stack = args[args.indexOf("--stack") + 1];
const serve = (f) => { const p = path.join(dir, f); if (!fs.existsSync(p)) { console.error("error: no stack named " + stack); process.exit(255); } process.stdout.write(fs.readFileSync(p, "utf8")); };
if (args[0] === "config") serve(stack + ".config.json");
else if (args[0] === "preview") serve(stack + ".preview.json");
else if (args[0] === "stack" && args[1] === "ls") serve("stacks.json");
else { console.error("fake pulumi: " + args.join(" ")); process.exit(1); }
`;

const configJson = (entries: Record<string, string>, secret: Set<string>) =>
  JSON.stringify(
    Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, { value: v, secret: secret.has(k) }])),
  );

const previewOf = (stack: string, name: string, phoneNumber: string) => {
  const state = {
    urn: `urn:pulumi:${stack}::team::${T}ExoPhone::${name}`,
    id: `sid-${name}`,
    type: `${T}ExoPhone`,
    inputs: { phoneNumber, adopt: true },
    outputs: { phoneNumber, monthlyRental: "150.00", currency: "INR", __provider: "secret-shim" },
  };
  return JSON.stringify({
    steps: [
      { op: "refresh", urn: state.urn, oldState: state },
      { op: "same", urn: state.urn, oldState: state, newState: state },
    ],
  });
};

const env = () => ({
  PATH: `${path.join(dir, "bin")}:${path.dirname(process.execPath)}:/usr/bin:/bin`,
  FAKE_PULUMI_DIR: dir,
  HOME: dir,
});
const cli = (args: string[]) => run("node", [CLI, ...args], { cwd: dir, env: env() });

beforeAll(async () => {
  sb = await start();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "ppn-drift-cmd-"));
  await fs.mkdir(path.join(dir, "bin"));
  await fs.writeFile(path.join(dir, "bin", "pulumi"), FAKE, { mode: 0o755 });
  for (const region of ["KA", "DL", "MH"]) {
    const found = await vendor(sb, "exotel", "GET", `/AvailablePhoneNumbers/IN/Landline?InRegion=${region}`);
    const n = (found.json as { phone_number: string }[]).find((c) => !numbers.includes(c.phone_number))!;
    expect(
      (await vendor(sb, "exotel", "POST", "/IncomingPhoneNumbers", { PhoneNumber: n.phone_number })).status,
    ).toBe(200);
    numbers.push(n.phone_number);
  }
  const { config, secrets } = sandboxStackConfig(sb);
  const all = { ...config, ...secrets };
  const secretKeys = new Set(Object.keys(secrets));
  await fs.writeFile(path.join(dir, "a.config.json"), configJson(all, secretKeys));
  await fs.writeFile(path.join(dir, "b.config.json"), configJson(all, secretKeys));
  // Stack c uses Exotel with an incomplete config: the token is missing.
  const { "exotel:apiToken": _, ...partial } = all;
  await fs.writeFile(path.join(dir, "c.config.json"), configJson(partial, secretKeys));
  await fs.writeFile(path.join(dir, "a.preview.json"), previewOf("a", "a-one", numbers[0]!));
  await fs.writeFile(path.join(dir, "b.preview.json"), previewOf("b", "b-one", numbers[1]!));
  await fs.writeFile(path.join(dir, "c.preview.json"), previewOf("c", "c-one", numbers[0]!));
  await fs.writeFile(
    path.join(dir, "stacks.json"),
    JSON.stringify([{ name: "a", current: true }, { name: "b" }]),
  );
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
  await sb.close();
});

describe("drift-report over stacks read through pulumi", () => {
  test("--all-stacks: credentials from the stacks' config, the account read once, one unmanaged number", async () => {
    await clearLog(sb);
    const r = await cli(["drift-report", "--all-stacks"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("... stack a: pulumi preview --refresh");
    expect(r.stderr).toContain("... stack b: pulumi preview --refresh");
    expect(r.stdout).toContain(
      `unmanaged exotel: 1 of 3 held number(s) in no listed stack (67% under management): ${numbers[2]}`,
    );
    expect(r.stdout).toContain("unmanaged plivo: 0 of 0 held number(s)");
    const lists = (await requests(sb, "exotel")).filter(
      (q) => q.method === "GET" && /IncomingPhoneNumbers/.test(q.path),
    );
    expect(lists.length).toBe(1); // one page, one walk for both stacks
    for (const secret of Object.values(sandboxStackConfig(sb).secrets))
      expect(r.stdout + r.stderr).not.toContain(secret);
    expect(r.stdout).not.toContain("secret-shim");
  });

  test("a stack using Exotel with an incomplete config: NOT CHECKED, named keys, exit 6 (8 with its conflict)", async () => {
    const r = await cli(["drift-report", "--stack", "c", "--quiet"]);
    expect(r.code).toBe(6);
    expect(r.stdout).toContain(
      "accounts exotel (c): NOT CHECKED (incomplete exotel credentials: missing exotel:apiToken (config of stack c) or EXOTEL_API_TOKEN)",
    );
    expect(r.stdout).toContain("were NOT checked");
    expect(r.stdout).not.toContain("result: no drift");
    const both = await cli(["drift-report", "--stack", "a", "--stack", "c", "--quiet"]);
    expect(both.code).toBe(8); // c manages a's number: a conflict outranks the account not checked
    expect(both.stdout).toContain(`conflict: ${numbers[0]} (exotel) is managed by a-one in a and c-one in c`);
  });

  test("inventory export --stack reads the stack's config (no credential in the environment)", async () => {
    const out = path.join(dir, "numbers.yaml");
    const r = await cli([
      "inventory",
      "export",
      "--vendor",
      "exotel",
      "--stack",
      "a",
      "--out",
      out,
      "--quiet",
    ]);
    expect(r.stderr).toBe(`wrote 3 number(s) to ${out}\n`);
    expect(r.code).toBe(0);
    const text = await fs.readFile(out, "utf8");
    for (const n of numbers) expect(text).toContain(`exotel-${n.slice(1)}:`);
    const noStack = await cli(["inventory", "export", "--vendor", "exotel", "--quiet"]);
    expect(noStack.code).toBe(1);
    expect(noStack.stderr).toContain("no exotel credentials: missing EXOTEL_API_KEY (environment)");
    expect(noStack.stderr).toContain("(pass --stack NAME to read a stack's config)");
  });
});
