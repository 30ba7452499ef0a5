/**
 * The package as a user gets it: `npm pack` (once per run), installed into a CommonJS TypeScript
 * project outside the repository (shaped like `pulumi new typescript`), type-checked by `pulumi up`
 * as users' programs are. A file missing from the package, a missing build step, a dev-only dependency
 * or missing types fails here.
 *
 * Then a code change of the installed provider module (an edit of node_modules, as an upgrade of the
 * package would make) must reach resources created before it: `refresh` and `destroy` run the code
 * stored in state (`__provider`), which is a shim that loads the INSTALLED provider module at call
 * time, so the new code runs without touching the program or the state.
 */
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, jest, test } from "@jest/globals";
import { startSandbox } from "../../sandbox/index.js";
import { holdings, sandboxCredentials, sandboxStackConfig } from "../../scripts/sandbox-client.js";
import { expectExit, makeConsumerProject, packOnce, Stack } from "./harness.js";

jest.setTimeout(300_000);

const TYPE = "pulumi-nodejs:dynamic/phone-numbers:";

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import {
  ApifonicaApplication,
  ApifonicaNumber,
  ExoPhone,
  type ExoPhoneArgs,
  PlivoNumberOrder,
} from "pulumi-phone-numbers";

const args: ExoPhoneArgs = { region: "DL", voiceUrl: "https://my.exotel.com/consumer/exoml/start_voice/1" };
const exo = new ExoPhone("exo", args);
const order = new PlivoNumberOrder("order", { countryIso: "US", quantity: 1, alias: "consumer" });
const app = new ApifonicaApplication("app", { controller: "https://ivr.example.com/consumer", method: "POST" });
const line = new ApifonicaNumber("line", { countryCode: "GB", type: "local", callAppSid: app.applicationSid });

// Typed outputs: a wrong type here fails the type check.
const exoNumber: pulumi.Output<string> = exo.phoneNumber;
const orderNumbers: pulumi.Output<string[]> = order.numbers;
export const numbers = { exo: exoNumber, order: orderNumbers, line: line.number };
`;

/** Appended to the installed provider module: every read and delete leaves a line in the marker file. */
function markerPatch(markerFile: string): string {
  return `
// ---- e2e test patch: a "new version" of the provider module with an observable behaviour ----
import { appendFileSync as __e2eAppend } from "node:fs";
function __e2eMark(kind, impl) {
  const mark = (op) => __e2eAppend(${JSON.stringify(markerFile)}, op + " " + kind + "\\n");
  return {
    ...impl,
    read: (id, props) => { mark("read"); return impl.read(id, props); },
    delete: (id, props) => { mark("delete"); return impl.delete(id, props); },
  };
}
`;
}

interface StateResource {
  urn: string;
  type: string;
  inputs?: Record<string, unknown>;
}

describe("the packed package in a consumer project", () => {
  let sb: Awaited<ReturnType<typeof startSandbox>>;
  let dir: string;
  let stack: Stack | undefined;
  let destroyed = false;

  const providerCode = async (): Promise<Record<string, string>> => {
    const exported = await stack!.exportState();
    expectExit(exported, 0);
    const resources =
      (exported.json as { deployment: { resources?: StateResource[] } }).deployment.resources ?? [];
    return Object.fromEntries(
      resources
        .filter((r) => r.type.startsWith(TYPE))
        .map((r) => [r.type.slice(TYPE.length), String(r.inputs?.["__provider"])]),
    );
  };

  beforeAll(async () => {
    sb = await startSandbox({ port: 0, quiet: true });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "ppn-consumer-"));
    await makeConsumerProject(dir, { tarball: await packOnce(), program: PROGRAM });
    stack = await Stack.create({ programDir: dir, typeCheck: true, ...sandboxStackConfig(sb) });
  });

  afterAll(async () => {
    if (stack) {
      if (!destroyed) await stack.destroy();
      await stack.remove();
    }
    if (dir) await fs.rm(dir, { recursive: true, force: true });
    await sb?.close();
  });

  test("the tarball ships what a user needs, and no tests or demo scripts", async () => {
    const pkg = path.join(dir, "node_modules", "pulumi-phone-numbers");
    const manifest = JSON.parse(await fs.readFile(path.join(pkg, "package.json"), "utf8")) as {
      exports: Record<string, unknown>;
    };
    for (const entry of [
      "dist/sdk/index.js",
      "dist/sdk/index.d.ts",
      "dist/provider/index.js",
      "dist/sandbox/index.js",
    ])
      await expect(fs.access(path.join(pkg, entry))).resolves.toBeUndefined();
    expect(Object.keys(manifest.exports)).toEqual(expect.arrayContaining([".", "./provider", "./sandbox"]));
    await expect(fs.access(path.join(pkg, "test"))).rejects.toThrow();
    await expect(fs.access(path.join(pkg, "dist", "scripts"))).rejects.toThrow(); // the demo is not for users
  });

  test("the package page resolves: LICENSE, CHANGELOG, metadata, and every relative link of the shipped docs", async () => {
    const pkg = path.join(dir, "node_modules", "pulumi-phone-numbers");
    const manifest = JSON.parse(await fs.readFile(path.join(pkg, "package.json"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(manifest).toEqual(
      expect.objectContaining({
        license: "Apache-2.0",
        repository: expect.objectContaining({ url: expect.stringMatching(/^git\+https:\/\//) }),
        homepage: expect.stringMatching(/^https:\/\//),
        bugs: expect.objectContaining({ url: expect.stringMatching(/^https:\/\//) }),
        keywords: expect.arrayContaining(["pulumi", "exotel", "plivo", "apifonica"]),
      }),
    );
    expect(await fs.readFile(path.join(pkg, "LICENSE"), "utf8")).toMatch(/Apache License\s+Version 2\.0/);
    expect(await fs.readFile(path.join(pkg, "CHANGELOG.md"), "utf8")).toMatch(
      /## Versioning policy[\s\S]*## State compatibility policy/,
    );
    // npm shows README.md on the package page; its relative links, and those of every document it
    // links to, must name files the tarball ships.
    const docs = (await fs.readdir(pkg, { recursive: true }))
      .filter((f) => f.endsWith(".md") && !f.startsWith("node_modules"))
      .sort();
    expect(docs).toEqual(expect.arrayContaining(["README.md", "CHANGELOG.md", "sdk/INVENTORY.md"]));
    const broken: string[] = [];
    for (const doc of docs) {
      const text = await fs.readFile(path.join(pkg, doc), "utf8");
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:|#)/.test(target!)) continue;
        const file = target!.split("#")[0]!;
        const resolved = path.join(pkg, path.dirname(doc), file);
        if (
          !(await fs.access(resolved).then(
            () => true,
            () => false,
          ))
        )
          broken.push(`${doc}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  test("pulumi up (type-checked) rents, a second preview is clean, state holds no credential", async () => {
    expectExit(await stack!.up(), 0);
    expect(await holdings(sb)).toEqual({ exotel: 1, plivo: 1, apifonica: 1, apifonicaApplications: 1 });
    const outputs = await stack!.outputs();
    expect(outputs.json).toEqual({
      numbers: {
        exo: expect.stringMatching(/^\+91/),
        order: [expect.stringMatching(/^\+1/)],
        line: expect.stringMatching(/^\+44/),
      },
    });
    expectExit(await stack!.preview({ expectNoChanges: true }), 0);

    const exported = await stack!.exportState();
    for (const credential of sandboxCredentials(sb)) expect(exported.stdout.includes(credential)).toBe(false);
    for (const code of Object.values(await providerCode())) expect(code.length).toBeLessThan(2500);
  });

  test("a new provider module reaches resources created by the old one: refresh and destroy run it", async () => {
    const before = await providerCode();
    expect(Object.keys(before).sort()).toEqual([
      "ApifonicaApplication",
      "ApifonicaNumber",
      "ExoPhone",
      "PlivoNumberOrder",
    ]);

    // "Upgrade" the installed package: the provider module now marks every read and delete.
    const markerFile = path.join(dir, "marker.log");
    const moduleFile = path.join(dir, "node_modules", "pulumi-phone-numbers", "dist", "provider", "index.js");
    const original = await fs.readFile(moduleFile, "utf8");
    const hook = "export function provider(kind) {";
    expect(original).toContain(hook);
    await fs.writeFile(
      moduleFile,
      original.replace(
        hook,
        "export function provider(kind) {\n    return __e2eMark(kind, __e2eProvider(kind));\n}\nfunction __e2eProvider(kind) {",
      ) + markerPatch(markerFile),
    );

    expectExit(await stack!.refresh({ expectNoChanges: true }), 0);
    const afterRefresh = (await fs.readFile(markerFile, "utf8")).trim().split("\n").sort();
    expect(afterRefresh).toEqual([
      "read apifonica-application",
      "read apifonica-number",
      "read exophone",
      "read plivo-number-order",
    ]);
    // The state's code did not change: the shim stored by the old version loaded the new module.
    expect(await providerCode()).toEqual(before);

    expectExit(await stack!.destroy(), 0);
    destroyed = true;
    const marks = (await fs.readFile(markerFile, "utf8")).trim().split("\n");
    expect(marks.filter((m) => m.startsWith("delete")).sort()).toEqual([
      "delete apifonica-application",
      "delete apifonica-number",
      "delete exophone",
      "delete plivo-number-order",
    ]);
    expect(await holdings(sb)).toEqual({ exotel: 0, plivo: 0, apifonica: 0, apifonicaApplications: 0 });
  });
});
