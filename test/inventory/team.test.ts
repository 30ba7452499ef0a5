/**
 * Inventory at team scale on the real engine: two stacks of one project on one backend share one
 * sandbox Exotel account, with their credentials ONLY in stack config (no vendor environment
 * variable anywhere). The joint drift report knows each stack's numbers; a number adopted by both is
 * a failing conflict; `--max-releases 0` fails a change that releases one number; a rename with
 * `previousNames` keeps the number (0 purchases, 0 releases in the sandbox's request log); an empty
 * file is refused by `pulumi preview` with one clean message, and a truncated one by `inventory check`.
 */
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, jest, test } from "@jest/globals";
import { sandboxStackConfig } from "../../scripts/sandbox-client.js";
import { expectExit, repoRoot, run, Stack } from "../e2e/harness.js";
import { clearLog, requests, type Sandbox, start, vendor } from "../support/sandbox.js";

jest.setTimeout(300_000);

const CLI = path.join(repoRoot, "dist", "cli", "phone-numbers.js");
// No top-level await: the form CommonJS programs use too (a promise-valued stack output).
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { loadInventory } from "../../../dist/sdk/inventory.js";

export const numbers = loadInventory(\`numbers-\${pulumi.getStack()}.yaml\`).then((i) => i.numbers);
`;
const NO_VENDOR_ENV = Object.fromEntries(
  [
    "EXOTEL_API_KEY",
    "EXOTEL_API_TOKEN",
    "EXOTEL_ACCOUNT_SID",
    "EXOTEL_BASE_URL",
    "PLIVO_AUTH_ID",
    "PLIVO_AUTH_TOKEN",
    "PLIVO_BASE_URL",
    "APIFONICA_ACCOUNT_SID",
    "APIFONICA_AUTH_TOKEN",
    "APIFONICA_BASE_URL",
  ].map((k) => [k, undefined]),
);

let sb: Sandbox;
let programDir: string;
let teamA: Stack | undefined;
let teamB: Stack | undefined;
const held: { sid: string; number: string }[] = [];

async function rentByHand(region: string): Promise<{ sid: string; number: string }> {
  const found = await vendor(sb, "exotel", "GET", `/AvailablePhoneNumbers/IN/Landline?InRegion=${region}`);
  const free = (found.json as { phone_number: string }[]).find(
    (c) => !held.some((h) => h.number === c.phone_number),
  )!;
  const rented = await vendor(sb, "exotel", "POST", "/IncomingPhoneNumbers", {
    PhoneNumber: free.phone_number,
  });
  expect(rented.status).toBe(200);
  const n = rented.json as { sid: string; phone_number: string };
  held.push({ sid: n.sid, number: n.phone_number });
  return held[held.length - 1]!;
}

const file = (stack: Stack) => path.join(programDir, `numbers-${stack.name}.yaml`);
const adopt = (entries: Record<string, string>, extra = "") =>
  `exotel:\n${Object.entries(entries)
    .map(([name, number]) => `  ${name}:\n    phoneNumber: "${number}"\n    adopt: true\n${extra}`)
    .join("")}`;

/** The CLI as users run it (dist/cli/phone-numbers.js), with the shared backend's environment. */
const cli = (args: string[]) => run("node", [CLI, ...args], { cwd: programDir, env: teamA!.env });
const both = () => ["--cwd", programDir, "--stack", teamA!.name, "--stack", teamB!.name, "--quiet"];

const purchasesAndReleases = async () =>
  (await requests(sb, "exotel")).filter(
    (r) =>
      (r.method === "POST" && /\/IncomingPhoneNumbers$/.test(r.path)) ||
      (r.method === "DELETE" && /\/IncomingPhoneNumbers\//.test(r.path)),
  );

beforeAll(async () => {
  sb = await start();
  programDir = await fs.mkdtemp(path.join(repoRoot, "test", "inventory", ".tmp-team-"));
  await fs.writeFile(
    path.join(programDir, "Pulumi.yaml"),
    "name: team-e2e\nruntime: nodejs\nmain: index.ts\n",
  );
  await fs.writeFile(path.join(programDir, "index.ts"), PROGRAM);
  const { config, secrets } = sandboxStackConfig(sb);
  teamA = await Stack.create({ programDir, stackName: "team-a", config, secrets, env: NO_VENDOR_ENV });
  // The second stack shares the first one's backend (and PULUMI_HOME): one backend, two stacks.
  teamB = await Stack.create({
    programDir,
    stackName: "team-b",
    config,
    secrets,
    env: NO_VENDOR_ENV,
    stateDir: teamA.tempDir,
  });
});

afterAll(async () => {
  // teamB.remove() deletes the shared directory, so teamA's stack goes first.
  if (teamA) await teamA.pulumi(["stack", "rm", teamA.name, "--yes", "--force", "--non-interactive"]);
  if (teamB) await teamB.remove();
  if (programDir) await fs.rm(programDir, { recursive: true, force: true });
  if (sb) await sb.close();
});

describe("two stacks on one sandbox account, credentials only in stack config", () => {
  test("joint report: each stack's numbers are managed, only the third is unmanaged", async () => {
    const [one, two, three] = [await rentByHand("KA"), await rentByHand("DL"), await rentByHand("MH")];
    await fs.writeFile(file(teamA!), adopt({ "a-one": one.number }));
    await fs.writeFile(file(teamB!), adopt({ "b-one": two.number }));
    await clearLog(sb);
    expectExit(await teamA!.up(), 0);
    expectExit(await teamB!.up(), 0);
    expect(await purchasesAndReleases()).toEqual([]);

    const report = await cli(["drift-report", ...both()]);
    expect(report.stderr).toBe("");
    expect(report.code).toBe(0);
    // The account was read, with the credentials of the stacks' config (there are no others).
    expect(report.stdout).toContain(
      `unmanaged exotel: 1 of 3 held number(s) in no listed stack (67% under management): ${three.number}`,
    );
    expect(report.stdout).toContain(`--vendor exotel --only ${three.number} --out`);
    expect(report.stdout).not.toMatch(
      new RegExp(`only [^\\n]*(${one.number}|${two.number})`.replace(/\+/g, "\\+")),
    );
    expect(report.stdout).toMatch(
      /result: no drift: the stacks match their files; the .*exotel.* account\(s\) were read: 1 number\(s\) in no listed stack/,
    );
    for (const secret of Object.values(sandboxStackConfig(sb).secrets))
      expect(report.stdout).not.toContain(secret);

    // One stack previewed, the other read from the backend's state: the same verdict on team-b's number.
    const backend = await cli(["drift-report", "--stack", teamA!.name, "--backend", "--quiet"]);
    expect(backend.code).toBe(0);
    expect(backend.stdout).toContain(`read from state only (no drift check): ${teamB!.name}`);
    expect(backend.stdout).toContain(
      `1 of 3 held number(s) in no listed stack (67% under management): ${three.number}`,
    );
  });

  test("a number adopted by both stacks is a conflict: exit 8", async () => {
    const one = held[0]!;
    await fs.writeFile(file(teamB!), adopt({ "b-one": held[1]!.number, "b-dup": one.number }));
    expectExit(await teamB!.up(), 0);
    const report = await cli(["drift-report", ...both(), "--markdown"]);
    expect(report.code).toBe(8);
    expect(report.stdout).toContain("### Conflicts: numbers managed more than once");
    expect(report.stdout).toContain(`| ${one.number} | exotel | a-one (team-a), b-dup (team-b) |`);
  });

  test("--max-releases 0 fails a change that releases one number: exit 9, the rental change listed", async () => {
    // Dropping b-dup from team-b's file would release the number team-a still uses.
    await fs.writeFile(file(teamB!), adopt({ "b-one": held[1]!.number }));
    const guard = await cli([
      "drift-report",
      "--cwd",
      programDir,
      "--stack",
      teamB!.name,
      "--max-releases=0",
      "--quiet",
    ]);
    expect(guard.code).toBe(9);
    expect(guard.stdout).toMatch(
      new RegExp(`release: b-dup \\${held[0]!.number}: removed from the file.*\\(\\d+\\.\\d\\d INR/month\\)`),
    );
    expect(guard.stdout).toContain(
      "release guard FAILS: pulumi up would release 1 number(s); allowed: 0 (--max-releases)",
    );
    expect(guard.stdout).toMatch(/after pulumi up: exotel -\d+\.\d\d INR/);
    // Keep the number: retainOnDelete first, then the entry can go.
    await fs.writeFile(
      file(teamB!),
      adopt({ "b-one": held[1]!.number, "b-dup": held[0]!.number }, "    retainOnDelete: true\n"),
    );
    expectExit(await teamB!.up(), 0);
    await fs.writeFile(file(teamB!), adopt({ "b-one": held[1]!.number }));
    await clearLog(sb);
    expectExit(await teamB!.up(), 0);
    expect(await purchasesAndReleases()).toEqual([]);
  });

  test("a rename with previousNames keeps the number: 0 purchases, 0 releases", async () => {
    await fs.writeFile(
      file(teamA!),
      `exotel:\n  support-bangalore:\n    phoneNumber: "${held[0]!.number}"\n    adopt: true\n    previousNames: [a-one]\n`,
    );
    await clearLog(sb);
    expectExit(await teamA!.up(), 0);
    expect(await purchasesAndReleases()).toEqual([]);
    const outputs = (await teamA!.outputs()).json as { numbers: Record<string, unknown> };
    expect(outputs.numbers).toEqual({ "support-bangalore": held[0]!.number });
    expectExit(await teamA!.preview({ expectNoChanges: true }), 0);
  });

  test("an empty file is refused by pulumi preview with one clean message; a truncated one by inventory check", async () => {
    const before = await fs.readFile(file(teamA!), "utf8");
    await fs.writeFile(file(teamA!), ""); // what a failed `inventory export > numbers.yaml` leaves
    const preview = await teamA!.preview();
    expect(preview.code).not.toBe(0);
    const output = preview.stdout + preview.stderr;
    expect(output).toContain(
      "(file): has no entries: `pulumi up` of it would release every number the stack manages",
    );
    expect(output).not.toMatch(/\n\s+at .*\.js:\d+/); // no stack trace
    expect(output).not.toContain("problems:"); // no dump of the problems array

    await fs.writeFile(file(teamA!), before.slice(0, before.indexOf("phoneNumber")));
    const check = await cli(["inventory", "check", file(teamA!)]);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(
      /exotel\.support-bangalore: must be a mapping of the entry's fields, got nothing/,
    );
    await fs.writeFile(file(teamA!), before);
  });
});
