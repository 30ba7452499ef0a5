/**
 * Proves the harness and the real engine work here, independently of this package's resources: a
 * tiny inline dynamic resource whose "remote" is a JSON file goes through preview, up, a clean
 * preview, out-of-band drift (exit 7), repair, destroy; stack config (one value a secret) reaches the
 * provider's `configure`, and the secret never appears in plain text in state.
 *
 * The program is an ESM TypeScript program inside this repository (no package.json of its own, so it
 * resolves the repository's node_modules and `"type": "module"`), as the repository's root program is.
 * Its Pulumi.yaml must name `main: index.ts`: without it, @pulumi/pulumi's runner takes the entry
 * point from the nearest package.json's `exports["."]` and runs dist/sdk/index.js instead.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, jest, test } from "@jest/globals";
import { EXIT_CHANGES_FOUND, expectExit, randomSuffix, repoRoot, Stack } from "./harness.js";

jest.setTimeout(240_000);

const SECRET = `smoke-secret-${randomSuffix()}-do-not-leak`;
const KEY = "greeting";

// `require` inside the provider methods runs in the provider host (CommonJS), never in the program
// (ESM, where `require` is undefined); the closure serialiser never captures `require`.
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";

console.log("program-module-kind", typeof require === "undefined" ? "esm" : "cjs");

const config = new pulumi.Config();

const provider: pulumi.dynamic.ResourceProvider = {
  async configure(req) {
    const fs = require("node:fs");
    const crypto = require("node:crypto");
    const token = req.config.get("smoke:token") ?? "";
    const storePath = req.config.get("smoke:storePath");
    const tokenSha256 = crypto.createHash("sha256").update(token).digest("hex");
    fs.writeFileSync(storePath + ".configured.json", JSON.stringify({ tokenSha256 }));
  },
  async create(inputs) {
    const fs = require("node:fs");
    const store = JSON.parse(fs.readFileSync(inputs.store, "utf8"));
    store[inputs.key] = inputs.value;
    fs.writeFileSync(inputs.store, JSON.stringify(store));
    return { id: inputs.key, outs: inputs };
  },
  async read(id, props) {
    const fs = require("node:fs");
    const store = JSON.parse(fs.readFileSync(props.store, "utf8"));
    if (!(id in store)) return { id: "" };
    return { id, props: { ...props, value: store[id] } };
  },
  async diff(_id, olds, news) {
    return {
      changes: olds.value !== news.value || olds.key !== news.key,
      replaces: olds.key !== news.key ? ["key"] : [],
    };
  },
  async update(id, _olds, news) {
    const fs = require("node:fs");
    const store = JSON.parse(fs.readFileSync(news.store, "utf8"));
    store[id] = news.value;
    fs.writeFileSync(news.store, JSON.stringify(store));
    return { outs: news };
  },
  async delete(id, props) {
    const fs = require("node:fs");
    const store = JSON.parse(fs.readFileSync(props.store, "utf8"));
    delete store[id];
    fs.writeFileSync(props.store, JSON.stringify(store));
  },
};

class Entry extends pulumi.dynamic.Resource {
  declare readonly value: pulumi.Output<string>;
  constructor(name: string, args: { store: string; key: string; value: string }) {
    super(provider, name, { ...args }, {}, "smoke", "Entry");
  }
}

const entry = new Entry("entry", { store: config.require("storePath"), key: "${KEY}", value: "v1" });
export const value = entry.value;
`;

describe("engine smoke: real Pulumi CLI, file backend, inline dynamic resource", () => {
  let programDir: string;
  let storePath: string;
  let stack: Stack | undefined;
  let destroyed = false;

  const readStore = async (): Promise<Record<string, string>> =>
    JSON.parse(await fs.readFile(storePath, "utf8")) as Record<string, string>;

  beforeAll(async () => {
    programDir = await fs.mkdtemp(path.join(repoRoot, "test", "e2e", ".tmp-"));
    storePath = path.join(programDir, "store.json");
    await fs.writeFile(
      path.join(programDir, "Pulumi.yaml"),
      "name: smoke\nruntime: nodejs\nmain: index.ts\n",
    );
    await fs.writeFile(path.join(programDir, "index.ts"), PROGRAM);
    await fs.writeFile(storePath, "{}");
    stack = await Stack.create({
      programDir,
      config: { "smoke:storePath": storePath },
      secrets: { "smoke:token": SECRET },
    });
  });

  afterAll(async () => {
    if (stack) {
      if (!destroyed) await stack.destroy();
      await stack.remove();
    }
    if (programDir) await fs.rm(programDir, { recursive: true, force: true });
  });

  test("the engine is a CLI new enough for exit code 7", async () => {
    const result = await stack!.pulumi(["version"]);
    expect(result.code).toBe(0);
    const [major, minor] = result.stdout.trim().replace(/^v/, "").split(".").map(Number);
    expect(major).toBe(3);
    expect(minor).toBeGreaterThanOrEqual(227);
  });

  test("lifecycle: preview, up, no-change preview, drift (exit 7), repair, export, destroy", async () => {
    const s = stack!;
    const preview = await s.preview({ json: true });
    expectExit(preview, 0);
    const summary = (preview.json as { changeSummary?: Record<string, number> }).changeSummary;
    expect(summary).toEqual({ create: 2 }); // the stack and the entry
    expect(await readStore()).toEqual({}); // a preview creates nothing

    const up = await s.up();
    expectExit(up, 0);
    expect(up.stdout).toContain("program-module-kind esm");
    expect(await readStore()).toEqual({ [KEY]: "v1" });
    const outputs = await s.outputs();
    expect(outputs.json).toEqual({ value: "v1" });

    // configure received the stack config, the secret decrypted.
    const configured = JSON.parse(await fs.readFile(`${storePath}.configured.json`, "utf8")) as {
      tokenSha256: string;
    };
    expect(configured.tokenSha256).toBe(createHash("sha256").update(SECRET).digest("hex"));

    const clean = await s.preview({ expectNoChanges: true });
    expectExit(clean, 0);

    // Drift: the "remote" changes out of band.
    await fs.writeFile(storePath, JSON.stringify({ [KEY]: "tampered" }));
    const drift = await s.preview({ refresh: true, expectNoChanges: true });
    expectExit(drift, EXIT_CHANGES_FOUND);
    expect(await readStore()).toEqual({ [KEY]: "tampered" }); // a preview writes nothing

    const repair = await s.up({ refresh: true });
    expectExit(repair, 0);
    expect(await readStore()).toEqual({ [KEY]: "v1" });
    const live = await s.refresh({ previewOnly: true, expectNoChanges: true });
    expectExit(live, 0);

    const exported = await s.exportState();
    expect(exported.code).toBe(0);
    const deployment = exported.json as { deployment?: { resources?: Array<{ type: string }> } };
    expect(deployment.deployment?.resources?.map((r) => r.type)).toContain(
      "pulumi-nodejs:dynamic/smoke:Entry",
    );
    expect(exported.stdout).not.toContain(SECRET);
    const stackConfig = await fs.readFile(path.join(programDir, `Pulumi.${s.name}.yaml`), "utf8");
    expect(stackConfig).toContain("smoke:token");
    expect(stackConfig).not.toContain(SECRET);

    const destroy = await s.destroy();
    expectExit(destroy, 0);
    destroyed = true;
    expect(await readStore()).toEqual({});
    const after = await s.exportState();
    expect((after.json as { deployment?: { resources?: unknown[] } }).deployment?.resources ?? []).toEqual(
      [],
    );
  });
});
