/**
 * Runs the real Pulumi CLI against real programs, fully offline: the core shared by `npm run demo`
 * (scripts/demo.ts) and the end-to-end tests (test/e2e/harness.ts re-exports it).
 *
 * Every {@link Stack} gets a directory holding a `file://` backend and a private PULUMI_HOME (a fresh
 * temporary one unless `stateDir` is given), so no user state is read or written and stacks never see
 * each other. The engine comes from scripts/engine.sh (found once per process). Commands never throw
 * on a non-zero exit: each returns `{ code, stdout, stderr, json? }` so callers can assert exit codes
 * (7 = drift).
 *
 * Plain Node (no ts-node) runs the compiled copy in dist/scripts/. Besides Node built-ins it imports
 * only the drift reading of the CLI (cli/drift/steps.ts), so a preview's drift is read one way.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

/** The nearest directory above `from` whose package.json is this package's. */
function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "pulumi-phone-numbers")
          return dir;
      } catch {
        // not ours: keep looking
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`no pulumi-phone-numbers package.json above ${from}`);
  }
}

/** The repository root (this file lives in scripts/, or dist/scripts/ once compiled). */
export const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));

/** The passphrase of every test stack's secrets provider. Not a secret: test stacks are throwaway. */
export const TEST_PASSPHRASE = "pulumi-phone-numbers-e2e-passphrase";

/** Exit code of `--expect-no-changes` when changes were found (since CLI 3.227.0; older CLIs use 255). */
export const EXIT_CHANGES_FOUND = 7;

/** What every command returns. `json` is the parsed stdout when JSON output was asked for. */
export interface RunResult {
  /** Exit code; -1 when the command was killed after its timeout. */
  code: number;
  stdout: string;
  stderr: string;
  json?: unknown;
}

/** Throws unless the command exited with `code`; the error shows the command's output. */
export function expectExit(result: RunResult, code: number): void {
  if (result.code !== code) {
    throw new Error(
      `expected exit code ${code}, got ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
}

export interface RunOptions {
  /** Parse stdout as JSON into `json` (the caller also passes `--json` or equivalent). */
  json?: boolean;
  /** Text written to the command's stdin (then closed). */
  stdin?: string;
  /** Kill the command after this long (default 5 minutes). */
  timeoutMs?: number;
  /** Called with each complete line of stderr as it arrives (the result still holds all of it). */
  onStderrLine?: (line: string) => void;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

let enginePromise: Promise<string> | undefined;

export interface FindEngineOptions {
  /**
   * Called with each progress line of scripts/engine.sh (its stderr: "[engine] building ...") as it
   * arrives. Only the first call of a process starts the script, so only its callback is used.
   */
  onProgress?: (line: string) => void;
}

/**
 * The directory holding `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`, from
 * scripts/engine.sh (which builds the pinned engine the first time; that build takes minutes).
 */
export function findEngine(options: FindEngineOptions = {}): Promise<string> {
  enginePromise ??= run("bash", [path.join(repoRoot, "scripts", "engine.sh")], {
    cwd: repoRoot,
    env: process.env,
    timeoutMs: 30 * 60_000,
    ...(options.onProgress && { onStderrLine: options.onProgress }),
  }).then((result) => {
    const dir = result.stdout.trim().split("\n").pop() ?? "";
    if (result.code !== 0 || dir === "") {
      throw new Error(`scripts/engine.sh failed (exit ${result.code}):\n${result.stderr}`);
    }
    return dir;
  });
  enginePromise.catch(() => {
    enginePromise = undefined;
  });
  return enginePromise;
}

/**
 * The environment of every Pulumi command: the caller's environment minus any PULUMI_* variable
 * (no access token, backend or home of the user leaks in), plus the offline settings.
 */
export function pulumiEnv(
  engineDir: string,
  dirs: { backendDir: string; homeDir: string },
  extra: Record<string, string | undefined> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("PULUMI_") && value !== undefined) env[key] = value;
  }
  Object.assign(env, {
    PATH: `${engineDir}${path.delimiter}${process.env["PATH"] ?? ""}`,
    PULUMI_BACKEND_URL: `file://${dirs.backendDir}`,
    PULUMI_HOME: dirs.homeDir,
    PULUMI_CONFIG_PASSPHRASE: TEST_PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    // Type checking is the gate's job (npm run typecheck). The CommonJS path honours the Pulumi
    // variable; the ESM path of @pulumi/pulumi 3.259 (cmd/run/hooks.js) builds its ts-node service
    // before it receives its options, so only ts-node's own variable reaches it.
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    TS_NODE_TRANSPILE_ONLY: "true",
    NO_COLOR: "1",
  });
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/**
 * Starts a command with `options.stdin` as its input, or /dev/null without one, so a command that
 * exits at once (`node --version`) cannot make a write of nothing fail with EPIPE. A command that
 * exits before reading its input closes the pipe: that write error is dropped, since the exit code
 * and stderr that `run` reports say what happened.
 */
function spawnWithInput(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; stdin?: string | undefined },
) {
  const { cwd, env } = options;
  if (options.stdin === undefined)
    return spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  const child = spawn(command, args, { cwd, env, stdio: "pipe" });
  child.stdin.on("error", () => undefined);
  child.stdin.end(options.stdin);
  return child;
}

/** Runs a command to completion; never rejects on a non-zero exit. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv } & RunOptions,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawnWithInput(command, args, options);
    let stdout = "";
    let stderr = "";
    let pendingLine = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      if (options.onStderrLine) {
        const lines = (pendingLine + chunk).split("\n");
        pendingLine = lines.pop() ?? "";
        for (const line of lines) options.onStderrLine(line);
      }
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
    }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (options.onStderrLine && pendingLine !== "") options.onStderrLine(pendingLine);
      const result: RunResult = {
        code: timedOut ? -1 : (code ?? 128),
        stdout,
        stderr: timedOut
          ? `${stderr}\n[harness] ${command} ${args.join(" ")} killed after its timeout`
          : signal
            ? `${stderr}\n[harness] killed by ${signal}`
            : stderr,
      };
      if (options.json) {
        try {
          result.json = JSON.parse(stdout);
        } catch {
          // Left undefined: the caller sees the raw stdout and the exit code.
        }
      }
      resolve(result);
    });
  });
}

export interface StackCreateOptions {
  /** The directory holding Pulumi.yaml (and the program). */
  programDir: string;
  /** Default "e2e". Each stack has its own backend, so names never collide across tests. */
  stackName?: string;
  /** Plain config values, `key` or `project:key`. */
  config?: Record<string, string>;
  /** Config values set with `--secret` (encrypted with the passphrase). */
  secrets?: Record<string, string>;
  /** Extra environment for every command of this stack; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /**
   * Let ts-node type-check the program, as `pulumi up` does for users by default (the harness
   * otherwise only transpiles). Use it for consumer projects: it catches typings users cannot resolve.
   */
  typeCheck?: boolean;
  /**
   * Keep the backend (`<stateDir>/backend`) and PULUMI_HOME (`<stateDir>/home`) here instead of in a
   * fresh temporary directory (the demo uses `.demo/`). Created if missing; `remove()` deletes it.
   */
  stateDir?: string;
  /** The secrets passphrase (default {@link TEST_PASSPHRASE}). */
  passphrase?: string;
  /**
   * Keep the stack's config in this file (passed as `--config-file` to every command that takes it)
   * instead of `Pulumi.<stack>.yaml` in the program directory, which then stays untouched once
   * `create` returns (`pulumi stack init` writes it there; `create` moves it).
   */
  configFile?: string;
}

export interface PreviewOptions {
  /** `--refresh`: refresh first, then preview what `up` would do. */
  refresh?: boolean;
  /** `--expect-no-changes`: exit code 7 when anything would change. */
  expectNoChanges?: boolean;
  /** `--json`: structured output in `json`. */
  json?: boolean;
  /** `--diff`: property-level diff in the text output. */
  diff?: boolean;
}

export interface UpOptions {
  /** `--refresh`: refresh before updating. */
  refresh?: boolean;
  expectNoChanges?: boolean;
  json?: boolean;
}

export interface RefreshOptions {
  expectNoChanges?: boolean;
  /** `--preview-only`: compare live with state, write nothing. */
  previewOnly?: boolean;
  json?: boolean;
}

/** The boolean options that are CLI flags. */
interface FlagOptions {
  refresh?: boolean;
  expectNoChanges?: boolean;
  diff?: boolean;
  json?: boolean;
}

/** Each flag option and its CLI flag, in the order the commands pass them. */
const FLAGS: ReadonlyArray<readonly [keyof FlagOptions, string]> = [
  ["refresh", "--refresh"],
  ["expectNoChanges", "--expect-no-changes"],
  ["diff", "--diff"],
  ["json", "--json"],
];

/** The CLI flags of the options that are on. */
const flags = (options: FlagOptions): string[] =>
  FLAGS.filter(([key]) => options[key]).map(([, flag]) => flag);

/** One stack of a program, on its own file backend. */
export class Stack {
  private constructor(
    readonly programDir: string,
    readonly name: string,
    /** Directory holding `backend/` (the state) and `home/` (PULUMI_HOME). */
    readonly tempDir: string,
    readonly env: NodeJS.ProcessEnv,
    /** The stack's config file when it is not `Pulumi.<stack>.yaml` in the program directory. */
    readonly configFile?: string,
  ) {}

  /** The file backend's directory (state lives under `.pulumi/` in it). */
  get backendDir(): string {
    return path.join(this.tempDir, "backend");
  }

  /** PULUMI_HOME of this stack's commands. */
  get homeDir(): string {
    return path.join(this.tempDir, "home");
  }

  /** Initialises the stack and sets its config; throws if that fails (nothing to do without it). */
  static async create(options: StackCreateOptions): Promise<Stack> {
    const engineDir = await findEngine();
    const tempDir = options.stateDir
      ? path.resolve(options.stateDir)
      : await fs.mkdtemp(path.join(os.tmpdir(), "ppn-e2e-"));
    const dirs = { backendDir: path.join(tempDir, "backend"), homeDir: path.join(tempDir, "home") };
    await fs.mkdir(dirs.backendDir, { recursive: true });
    await fs.mkdir(dirs.homeDir, { recursive: true });
    const programDir = path.resolve(options.programDir);
    const name = options.stackName ?? "e2e";
    const configFile = options.configFile ? path.resolve(options.configFile) : undefined;
    const stack = new Stack(
      programDir,
      name,
      tempDir,
      pulumiEnv(engineDir, dirs, {
        ...(options.passphrase !== undefined && { PULUMI_CONFIG_PASSPHRASE: options.passphrase }),
        ...(options.typeCheck
          ? { PULUMI_NODEJS_TRANSPILE_ONLY: undefined, TS_NODE_TRANSPILE_ONLY: undefined }
          : {}),
        ...options.env,
      }),
      configFile,
    );
    const init = await stack.pulumi(["stack", "init", stack.name]);
    if (init.code !== 0) {
      if (!options.stateDir) await fs.rm(tempDir, { recursive: true, force: true });
      throw new Error(`pulumi stack init failed (${init.code}):\n${init.stdout}\n${init.stderr}`);
    }
    if (configFile) {
      // `stack init` has no --config-file: it writes the secrets salt next to the program. Move it.
      await fs.mkdir(path.dirname(configFile), { recursive: true });
      const written = path.join(programDir, `Pulumi.${name}.yaml`);
      await fs.copyFile(written, configFile);
      await fs.rm(written, { force: true });
    }
    for (const [key, value] of Object.entries(options.config ?? {})) {
      await stack.configSetOrThrow(key, value, false);
    }
    for (const [key, value] of Object.entries(options.secrets ?? {})) {
      await stack.configSetOrThrow(key, value, true);
    }
    return stack;
  }

  /** Runs `pulumi <args> --color never` in the program directory with this stack's environment. */
  pulumi(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return run("pulumi", [...args, "--color", "never"], { ...options, cwd: this.programDir, env: this.env });
  }

  /** The `--config-file` arguments (none when the config lives next to the program). */
  private get configArgs(): string[] {
    return this.configFile ? ["--config-file", this.configFile] : [];
  }

  /** Runs `pulumi <command> --stack <name> --non-interactive <args>`. */
  private stackCommand(command: readonly string[], args: readonly string[], options: RunOptions = {}) {
    return this.pulumi([...command, "--stack", this.name, "--non-interactive", ...args], options);
  }

  up(options: UpOptions = {}): Promise<RunResult> {
    const args = ["--yes", "--skip-preview", ...this.configArgs, ...flags(options)];
    return this.stackCommand(["up"], args, { json: options.json === true });
  }

  preview(options: PreviewOptions = {}): Promise<RunResult> {
    return this.stackCommand(["preview"], [...this.configArgs, ...flags(options)], {
      json: options.json === true,
    });
  }

  refresh(options: RefreshOptions = {}): Promise<RunResult> {
    const args = [
      ...this.configArgs,
      ...(options.previewOnly ? ["--preview-only"] : ["--yes", "--skip-preview"]),
      ...flags(options),
    ];
    return this.stackCommand(["refresh"], args, { json: options.json === true });
  }

  destroy(): Promise<RunResult> {
    return this.stackCommand(["destroy"], ["--yes", "--skip-preview", ...this.configArgs]);
  }

  /** `pulumi stack export`: the deployment (state) in `json`, secrets left encrypted. */
  exportState(): Promise<RunResult> {
    return this.stackCommand(["stack", "export"], [], { json: true });
  }

  /** `pulumi stack output --json`: the stack outputs in `json` (secrets shown only when asked). */
  outputs(options: { showSecrets?: boolean } = {}): Promise<RunResult> {
    return this.stackCommand(
      ["stack", "output"],
      ["--json", ...(options.showSecrets ? ["--show-secrets"] : [])],
      {
        json: true,
      },
    );
  }

  /** `pulumi config set`; the value goes through stdin, so it never appears in a process listing. */
  configSet(key: string, value: string, options: { secret?: boolean } = {}): Promise<RunResult> {
    return this.stackCommand(
      ["config", "set", key],
      [...this.configArgs, options.secret ? "--secret" : "--plaintext"],
      {
        stdin: value,
      },
    );
  }

  private async configSetOrThrow(key: string, value: string, secret: boolean): Promise<void> {
    const result = await this.configSet(key, value, { secret });
    if (result.code !== 0)
      throw new Error(`pulumi config set ${key} failed (${result.code}):\n${result.stderr}`);
  }

  /**
   * Removes the stack and everything made for it: the stack (forced, so resources left by a failed
   * run are forgotten; callers destroy first when they care), its config file and the backend/home
   * directory.
   */
  async remove(): Promise<RunResult> {
    const result = await this.stackCommand(
      ["stack", "rm"],
      ["--yes", "--force", ...(this.configFile ? ["--preserve-config"] : [])],
    );
    if (this.configFile) await fs.rm(this.configFile, { force: true });
    else await fs.rm(path.join(this.programDir, `Pulumi.${this.name}.yaml`), { force: true });
    await fs.rm(this.tempDir, { recursive: true, force: true });
    return result;
  }
}

/** Drift read off a `pulumi preview --json`: the drift report's own step reading, compared as data. */
export { type Drift, driftOf } from "../cli/drift/steps.js";
