/**
 * Every resource kind through the real Pulumi CLI against the sandbox, in ONE program (rewritten from a
 * template between steps) and one stack, so each pulumi command runs once for all four kinds:
 * preview, up, clean preview and refresh, no credential in state and a small `__provider`, out-of-band
 * edits caught as drift (exit 7) and repaired, out-of-band releases dropped by refresh and replaced by
 * up, in-place updates that are never replacements, search criteria the held numbers satisfy (no
 * change), and a destroy that leaves the sandbox accounts empty.
 *
 * The program lives inside the repository (test/e2e/.tmp-*), an ESM TypeScript program without a
 * package.json of its own: it imports "pulumi-phone-numbers" by package self-reference, as the root
 * program does, and runs the built dist/.
 */
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, jest, test } from "@jest/globals";
import { KINDS } from "../../provider/registry.js";
import { startSandbox } from "../../sandbox/index.js";
import {
  type Holdings,
  holdings,
  listedNumbers,
  sandboxCredentials,
  sandboxStackConfig,
  vendorOk,
} from "../../scripts/sandbox-client.js";
import { driftOf, EXIT_CHANGES_FOUND, expectExit, repoRoot, Stack } from "./harness.js";

jest.setTimeout(180_000);

const TYPE = "pulumi-nodejs:dynamic/phone-numbers:";

interface Params {
  voiceUrl: string;
  plivoAlias: string;
  controllerA: string;
  /** Which application the Apifonica number routes calls to. */
  callApp: "a" | "b";
  /** Search criteria added later (each one the held numbers already satisfy). */
  exoContains?: string;
  plivoPrefix?: string;
  apVoice?: boolean;
}

const INITIAL: Params = {
  voiceUrl: "https://my.exotel.com/e2e/exoml/start_voice/1",
  plivoAlias: "e2e-callbacks",
  controllerA: "https://ivr.example.com/e2e/a",
  callApp: "a",
};

const j = (v: unknown) => JSON.stringify(v);

/** Where each credential appears in `text` (with some context), so a failure shows the leak. */
function leaks(text: string, credentials: string[]): string[] {
  return credentials.flatMap((c) => {
    const at = text.indexOf(c);
    return at < 0 ? [] : [`${c} at ...${text.slice(Math.max(0, at - 300), at + c.length + 50)}...`];
  });
}

function program(p: Params): string {
  return `import { ApifonicaApplication, ApifonicaNumber, ExoPhone, PlivoNumberOrder } from "pulumi-phone-numbers";

const exo = new ExoPhone("exo", {
  region: "KA",
  friendlyName: "e2e line",
  voiceUrl: ${j(p.voiceUrl)},${p.exoContains ? `\n  contains: ${j(p.exoContains)},` : ""}
});
const plivo = new PlivoNumberOrder("plivo", {
  countryIso: "US",
  numberType: "local",
  quantity: 2,
  alias: ${j(p.plivoAlias)},${p.plivoPrefix ? `\n  prefix: ${j(p.plivoPrefix)},` : ""}
});
const appA = new ApifonicaApplication("app-a", { controller: ${j(p.controllerA)}, method: "POST", name: "e2e A" });
const appB = new ApifonicaApplication("app-b", { controller: "https://ivr.example.com/e2e/b", method: "GET" });
const line = new ApifonicaNumber("line", {
  countryCode: "GB",
  type: "local",
  name: "e2e line",
  callAppSid: ${p.callApp === "a" ? "appA" : "appB"}.applicationSid,${p.apVoice ? "\n  voice: true," : ""}
});

export const exoSid = exo.sid;
export const exoNumber = exo.phoneNumber;
export const plivoNumbers = plivo.numbers;
export const lineSid = line.numberSid;
export const lineNumber = line.number;
export const lineVoice = line.voice;
export const appASid = appA.applicationSid;
export const appBSid = appB.applicationSid;
`;
}

interface Outputs {
  exoSid: string;
  exoNumber: string;
  plivoNumbers: string[];
  lineSid: string;
  lineNumber: string;
  lineVoice: boolean;
  appASid: string;
  appBSid: string;
}

interface StateResource {
  urn: string;
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

const FULL: Holdings = { exotel: 1, plivo: 2, apifonica: 1, apifonicaApplications: 2 };
const EMPTY: Holdings = { exotel: 0, plivo: 0, apifonica: 0, apifonicaApplications: 0 };

describe("every resource kind through the real engine, one stack", () => {
  let sb: Sandbox;
  let programDir: string;
  let stack: Stack | undefined;
  let destroyed = false;
  let outputs: Outputs;
  /** The program's parameters as last applied. */
  let current: Params = INITIAL;

  const writeProgram = (p: Params) => fs.writeFile(path.join(programDir, "index.ts"), program(p));
  const readOutputs = async (): Promise<Outputs> => {
    const result = await stack!.outputs();
    expectExit(result, 0);
    return result.json as Outputs;
  };
  const stateResources = async (): Promise<StateResource[]> => {
    const exported = await stack!.exportState();
    expectExit(exported, 0);
    return (exported.json as { deployment: { resources?: StateResource[] } }).deployment.resources ?? [];
  };
  const plivoDigits = (e164: string) => e164.replace(/^\+/, "");

  beforeAll(async () => {
    sb = await startSandbox({ port: 0, quiet: true });
    programDir = await fs.mkdtemp(path.join(repoRoot, "test", "e2e", ".tmp-lifecycle-"));
    await fs.writeFile(
      path.join(programDir, "Pulumi.yaml"),
      "name: e2e-lifecycle\nruntime: nodejs\nmain: index.ts\n",
    );
    await writeProgram(INITIAL);
    stack = await Stack.create({ programDir, ...sandboxStackConfig(sb) });
  });

  afterAll(async () => {
    if (stack) {
      if (!destroyed) await stack.destroy();
      await stack.remove();
    }
    if (programDir) await fs.rm(programDir, { recursive: true, force: true });
    await sb?.close();
  });

  test("preview plans every resource and rents nothing", async () => {
    const preview = await stack!.preview({ json: true });
    expectExit(preview, 0);
    expect((preview.json as { changeSummary?: unknown }).changeSummary).toEqual({ create: 6 });
    expect(await holdings(sb)).toEqual(EMPTY);
  });

  test("up rents; an immediate preview and refresh find no changes", async () => {
    expectExit(await stack!.up(), 0);
    outputs = await readOutputs();
    expect(outputs.exoNumber).toMatch(/^\+91\d{10}$/);
    expect(outputs.plivoNumbers).toHaveLength(2);
    expect(outputs.lineNumber).toMatch(/^\+44\d+$/);
    expect(await holdings(sb)).toEqual(FULL);

    expectExit(await stack!.preview({ expectNoChanges: true }), 0);
    expectExit(await stack!.refresh({ expectNoChanges: true }), 0);
    expect(await readOutputs()).toEqual(outputs);
  });

  test("state holds no credential in plain text, and each __provider stays under 320 bytes", async () => {
    const exported = await stack!.exportState();
    expectExit(exported, 0);
    expect(leaks(exported.stdout, sandboxCredentials(sb))).toEqual([]);
    const config = await fs.readFile(path.join(programDir, `Pulumi.${stack!.name}.yaml`), "utf8");
    for (const secret of Object.values(sandboxStackConfig(sb).secrets)) expect(config).not.toContain(secret);

    const resources = (exported.json as { deployment: { resources: StateResource[] } }).deployment.resources;
    const dynamic = resources.filter((r) => r.type.startsWith(TYPE));
    expect(dynamic.map((r) => r.type.slice(TYPE.length)).sort()).toEqual([
      "ApifonicaApplication",
      "ApifonicaApplication",
      "ApifonicaNumber",
      "ExoPhone",
      "PlivoNumberOrder",
    ]);
    for (const r of dynamic) {
      const code = r.inputs?.["__provider"];
      expect(typeof code).toBe("string");
      expect((code as string).length).toBeLessThan(320);
      expect(r.outputs?.["__provider"]).toBe(code);
    }
  });

  test("state written with an earlier version's shims needs no change: preview --refresh is clean, later steps run them", async () => {
    // Every dynamic resource's __provider (inputs and outputs) becomes a text an earlier version
    // wrote: 0.1.0's for the ExoPhone and the Plivo order, the one-function text for the Apifonica
    // resources. The steps after this one (drift, repair, releases, updates, destroy) then run a
    // state of mixed texts, as a stack upgraded in place has.
    const exported = await stack!.exportState();
    expectExit(exported, 0);
    const deployment = exported.json as { deployment: { resources: StateResource[] } };
    const kindOf = (type: string) => Object.values(KINDS).find((k) => type === TYPE + k.typeName)!.kind;
    const fixture = async (kind: string) => {
      const name = kind.startsWith("apifonica") ? "shim-one-function" : "shim-0.1.0";
      const text = await fs.readFile(
        path.join(repoRoot, "test", "shim", "fixtures", `${name}.exophone.txt`),
        "utf8",
      );
      return text.replace('kind: "exophone"', `kind: ${JSON.stringify(kind)}`);
    };
    for (const r of deployment.deployment.resources.filter((x) => x.type.startsWith(TYPE))) {
      const old = await fixture(kindOf(r.type));
      r.inputs!["__provider"] = old;
      r.outputs!["__provider"] = old;
    }
    const file = path.join(programDir, "earlier-shims.json");
    await fs.writeFile(file, JSON.stringify(deployment));
    expectExit(await stack!.pulumi(["stack", "import", "--file", file]), 0);
    expect(
      (await stateResources()).filter((r) => String(r.outputs?.["__provider"]).includes("__f1")),
    ).toHaveLength(5);

    expectExit(await stack!.preview({ refresh: true, expectNoChanges: true }), 0);
    expect(await readOutputs()).toEqual(outputs);
    expect(await holdings(sb)).toEqual(FULL);
  });

  test("out-of-band edits are drift naming each resource (exit 7); up --refresh repairs them", async () => {
    const [firstPlivo] = outputs.plivoNumbers;
    await vendorOk(sb, "exotel", "PUT", `/IncomingPhoneNumbers/${outputs.exoSid}`, {
      VoiceUrl: "https://my.exotel.com/e2e/exoml/start_voice/dashboard",
    });
    await vendorOk(sb, "plivo", "POST", `/Number/${plivoDigits(firstPlivo!)}/`, { alias: "renamed-by-hand" });
    await vendorOk(sb, "apifonica", "PUT", `/applications/${outputs.appASid}`, {
      controller: "https://elsewhere.example.com/hijacked",
    });
    await vendorOk(sb, "apifonica", "PUT", `/numbers/${outputs.lineSid}`, { name: "renamed by hand" });

    const drift = await stack!.preview({ refresh: true, expectNoChanges: true, json: true });
    expectExit(drift, EXIT_CHANGES_FOUND);
    const found = driftOf(drift.json).map((d) => `${d.op} ${d.resource}.${d.field}`);
    expect(found.sort()).toEqual([
      "update ApifonicaApplication app-a.controller",
      "update ApifonicaNumber line.name",
      "update ExoPhone exo.voiceUrl",
      "update PlivoNumberOrder plivo.alias",
    ]);
    // A preview writes nothing: the hand edits are still live.
    expect(
      ((await vendorOk(sb, "apifonica", "GET", `/applications/${outputs.appASid}`)) as { controller: string })
        .controller,
    ).toBe("https://elsewhere.example.com/hijacked");

    expectExit(await stack!.up({ refresh: true }), 0);
    const exo = (await vendorOk(sb, "exotel", "GET", `/IncomingPhoneNumbers/${outputs.exoSid}`)) as {
      voice_url: string;
    };
    expect(exo.voice_url).toBe(INITIAL.voiceUrl);
    const plivo = (await vendorOk(sb, "plivo", "GET", `/Number/${plivoDigits(firstPlivo!)}/`)) as {
      alias: string;
    };
    expect(plivo.alias).toBe(INITIAL.plivoAlias);
    const app = (await vendorOk(sb, "apifonica", "GET", `/applications/${outputs.appASid}`)) as {
      controller: string;
    };
    expect(app.controller).toBe(INITIAL.controllerA);
    const line = (await vendorOk(sb, "apifonica", "GET", `/numbers/${outputs.lineSid}`)) as { name: string };
    expect(line.name).toBe("e2e line");
    expect(await readOutputs()).toEqual(outputs); // repaired in place: same numbers, same ids
  });

  test("out-of-band releases: refresh drops them, up rents new numbers", async () => {
    await vendorOk(sb, "exotel", "DELETE", `/IncomingPhoneNumbers/${outputs.exoSid}`);
    for (const n of outputs.plivoNumbers) await vendorOk(sb, "plivo", "DELETE", `/Number/${plivoDigits(n)}/`);
    await vendorOk(sb, "apifonica", "DELETE", `/numbers/${outputs.lineSid}`);
    await vendorOk(sb, "apifonica", "DELETE", `/applications/${outputs.appASid}`);
    expect(await holdings(sb)).toEqual({ ...EMPTY, apifonicaApplications: 1 }); // app-b is left

    expectExit(await stack!.refresh(), 0);
    const names = (await stateResources())
      .filter((r) => r.type.startsWith(TYPE))
      .map((r) => r.urn.split("::")[3]);
    expect(names).toEqual(["app-b"]);

    expectExit(await stack!.up(), 0);
    const renewed = await readOutputs();
    expect(renewed.exoSid).not.toBe(outputs.exoSid);
    expect(renewed.exoNumber).not.toBe(outputs.exoNumber);
    expect(renewed.plivoNumbers).toHaveLength(2);
    expect(renewed.lineSid).not.toBe(outputs.lineSid);
    expect(renewed.appASid).not.toBe(outputs.appASid);
    expect(renewed.appBSid).toBe(outputs.appBSid);
    const line = (await vendorOk(sb, "apifonica", "GET", `/numbers/${renewed.lineSid}`)) as {
      call_app_sid: string;
    };
    expect(line.call_app_sid).toBe(renewed.appASid);
    expect(await holdings(sb)).toEqual(FULL);
    outputs = renewed;
  });

  test("routing and naming changes are in-place updates, never replacements", async () => {
    const changed: Params = {
      ...current,
      voiceUrl: "https://my.exotel.com/e2e/exoml/start_voice/2",
      plivoAlias: "e2e-callbacks-2",
      controllerA: "https://ivr.example.com/e2e/a2",
      callApp: "b",
    };
    await writeProgram(changed);
    const preview = await stack!.preview({ json: true });
    expectExit(preview, 0);
    const steps = ((preview.json as { steps: Array<{ op: string; urn: string }> }).steps ?? [])
      .filter((s) => s.op !== "same")
      .map((s) => `${s.op} ${s.urn.split("::")[3]}`)
      .sort();
    expect(steps).toEqual(["update app-a", "update exo", "update line", "update plivo"]);

    expectExit(await stack!.up(), 0);
    expect(await readOutputs()).toEqual(outputs); // same numbers and ids
    const exo = (await vendorOk(sb, "exotel", "GET", `/IncomingPhoneNumbers/${outputs.exoSid}`)) as {
      voice_url: string;
    };
    expect(exo.voice_url).toBe(changed.voiceUrl);
    for (const n of outputs.plivoNumbers) {
      const live = (await vendorOk(sb, "plivo", "GET", `/Number/${plivoDigits(n)}/`)) as { alias: string };
      expect(live.alias).toBe(changed.plivoAlias);
    }
    const line = (await vendorOk(sb, "apifonica", "GET", `/numbers/${outputs.lineSid}`)) as {
      call_app_sid: string;
      call_controller: string;
    };
    expect(line.call_app_sid).toBe(outputs.appBSid);
    expect(line.call_controller).toBe("https://ivr.example.com/e2e/b");
    const app = (await vendorOk(sb, "apifonica", "GET", `/applications/${outputs.appASid}`)) as {
      controller: string;
    };
    expect(app.controller).toBe(changed.controllerA);
    current = changed;
  });

  test("search criteria the held numbers satisfy are no change: the numbers are kept", async () => {
    const nationals = outputs.plivoNumbers.map((n) => n.replace(/^\+1/, ""));
    let prefix = "";
    while (
      prefix.length < 3 &&
      nationals.every((n) => n.startsWith(nationals[0]!.slice(0, prefix.length + 1)))
    )
      prefix = nationals[0]!.slice(0, prefix.length + 1);
    expect(prefix.length).toBeGreaterThan(0);
    expect(outputs.lineVoice).toBe(true);

    await writeProgram({
      ...current,
      exoContains: outputs.exoNumber.slice(-4),
      plivoPrefix: prefix,
      apVoice: true,
    });
    expectExit(await stack!.preview({ expectNoChanges: true }), 0);
    expectExit(await stack!.up(), 0);
    expect(await readOutputs()).toEqual(outputs);
    expect(await holdings(sb)).toEqual(FULL);
  });

  test("destroy releases everything: the sandbox accounts end empty", async () => {
    expectExit(await stack!.destroy(), 0);
    destroyed = true;
    expect(await holdings(sb)).toEqual(EMPTY);
    expect(await listedNumbers(sb)).toEqual({ exotel: [], plivo: [], apifonica: [] });
    expect(await stateResources()).toEqual([]);
  });
});
