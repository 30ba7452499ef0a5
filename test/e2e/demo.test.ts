/**
 * `npm run demo`, the README's main job, as users run it: the compiled dist/scripts/demo.js under plain
 * Node (no ts-node), end to end against its in-process sandbox. Its stack goes to a temporary
 * directory (PHONE_NUMBERS_DEMO_DIR) so a developer's own `.demo/` is left alone.
 */
import { existsSync } from "node:fs";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, jest, test } from "@jest/globals";
import { DEFAULT_ACCOUNTS } from "../../sandbox/index.js";
import { sandboxCredentials } from "../../scripts/sandbox-client.js";
import { repoRoot, run } from "./harness.js";

jest.setTimeout(240_000);

const demoScript = path.join(repoRoot, "dist", "scripts", "demo.js");

describe("npm run demo", () => {
  let demoDir: string;

  beforeAll(async () => {
    demoDir = await fs.mkdtemp(path.join(os.tmpdir(), "ppn-demo-"));
  });
  afterAll(async () => {
    if (demoDir) await fs.rm(demoDir, { recursive: true, force: true });
  });

  const demo = (args: string[]) =>
    run(process.execPath, [demoScript, ...args], {
      cwd: repoRoot,
      env: { ...process.env, PHONE_NUMBERS_DEMO_DIR: demoDir },
      timeoutMs: 200_000,
    });

  test("is compiled with the package build", () => {
    // `npm run build` compiles scripts/ (tsconfig.build.json includes it); the package excludes dist/scripts.
    expect(existsSync(demoScript)).toBe(true);
  });

  test("runs every step and prints one line per step, and no credential", async () => {
    const result = await demo([]);
    const output = `${result.stdout}\n${result.stderr}`;
    if (result.code !== 0) throw new Error(`demo exited ${result.code}:\n${output}`);
    const steps = result.stdout.split("\n").filter((l) => /^\[\s*\d+\/9\]/.test(l));
    expect(steps.map((l) => l.slice(0, 6))).toEqual([
      "[ 1/9]",
      "[ 2/9]",
      "[ 3/9]",
      "[ 4/9]",
      "[ 5/9]",
      "[ 6/9]",
      "[ 7/9]",
      "[ 8/9]",
      "[ 9/9]",
    ]);
    for (const line of steps) expect(line).toMatch(/\(\d+\.\d s\)$/);
    expect(result.stdout).toMatch(/pulumi up: rented 6 numbers/);
    expect(result.stdout).toMatch(/exit 7, drift caught/);
    expect(result.stdout).toMatch(/update ExoPhone support-bangalore: voiceUrl is ".*9999" live/);
    expect(result.stdout).toMatch(/accounts list 0 numbers; 0 Apifonica applications/);
    for (const credential of sandboxCredentials({ url: "", accounts: DEFAULT_ACCOUNTS }))
      expect(output.includes(credential)).toBe(false);
  });

  test("rejects an unknown option with its usage", async () => {
    const result = await demo(["--bogus"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--keep");
  });
});
