/**
 * The `phone-numbers` command as a user meets it, without the engine: --version, --help of every
 * subcommand, `--opt=value`, usage errors on stderr with exit 2, clean messages for a missing file
 * and a missing `pulumi`, no colour codes (NO_COLOR) even when the Pulumi CLI prints them, progress
 * on stderr, an atomic export with a relative `$schema`, and the credential errors of an export.
 */
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { repoRoot, run } from "../e2e/harness.js";
import { type Sandbox, start, vendor } from "../support/sandbox.js";

const CLI = path.join(repoRoot, "dist", "cli", "phone-numbers.js");
const VERSION = (
  JSON.parse(await fs.readFile(path.join(repoRoot, "package.json"), "utf8")) as { version: string }
).version;
let dir: string;

/** The environment without any vendor credential and with only Node on PATH (no `pulumi`). */
function bareEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: path.dirname(process.execPath), HOME: dir, NO_COLOR: "1" };
  return { ...env, ...extra };
}
const cli = (args: string[], env = bareEnv()) => run("node", [CLI, ...args], { cwd: dir, env });

/** `inventory` and `drift-report` run in this process (the same entry points the binary calls); others spawn. */
async function quick(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [command, ...rest] = args;
  if (command !== "inventory" && command !== "drift-report") return cli(args);
  let stdout = "";
  let stderr = "";
  const io = {
    out: (t: string) => {
      stdout += t;
    },
    err: (t: string) => {
      stderr += t;
    },
  };
  const code =
    command === "inventory"
      ? await (await import("../../cli/inventory.js")).runInventoryCommand(rest, io)
      : await (await import("../../cli/drift-report.js")).runDriftReport(rest, io);
  return { code, stdout, stderr };
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "ppn-cli-"));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe("conventions", () => {
  test("--version prints the package version", async () => {
    const r = await cli(["--version"]);
    expect(r).toMatchObject({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
  });

  test.each([
    [["--help"], /^usage: phone-numbers <command>/],
    [["inventory", "--help"], /^usage: phone-numbers inventory <export\|check>/],
    [["inventory", "export", "--help"], /^usage: phone-numbers inventory export --vendor/],
    [["inventory", "check", "--help"], /^usage: phone-numbers inventory check FILE/],
    [["drift-report", "--help"], /^usage: phone-numbers drift-report/],
    [["drift-report", "-h"], /^usage: phone-numbers drift-report/],
    [["doctor", "--help"], /^usage: phone-numbers doctor/],
    [["sandbox", "--help"], /^usage: phone-numbers sandbox/],
  ])("%j prints its usage on stdout, exit 0", async (args, usage) => {
    const r = await quick(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(usage);
    expect(r.stderr).toBe("");
  });

  test.each([
    [["nonsense"], /unknown command "nonsense"/],
    [[], /name a command/],
    [["inventory", "export", "--vendor", "exotel", "--bogus"], /Unknown option '--bogus'/],
    [
      ["inventory", "export", "--vendor=twilio"],
      /--vendor: "twilio" is not a vendor; allowed: exotel, plivo, apifonica/,
    ],
    [["inventory", "export"], /--vendor is required/],
    [["inventory", "check"], /name at least one file/],
    [
      ["drift-report", "--max-releases=lots", "--json", "x.json"],
      /--max-releases: "lots" is not a whole number/,
    ],
    [["drift-report", "--json=a.json", "--stack", "prod"], /--json cannot be combined with --cwd, --stack/],
    [["drift-report", "--stack"], /argument missing/],
  ])("usage error %j: stderr with the usage, nothing on stdout, exit 2", async (args, message) => {
    const r = await quick(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/usage: phone-numbers/);
  });

  test("a missing file is one clean line, exit 1", async () => {
    const r = await cli(["drift-report", "--json", "missing.json"]);
    expect(r).toMatchObject({ code: 1, stdout: "" });
    expect(r.stderr).toBe("phone-numbers drift-report: missing.json: no such file\n");
    const check = await cli(["inventory", "check", "missing.yaml"]);
    expect(check.code).toBe(1);
    expect(check.stderr).toBe("missing.yaml:1:1: (file): cannot be read: no such file\n");
  });

  test("a missing pulumi says so and how to install it, exit 1", async () => {
    const r = await cli(["drift-report", "--stack", "prod", "--quiet"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "phone-numbers drift-report: the Pulumi CLI (`pulumi`) was not found on PATH; install it (https://www.pulumi.com/docs/install/, version 3.227.0 or newer) or pass the output of `pulumi preview --refresh --json` with --json FILE\n",
    );
  });

  test("no colour: pulumi is run with --color never and its escape codes are removed", async () => {
    const bin = path.join(dir, "fakebin");
    await fs.mkdir(bin, { recursive: true });
    const argsLog = path.join(dir, "pulumi-args.txt");
    await fs.writeFile(
      path.join(bin, "pulumi"),
      `#!/bin/sh\necho "$@" >> "${argsLog}"\nprintf '\\033[31merror:\\033[0m stack not found\\n' >&2\nexit 255\n`,
      { mode: 0o755 },
    );
    const r = await cli(
      ["drift-report", "--stack=prod"],
      bareEnv({ PATH: `${bin}:${path.dirname(process.execPath)}:/bin:/usr/bin` }),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: stack not found");
    expect(r.stderr).toContain("... stack prod: pulumi preview --refresh"); // progress
    expect(r.stdout + r.stderr).not.toContain("\u001b");
    expect(await fs.readFile(argsLog, "utf8")).toMatch(
      /^preview --refresh --json --stack prod --non-interactive --color never$/m,
    );
  });
});

describe("inventory export", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await start();
  });
  afterAll(async () => {
    await sb.close();
  });
  const sandboxEnv = (): Record<string, string> => {
    const ex = sb.accounts.exotel[0]!;
    return {
      EXOTEL_BASE_URL: `${sb.url}/exotel`,
      EXOTEL_ACCOUNT_SID: ex.accountSid,
      EXOTEL_API_KEY: ex.apiKey,
      EXOTEL_API_TOKEN: ex.apiToken,
    };
  };

  test("incomplete credentials name every missing setting; an existing file is left as it was", async () => {
    const out = path.join(dir, "keep.yaml");
    await fs.writeFile(out, "exotel: {}\n");
    const r = await cli(
      ["inventory", "export", "--vendor", "exotel", "--out", out, "--force"],
      bareEnv({ EXOTEL_API_KEY: "k" }),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "incomplete exotel credentials: missing EXOTEL_API_TOKEN (environment), EXOTEL_ACCOUNT_SID (environment) (pass --stack NAME to read a stack's config)",
    );
    expect(await fs.readFile(out, "utf8")).toBe("exotel: {}\n");
  });

  test("an account with no numbers writes nothing", async () => {
    const out = path.join(dir, "none.yaml");
    const r = await cli(
      ["inventory", "export", "--vendor=exotel", `--out=${out}`, "--quiet"],
      bareEnv(sandboxEnv()),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no numbers to export/);
    await expect(fs.access(out)).rejects.toThrow();
  });

  test("--out writes atomically with a relative $schema; the file checks ok", async () => {
    const ex = sandboxEnv();
    const search = await vendor(sb, "exotel", "GET", "/AvailablePhoneNumbers/IN/Landline?InRegion=KA");
    const number = (search.json as { phone_number: string }[])[0]!.phone_number;
    expect(
      (await vendor(sb, "exotel", "POST", "/IncomingPhoneNumbers", { PhoneNumber: number })).status,
    ).toBe(200);
    const sub = path.join(dir, "team");
    await fs.mkdir(sub, { recursive: true });
    const out = path.join(sub, "numbers.yaml");
    const r = await cli(["inventory", "export", "--vendor=exotel", `--out=${out}`], bareEnv(ex));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("... reading the exotel account");
    expect(r.stderr).toContain(`wrote 1 number(s) to ${out}`);
    const text = await fs.readFile(out, "utf8");
    const ref = /\$schema=(\S+)/.exec(text)![1]!;
    expect(path.isAbsolute(ref)).toBe(false);
    expect(path.resolve(sub, ref)).toBe(path.join(repoRoot, "schema", "numbers.schema.json"));
    expect((await fs.readdir(sub)).sort()).toEqual(["numbers.yaml"]); // no temporary file left
    const check = await cli(["inventory", "check", out]);
    expect(check).toMatchObject({ code: 0, stdout: `${out}: ok (1 entries)\n` });
  });
});
