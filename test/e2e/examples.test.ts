/**
 * Every program under examples/ (each directory with a Pulumi.yaml, found when the suite loads, so a
 * new example is covered without touching this file) runs against the sandbox with the real engine:
 * preview (rents nothing), up, a second preview that must be clean, destroy (the accounts end empty,
 * except for what the example marks `retainOnDelete`; `protect` is lifted first with
 * `pulumi state unprotect --all`, as a user tearing a stack down on purpose would). No example can rot
 * unnoticed.
 *
 * The stack config goes to a temporary file (`--config-file`), so nothing is left in examples/.
 */
import { existsSync, readdirSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, jest, test } from "@jest/globals";
import { startSandbox } from "../../sandbox/index.js";
import { adminRequest, holdings, sandboxStackConfig } from "../../scripts/sandbox-client.js";
import { expectExit, randomSuffix, repoRoot, Stack } from "./harness.js";

jest.setTimeout(180_000);

const examplesDir = path.join(repoRoot, "examples");
const examples = readdirSync(examplesDir, { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(path.join(examplesDir, e.name, "Pulumi.yaml")))
  .map((e) => e.name)
  .sort();

const EMPTY = { exotel: 0, plivo: 0, apifonica: 0, apifonicaApplications: 0 };

describe("examples/: every Pulumi program previews, applies, and destroys against the sandbox", () => {
  let sb: Awaited<ReturnType<typeof startSandbox>>;

  beforeAll(async () => {
    sb = await startSandbox({ port: 0, quiet: true });
  });
  afterAll(async () => {
    await sb?.close();
  });

  test("the examples the README promises are there", () => {
    expect(examples).toEqual(
      expect.arrayContaining(["apifonica-ivr", "exotel-support-lines", "plivo-callback-pool"]),
    );
  });

  test.each(examples)("examples/%s", async (name) => {
    await adminRequest(sb, "POST", "reset");
    const stack = await Stack.create({
      programDir: path.join(examplesDir, name),
      configFile: path.join(os.tmpdir(), `ppn-example-${name}-${randomSuffix()}.yaml`),
      ...sandboxStackConfig(sb),
    });
    let destroyed = false;
    try {
      const preview = await stack.preview({ json: true });
      expectExit(preview, 0);
      const summary = (preview.json as { changeSummary?: Record<string, number> }).changeSummary ?? {};
      expect(summary["create"]).toBeGreaterThan(1); // the stack and at least one resource
      expect(await holdings(sb)).toEqual(EMPTY); // a preview rents nothing

      expectExit(await stack.up(), 0);
      const held = await holdings(sb);
      expect(held.exotel + held.plivo + held.apifonica + held.apifonicaApplications).toBeGreaterThan(0);
      expectExit(await stack.preview({ expectNoChanges: true }), 0);

      const exported = await stack.exportState();
      expectExit(exported, 0);
      const resources =
        (
          exported.json as {
            deployment: { resources?: Array<{ protect?: boolean; retainOnDelete?: boolean }> };
          }
        ).deployment.resources ?? [];
      if (resources.some((r) => r.protect)) {
        const unprotect = [
          "state",
          "unprotect",
          "--all",
          "--yes",
          "--stack",
          stack.name,
          "--non-interactive",
        ];
        expectExit(await stack.pulumi(unprotect), 0);
      }
      expectExit(await stack.destroy(), 0);
      destroyed = true;
      // Retained resources stay rented on purpose: that is what retainOnDelete is for.
      if (!resources.some((r) => r.retainOnDelete)) expect(await holdings(sb)).toEqual(EMPTY);
    } finally {
      if (!destroyed) await stack.destroy();
      await stack.remove();
    }
  });
});
