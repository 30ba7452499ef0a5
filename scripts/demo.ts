/**
 * `npm run demo`: the main job, end to end, offline. Starts the sandbox in this process, creates a
 * stack of the repository's root program (the demo inventory in index.ts) on a `file://` backend in
 * `.demo/`, runs `pulumi up`, changes a voice URL behind Pulumi's back through the Exotel API, shows
 * `pulumi preview --refresh --expect-no-changes` catching it (exit 7), repairs it with
 * `pulumi up --refresh`, destroys the stack and checks through the vendor APIs that every number was
 * released. Exits non-zero as soon as a step does not behave as expected.
 *
 * `npm run demo -- --keep` stops after the repair and leaves the sandbox (in the foreground, until
 * Ctrl-C) and the stack up, and prints how to use them by hand.
 *
 * Runs with plain Node from dist/scripts/ (compiled with the package); needs dist/ built (npm ci does).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { startSandbox } from "../sandbox/index.js";
import { driftOf, EXIT_CHANGES_FOUND, findEngine, type RunResult, repoRoot, Stack } from "./pulumi.js";
import {
  holdings,
  listedNumbers,
  type SandboxRef,
  sandboxCredentials,
  sandboxStackConfig,
  vendorOk,
} from "./sandbox-client.js";

/** Where the stack lives; PHONE_NUMBERS_DEMO_DIR moves it (the test suite runs the demo elsewhere). */
const DEMO_DIR = path.resolve(process.env["PHONE_NUMBERS_DEMO_DIR"] ?? path.join(repoRoot, ".demo"));
/** DEMO_DIR as the printed commands spell it (run from the repository root). */
const DEMO_REL = path.relative(repoRoot, DEMO_DIR).startsWith("..")
  ? DEMO_DIR
  : path.relative(repoRoot, DEMO_DIR);
const CONFIG_FILE = path.join(DEMO_DIR, "Pulumi.demo.yaml");
const SANDBOX_STATE = path.join(DEMO_DIR, "sandbox-state.json");
const STACK = "demo";
/** Not a secret: it guards the demo stack's encrypted config, on a local emulator's test credentials. */
const PASSPHRASE = "pulumi-phone-numbers-demo";
/**
 * The ExoPhone whose voice URL is changed out of band, as someone in the Exotel dashboard would (the
 * first ExoPhone of the inventory when it has no entry of this name).
 */
const PREFERRED_DRIFT_RESOURCE = "support-bangalore";
const DRIFT_URL = "https://my.exotel.com/acme/exoml/start_voice/9999";

const USAGE = `usage: npm run demo [-- --keep]

Runs the demo inventory (index.ts) against the local vendor sandbox with the real Pulumi CLI:
up, out-of-band drift caught by preview --refresh --expect-no-changes, repair, destroy.

  --keep      stop after the repair; keep the sandbox (foreground, until Ctrl-C) and the stack,
              and print how to use them by hand
  -h, --help  show this help`;

class DemoError extends Error {}

/** Redacts every sandbox credential from text shown on failure (the CLI's output should hold none). */
let redact = (text: string): string => text;

function fail(message: string, result?: RunResult): never {
  const output = result
    ? `\n--- pulumi output (exit ${result.code})\n${tail(result.stdout)}\n${tail(result.stderr)}`
    : "";
  throw new DemoError(`${message}${output}`);
}

function tail(text: string, lines = 40): string {
  const all = text.trimEnd().split("\n");
  return (all.length > lines ? ["...", ...all.slice(-lines)] : all).join("\n");
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

let stepNo = 0;
let totalSteps = 9;

function say(line: string): void {
  process.stdout.write(`${redact(line)}\n`);
}

/** What a step did: its summary line and any detail lines (a step may return more for the next). */
interface Done {
  summary: string;
  details?: string[];
}

/** One step: runs `fn`, then prints `[ n/N] <what it did> (<duration>)` and any detail lines. */
async function step<T extends Done>(title: string, fn: () => Promise<T>): Promise<T> {
  stepNo++;
  const label = `[${String(stepNo).padStart(2)}/${totalSteps}]`;
  const started = performance.now();
  try {
    const done = await fn();
    say(`${label} ${done.summary} (${seconds(performance.now() - started)})`);
    for (const d of done.details ?? []) say(`        ${d}`);
    return done;
  } catch (err) {
    say(`${label} FAILED: ${title} (${seconds(performance.now() - started)})`);
    throw err;
  }
}

function flatNumbers(outputs: Record<string, unknown>): string[] {
  const numbers = (outputs["numbers"] ?? {}) as Record<string, string | string[]>;
  return Object.values(numbers).flat();
}

async function exophoneVoiceUrl(sb: SandboxRef, sid: string): Promise<unknown> {
  const n = (await vendorOk(sb, "exotel", "GET", `/IncomingPhoneNumbers/${sid}`)) as {
    voice_url?: unknown;
    IncomingPhoneNumber?: { voice_url?: unknown };
  };
  return n.voice_url ?? n.IncomingPhoneNumber?.voice_url;
}

/** The command line: `--keep` or not, or the exit code of `--help` and of an unknown option. */
function parseDemoArgs(argv: string[]): { keep: boolean } | { exit: number } {
  if (argv.includes("-h") || argv.includes("--help")) {
    say(USAGE);
    return { exit: 0 };
  }
  const unknown = argv.filter((a) => a !== "--keep");
  if (unknown.length > 0) {
    process.stderr.write(`unknown option ${unknown.join(" ")}\n\n${USAGE}\n`);
    return { exit: 2 };
  }
  return { keep: argv.includes("--keep") };
}

async function engineStep(): Promise<Done & { engineDir: string }> {
  const engineDir = await findEngine({ onProgress: (line) => say(`        ${line}`) });
  const version = await new Promise<string>((resolve) => {
    execFile(
      path.join(engineDir, "pulumi"),
      ["version"],
      { env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } },
      (_e, out) => resolve(String(out).trim()),
    );
  });
  return { summary: `engine: pulumi ${version || "(unknown version)"} in ${engineDir}`, engineDir };
}

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

async function sandboxStep(keep: boolean): Promise<Done & { sandbox: Sandbox }> {
  const options = { host: "127.0.0.1", quiet: true, ...(keep && { stateFile: SANDBOX_STATE }) };
  let sandbox: Sandbox;
  try {
    // --keep: the README's default port, so the printed commands are the usual ones; else any free port.
    sandbox = await startSandbox({ ...options, port: keep ? 4010 : 0 });
  } catch (err) {
    if (!keep || (err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
    sandbox = await startSandbox({ ...options, port: 0 });
  }
  const creds = sandboxCredentials(sandbox);
  redact = keep ? redact : (text) => creds.reduce((t, c) => t.split(c).join("[redacted]"), text);
  return {
    summary: `sandbox: Exotel, Plivo and Apifonica APIs at ${sandbox.url} (in this process)`,
    sandbox,
  };
}

async function stackStep(sandbox: SandboxRef): Promise<Done & { stack: Stack }> {
  const { config, secrets } = sandboxStackConfig(sandbox);
  const stack = await Stack.create({
    programDir: repoRoot,
    stackName: STACK,
    stateDir: DEMO_DIR,
    configFile: CONFIG_FILE,
    passphrase: PASSPHRASE,
    config,
    secrets,
  });
  await stack.pulumi(["stack", "select", STACK]);
  return {
    summary: `stack "${STACK}": file:// backend in ${DEMO_REL}/, config points at the sandbox (keys and tokens as secrets)`,
    stack,
  };
}

async function upStep(s: Stack, sandbox: SandboxRef): Promise<Done & { outputs: Record<string, unknown> }> {
  const up = await s.up();
  if (up.code !== 0) fail("pulumi up failed", up);
  const out = await s.outputs();
  if (out.code !== 0) fail("pulumi stack output failed", out);
  const outputs = out.json as Record<string, unknown>;
  const rented = flatNumbers(outputs);
  const held = await holdings(sandbox);
  const heldNumbers = held.exotel + held.plivo + held.apifonica;
  if (rented.length !== 6 || heldNumbers !== rented.length) {
    fail(
      `expected 6 numbers rented and held by the sandbox, got ${rented.length} in outputs, ${heldNumbers} held`,
    );
  }
  const numbers = outputs["numbers"] as Record<string, string | string[]>;
  return {
    summary: `pulumi up: rented ${rented.length} numbers, created ${held.apifonicaApplications} Apifonica application${held.apifonicaApplications === 1 ? "" : "s"}`,
    details: Object.entries(numbers).map(
      ([name, n]) => `${name.padEnd(18)} ${Array.isArray(n) ? n.join(", ") : n}`,
    ),
    outputs,
  };
}

/** The ExoPhone the demo drifts: its resource name, sid, number, and the voice URL the program sets. */
interface DriftTarget {
  resource: string;
  sid: string;
  number: string | undefined;
  wantedUrl: unknown;
}

async function driftTarget(sandbox: SandboxRef, outputs: Record<string, unknown>): Promise<DriftTarget> {
  const sids = outputs["exophoneSids"] as Record<string, string> | undefined;
  const resource =
    sids && PREFERRED_DRIFT_RESOURCE in sids ? PREFERRED_DRIFT_RESOURCE : Object.keys(sids ?? {})[0];
  const sid = resource ? sids?.[resource] : undefined;
  if (!resource || !sid) fail("the stack output exophoneSids names no ExoPhone to drift");
  const numbers = outputs["numbers"] as Record<string, string>;
  return { resource, sid, number: numbers[resource], wantedUrl: await exophoneVoiceUrl(sandbox, sid) };
}

async function outOfBandStep(sandbox: SandboxRef, t: DriftTarget): Promise<Done> {
  await vendorOk(sandbox, "exotel", "PUT", `/IncomingPhoneNumbers/${t.sid}`, { VoiceUrl: DRIFT_URL });
  const live = await exophoneVoiceUrl(sandbox, t.sid);
  if (live !== DRIFT_URL) fail(`the Exotel API still shows voice URL ${String(live)}`);
  return {
    summary: `out of band: ${t.resource} (${t.number}) now routes to .../9999, set through Exotel's API as in its dashboard`,
  };
}

async function previewStep(s: Stack, t: DriftTarget): Promise<Done> {
  const preview = await s.preview({ refresh: true, expectNoChanges: true, json: true });
  if (preview.code !== EXIT_CHANGES_FOUND)
    fail(`expected exit code ${EXIT_CHANGES_FOUND} (changes found), got ${preview.code}`, preview);
  const drift = driftOf(preview.json);
  const caught = drift.find((d) => d.resource === `ExoPhone ${t.resource}` && d.field === "voiceUrl");
  if (!caught) fail(`the preview did not name ${t.resource}.voiceUrl: ${JSON.stringify(drift)}`, preview);
  if (drift.length !== 1 || caught.op !== "update")
    fail(`expected exactly one in-place update, got ${JSON.stringify(drift)}`, preview);
  return {
    summary: `pulumi preview --refresh --expect-no-changes: exit ${preview.code}, drift caught`,
    details: drift.map(
      (d) =>
        `${d.op} ${d.resource}: ${d.field} is ${JSON.stringify(d.live)} live, ${JSON.stringify(d.wanted)} in the program`,
    ),
  };
}

async function repairStep(
  s: Stack,
  sandbox: SandboxRef,
  t: DriftTarget,
  outputs: Record<string, unknown>,
): Promise<Done> {
  const up = await s.up({ refresh: true });
  if (up.code !== 0) fail("pulumi up --refresh failed", up);
  const live = await exophoneVoiceUrl(sandbox, t.sid);
  if (live !== t.wantedUrl) fail(`after the repair the Exotel API shows voice URL ${String(live)}`);
  const clean = await s.preview({ refresh: true, expectNoChanges: true });
  if (clean.code !== 0)
    fail("preview --refresh --expect-no-changes still finds changes after the repair", clean);
  const out = await s.outputs();
  const after = flatNumbers((out.json ?? {}) as Record<string, unknown>);
  if (JSON.stringify(after) !== JSON.stringify(flatNumbers(outputs)))
    fail(`the repair changed the numbers: ${after.join(", ")}`);
  return {
    summary: "pulumi up --refresh: voice URL repaired in place (same numbers); a new drift check exits 0",
  };
}

async function destroyStep(s: Stack): Promise<Done> {
  const destroy = await s.destroy();
  if (destroy.code !== 0) fail("pulumi destroy failed", destroy);
  const state = await s.exportState();
  const left = (state.json as { deployment?: { resources?: unknown[] } } | undefined)?.deployment?.resources;
  if ((left ?? []).length !== 0) fail(`the stack still holds ${left?.length} resources`);
  return { summary: "pulumi destroy: every resource deleted, the stack is empty" };
}

async function accountsStep(sandbox: SandboxRef): Promise<Done> {
  const listed = await listedNumbers(sandbox);
  const held = await holdings(sandbox);
  const total = held.exotel + held.plivo + held.apifonica + held.apifonicaApplications;
  const listedTotal = listed.exotel.length + listed.plivo.length + listed.apifonica.length;
  if (total !== 0 || listedTotal !== 0)
    fail(`the sandbox accounts still hold something: ${JSON.stringify({ held, listed })}`);
  return {
    summary:
      "released: the Exotel, Plivo and Apifonica accounts list 0 numbers; 0 Apifonica applications (vendor APIs + admin API)",
  };
}

/** `--keep`: prints how to use the sandbox and the stack by hand, then serves until Ctrl-C. */
async function keepRunning(
  sandbox: Sandbox,
  engineDir: string,
  numbers: Record<string, unknown>,
  demoStarted: number,
): Promise<void> {
  await howTo(sandbox, engineDir, numbers);
  say(`Demo ready in ${seconds(performance.now() - demoStarted)}. Ctrl-C stops the sandbox.`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  say(`\nstopping the sandbox (its state is saved in ${path.join(DEMO_REL, "sandbox-state.json")})`);
}

/** The demo after the sandbox is up: stack, up, drift, repair, then (without --keep) destroy and check. */
async function afterSandbox(
  keep: boolean,
  sandbox: Sandbox,
  engineDir: string,
  demoStarted: number,
): Promise<void> {
  const { stack } = await step("create the stack", () => stackStep(sandbox));
  const { outputs } = await step("pulumi up", () => upStep(stack, sandbox));
  const target = await driftTarget(sandbox, outputs);
  await step("change a voice URL out of band", () => outOfBandStep(sandbox, target));
  await step("pulumi preview --refresh --expect-no-changes", () => previewStep(stack, target));
  await step("pulumi up --refresh", () => repairStep(stack, sandbox, target, outputs));
  if (keep)
    return keepRunning(sandbox, engineDir, outputs["numbers"] as Record<string, unknown>, demoStarted);
  await step("pulumi destroy", () => destroyStep(stack));
  await step("check the vendor accounts", () => accountsStep(sandbox));
  say(
    `Demo passed in ${seconds(performance.now() - demoStarted)}; the empty stack and its history are in ${DEMO_REL}/.`,
  );
}

async function main(argv: string[]): Promise<number> {
  const args = parseDemoArgs(argv);
  if ("exit" in args) return args.exit;
  const { keep } = args;
  totalSteps = keep ? 7 : 9;
  const demoStarted = performance.now();
  if (!existsSync(path.join(repoRoot, "dist", "sdk", "index.js"))) {
    throw new DemoError("dist/ is missing: run `npm run build` (npm ci runs it) first");
  }
  say(
    `pulumi-phone-numbers demo: the inventory in numbers.yaml, the real Pulumi CLI, the local vendor sandbox${keep ? " (--keep)" : ""}`,
  );
  const { engineDir } = await step("find or build the Pulumi engine", engineStep);
  await fs.rm(DEMO_DIR, { recursive: true, force: true });
  await fs.mkdir(DEMO_DIR, { recursive: true });
  const { sandbox } = await step("start the sandbox", () => sandboxStep(keep));
  try {
    await afterSandbox(keep, sandbox, engineDir, demoStarted);
    return 0;
  } finally {
    await sandbox.close();
  }
}

async function howTo(sb: SandboxRef, engineDir: string, numbers: Record<string, unknown>): Promise<void> {
  const ex = sb.accounts.exotel[0];
  const pl = sb.accounts.plivo[0];
  const ap = sb.accounts.apifonica[0];
  const cfg = `--stack ${STACK} --config-file ${path.join(DEMO_REL, "Pulumi.demo.yaml")}`;
  const exotel = `-u ${ex?.apiKey}:${ex?.apiToken} ${sb.url}/exotel/v2_beta/Accounts/${ex?.accountSid}/IncomingPhoneNumbers`;
  const lines = [
    "",
    "The sandbox and the stack are up. In another terminal:",
    "",
    `  cd ${repoRoot}`,
    `  export PATH="${engineDir}:$PATH"`,
    `  export PULUMI_BACKEND_URL="file://${path.join(DEMO_DIR, "backend")}"`,
    `  export PULUMI_HOME="${path.join(DEMO_DIR, "home")}"`,
    `  export PULUMI_CONFIG_PASSPHRASE="${PASSPHRASE}"`,
    "  export PULUMI_SKIP_UPDATE_CHECK=true",
    "",
    "  # the numbers rented, and the ExoPhone sids",
    `  pulumi stack output --stack ${STACK}`,
    "  # drift check, as in CI: exit 7 when the vendor accounts differ from the inventory",
    `  pulumi preview --refresh --expect-no-changes ${cfg}`,
    "  # reconcile: repair drift, apply your edits of numbers.yaml",
    `  pulumi up --refresh ${cfg}`,
    "  # release everything",
    `  pulumi destroy ${cfg}`,
    "",
    "The vendor APIs (the sandbox's public test credentials, local only) and the admin API:",
    "",
    `  curl ${exotel}`,
    `  curl -u ${pl?.authId}:${pl?.authToken} ${sb.url}/plivo/v1/Account/${pl?.authId}/Number/`,
    `  curl -u ${ap?.accountSid}:${ap?.authToken} ${sb.url}/apifonica/v2/accounts/${ap?.accountSid}/numbers`,
    `  curl ${sb.url}/__sandbox/accounts`,
    "",
    "Drift by hand (as in the Exotel dashboard), then run the drift check above:",
    "",
    `  curl -X PUT -d VoiceUrl=${DRIFT_URL} ${exotel}/<sid>`,
    "",
    `Numbers held: ${Object.values(numbers).flat().length}. After Ctrl-C the sandbox state stays in ${path.join(DEMO_REL, "sandbox-state.json")};`,
    `bring it back with: npx phone-numbers sandbox --port ${new URL(sb.url).port} --state ${path.join(DEMO_REL, "sandbox-state.json")}`,
    `\`npm run demo\` starts from scratch (it deletes ${DEMO_REL}/).`,
    "",
  ];
  for (const line of lines) say(line);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const message =
      err instanceof DemoError
        ? err.message
        : err instanceof Error
          ? (err.stack ?? err.message)
          : String(err);
    process.stderr.write(`\ndemo failed: ${redact(message)}\n`);
    process.stderr.write(`The state is left in ${DEMO_REL}/ for inspection; \`npm run demo\` starts over.\n`);
    process.exit(1);
  },
);
