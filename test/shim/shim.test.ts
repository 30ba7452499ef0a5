/**
 * The `__provider` shim (sdk/shim.ts), exercised outside jest's VM the way Pulumi does it:
 *
 * 1. a Node process writes `providerText(kind)` from dist/, exactly as the resource classes store
 *    it, and the text must stay small;
 * 2. other Node processes load that text the way the dynamic-provider host
 *    (@pulumi/pulumi/cmd/dynamic-provider) does: `require("require-from-string")(text).handler()`,
 *    cached per text before `configure` runs, `configure` once, then each method looked up at call
 *    time (a missing read, update or delete is skipped as the host skips it), with their working
 *    directory in a consumer project outside the repository (the package installed in its
 *    node_modules; here a symlink, the full `npm pack` install belongs to the e2e tests) and in the
 *    repository root (package self-reference), and call through to the provider module;
 * 3. every shim text earlier versions wrote into state still calls through to the installed
 *    provider module: 0.1.0's (fixtures/shim-0.1.0.exophone.txt, serialised by Pulumi, one function
 *    per method) and the one-function text Pulumi serialised before the classes wrote their own
 *    (fixtures/shim-one-function.exophone.txt).
 *
 * Needs `npm run build` first (the shim and the provider module are loaded from dist/).
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, jest, test } from "@jest/globals";

jest.setTimeout(60_000);

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Upper bound on one resource's shim (it is stored twice per resource in state). */
const MAX_SHIM_BYTES = 320;

/** A shim an earlier version wrote into state, for a kind (each fixture is the exophone one). */
async function earlierShim(fixture: string, kind: string): Promise<string> {
  const text = await fs.readFile(path.join(repoRoot, "test", "shim", "fixtures", fixture), "utf8");
  expect(text).toContain('kind: "exophone"');
  return text.replace('kind: "exophone"', `kind: ${JSON.stringify(kind)}`);
}

type Method = "check" | "diff" | "create" | "read" | "update" | "delete";
/** Every method the host may call after configure. */
const METHODS: Method[] = ["check", "diff", "create", "read", "update", "delete"];
/** `error`: the call (or the host's `configure` before it) must fail with a message matching it. */
type Expectation = { error: RegExp } | { result: (value: unknown) => void };
/** One call through the shim: kind, method, JSON arguments, expectation. Add a row per behaviour. */
type Case = [kind: string, method: Method, args: unknown[], expectation: Expectation];

const CASES: Case[] = [
  [
    "no-such-kind",
    "check",
    [{}, {}],
    {
      error:
        /no resource kind "no-such-kind".*install that version \(npm install pulumi-phone-numbers@latest\)/,
    },
  ],
  [
    "exophone",
    "check",
    [{}, { region: "ZZ", voiceUrl: "ftp://x" }],
    {
      result: (v) =>
        expect((v as { failures: { property: string }[] }).failures.map((f) => f.property).sort()).toEqual([
          "region",
          "voiceUrl",
        ]),
    },
  ],
  [
    "exophone",
    "diff",
    [
      "sid",
      { phoneNumber: "+918047091234", voiceUrl: "https://a.example/1" },
      { voiceUrl: "https://a.example/2" },
    ],
    { result: (v) => expect(v).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false }) },
  ],
  [
    "plivo-number-order",
    "check",
    [{}, { countryIso: "US", quantity: 500 }],
    {
      result: (v) =>
        expect((v as { failures: { property: string }[] }).failures[0]?.property).toBe("quantity"),
    },
  ],
  [
    "apifonica-number",
    "check",
    [{}, { number: "447480600503" }],
    { result: (v) => expect((v as { inputs: { number: string } }).inputs.number).toBe("+447480600503") },
  ],
  [
    "apifonica-application",
    "check",
    [{}, { controller: "https://example.com/ivr", method: "POST" }],
    { result: (v) => expect((v as { failures?: unknown[] }).failures ?? []).toEqual([]) },
  ],
];

/**
 * Raw stack config the host hands to every provider's `configure` (keys `<namespace>:<key>`), as
 * `pulumi config set` would give it. configure requires the kind's vendor credentials; no case
 * reaches a vendor (check and diff make no call), so none of these is ever sent anywhere.
 */
const STACK_CONFIG: Record<string, string> = {
  "exotel:accountSid": "shim-test",
  "exotel:apiKey": "shim-test-key",
  "exotel:apiToken": "shim-test-token",
  "exotel:baseUrl": "http://127.0.0.1:9/exotel",
  "plivo:authId": "MASHIMTEST0000000001",
  "plivo:authToken": "shim-test-token",
  "plivo:baseUrl": "http://127.0.0.1:9/plivo",
  "apifonica:accountSid": "acc00000000-0000-4000-8000-00000000517e",
  "apifonica:authToken": "shim-test-token",
  "apifonica:baseUrl": "http://127.0.0.1:9/apifonica",
};

interface Outcome {
  ok: boolean;
  value?: unknown;
  message?: string;
  skipped?: boolean;
}

function node(args: string[], cwd: string, input: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      args,
      { cwd, env: { ...process.env, SHIM_TEST_INPUT: JSON.stringify(input) }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`node ${args[0]} in ${cwd} failed: ${error.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
    child.stdin?.end();
  });
}

// ESM, like the SDK modules that store the text.
const WRITE_TEXTS = `
import { pathToFileURL } from "node:url";
const input = JSON.parse(process.env.SHIM_TEST_INPUT);
const { providerText } = await import(pathToFileURL(input.repoRoot + "/dist/sdk/shim.js").href);
const texts = {};
for (const kind of input.kinds) texts[kind] = providerText(kind);
process.stdout.write(JSON.stringify(texts));
`;

// CommonJS, like @pulumi/pulumi/cmd/dynamic-provider (getProvider and the RPC methods): one provider
// per distinct text, cached before it is configured, configured once (unless \`input.noConfigure\`:
// a host older than 3.139.0), each method looked up when called; the host skips a missing read,
// update or delete (\`skipped\`: the silent success a shim must never allow).
const LOAD_AND_CALL = `
const { createRequire } = require("node:module");
const input = JSON.parse(process.env.SHIM_TEST_INPUT);
const fromRepo = createRequire(input.repoRoot + "/package.json");
const requireFromString = fromRepo("require-from-string");
const { Config } = fromRepo("@pulumi/pulumi/cmd/dynamic-provider/config");
const providers = {};
async function getProvider(text) {
  let provider = providers[text];
  if (!provider) {
    provider = requireFromString(text).handler();
    providers[text] = provider;
    if (provider.configure && !input.noConfigure) {
      await provider.configure({ config: new Config(input.config, "consumer") });
    }
  }
  return provider;
}
(async () => {
  const outcomes = [];
  for (const [kind, method, args] of input.cases) {
    try {
      const provider = await getProvider(input.texts[kind]);
      if (typeof provider[method] !== "function" && method !== "create") {
        outcomes.push({ ok: true, skipped: true });
        continue;
      }
      outcomes.push({ ok: true, value: await provider[method](...args) });
    } catch (error) {
      outcomes.push({ ok: false, message: String(error && error.message ? error.message : error) });
    }
  }
  process.stdout.write(JSON.stringify(outcomes));
})();
`;

function check(outcome: Outcome | undefined, expectation: Expectation): void {
  expect(outcome).toBeDefined();
  if ("error" in expectation) {
    expect(outcome).toMatchObject({ ok: false });
    expect(outcome?.message).toMatch(expectation.error);
  } else {
    expect(outcome).toMatchObject({ ok: true });
    expectation.result(outcome?.value);
  }
}

describe("provider shim, written and loaded as Pulumi does", () => {
  const kinds = [...new Set(CASES.map(([kind]) => kind))];
  let texts: Record<string, string>;
  let consumerDir: string;

  const call = async (
    cwd: string,
    cases: Array<[kind: string, method: Method, args: unknown[]]>,
    options: { texts?: Record<string, string>; noConfigure?: boolean } = {},
  ): Promise<Outcome[]> => {
    const input = {
      repoRoot,
      texts: options.texts ?? texts,
      config: STACK_CONFIG,
      noConfigure: options.noConfigure === true,
      cases,
    };
    return JSON.parse(await node(["-e", LOAD_AND_CALL], cwd, input)) as Outcome[];
  };
  const callAll = (cwd: string, options: { texts?: Record<string, string> } = {}) =>
    call(
      cwd,
      CASES.map(([kind, method, args]) => [kind, method, args]),
      options,
    );

  beforeAll(async () => {
    await fs.access(path.join(repoRoot, "dist", "sdk", "shim.js")).catch(() => {
      throw new Error("dist/sdk/shim.js is missing: run `npm run build` first");
    });
    texts = JSON.parse(
      await node(["--input-type=module", "-e", WRITE_TEXTS], repoRoot, { repoRoot, kinds }),
    ) as Record<string, string>;

    consumerDir = await fs.mkdtemp(path.join(os.tmpdir(), "ppn-shim-consumer-"));
    await fs.writeFile(
      path.join(consumerDir, "package.json"),
      JSON.stringify({ name: "consumer", private: true, main: "index.js" }),
    );
    await fs.mkdir(path.join(consumerDir, "node_modules"));
    await fs.symlink(repoRoot, path.join(consumerDir, "node_modules", "pulumi-phone-numbers"), "dir");
  });

  afterAll(async () => {
    if (consumerDir) await fs.rm(consumerDir, { recursive: true, force: true });
  });

  test.each(kinds)("the shim of %s is small and holds no module code", (kind) => {
    const text = texts[kind];
    expect(typeof text).toBe("string");
    expect(Buffer.byteLength(text!, "utf8")).toBeLessThan(MAX_SHIM_BYTES);
    expect(text).toContain(JSON.stringify(kind));
    expect(text).toContain('"pulumi-phone-numbers/provider"');
  });

  test("calls through from a consumer project outside the repository", async () => {
    const outcomes = await callAll(consumerDir);
    CASES.forEach(([, , , expectation], i) => {
      check(outcomes[i], expectation);
    });
  });

  test("fails to resolve where the package is not installed (the working directory is what counts)", async () => {
    const bare = await fs.mkdtemp(path.join(os.tmpdir(), "ppn-shim-bare-"));
    try {
      const outcomes = await callAll(bare);
      expect(outcomes).toHaveLength(CASES.length);
      for (const outcome of outcomes) {
        expect(outcome.ok).toBe(false);
        expect(outcome.message).toMatch(/Cannot find (module|package) 'pulumi-phone-numbers\/provider'/);
      }
    } finally {
      await fs.rm(bare, { recursive: true, force: true });
    }
  });

  test("after a failed load every later method still fails loudly: none is skipped as if done", async () => {
    const bare = await fs.mkdtemp(path.join(os.tmpdir(), "ppn-shim-bare-"));
    try {
      // The first call's configure fails; the host has cached the provider object by then, so the
      // later calls reach the shim's methods without configure.
      const outcomes = await call(
        bare,
        (["check", ...METHODS] as Method[]).map((method) => [
          "exophone",
          method,
          ["sid", { phoneNumber: "+918047091234" }],
        ]),
      );
      expect(outcomes).toHaveLength(METHODS.length + 1);
      for (const outcome of outcomes) {
        expect(outcome).toMatchObject({ ok: false });
        expect(outcome.message).toMatch(/Cannot find (module|package) 'pulumi-phone-numbers\/provider'/);
      }
    } finally {
      await fs.rm(bare, { recursive: true, force: true });
    }
  });

  test("a host that never calls configure gets a clear error, never a method answered by another", async () => {
    const outcomes = await call(
      consumerDir,
      [["exophone", "delete", ["sid", { phoneNumber: "+918047091234" }]]],
      { noConfigure: true },
    );
    expect(outcomes[0]).toMatchObject({ ok: false });
    expect(outcomes[0]?.message).toMatch(
      /called before it was configured.*@pulumi\/pulumi 3\.139\.0 and newer/,
    );
  });

  test.each(["shim-0.1.0.exophone.txt", "shim-one-function.exophone.txt"])(
    "the shim an earlier version wrote into state (%s) still calls through to the installed provider",
    async (fixture) => {
      const old: Record<string, string> = {};
      for (const kind of kinds) old[kind] = await earlierShim(fixture, kind);
      expect(old["exophone"]).not.toBe(texts["exophone"]);
      for (const cwd of [consumerDir, repoRoot]) {
        const outcomes = await callAll(cwd, { texts: old });
        CASES.forEach(([, , , expectation], i) => {
          check(outcomes[i], expectation);
        });
      }
    },
  );

  test("calls through from the repository root (package self-reference)", async () => {
    const outcomes = await callAll(repoRoot);
    CASES.forEach(([, , , expectation], i) => {
      check(outcomes[i], expectation);
    });
  });
});
