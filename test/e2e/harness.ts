/**
 * Shared helper for the end-to-end tests and the demo: runs the real Pulumi CLI against real programs,
 * fully offline.
 *
 * Every {@link Stack} gets its own temporary directory holding a `file://` backend and a private
 * PULUMI_HOME, so no user state is read or written and stacks never see each other. The engine comes
 * from scripts/engine.sh (found once per process). Commands never throw on a non-zero exit: each
 * returns `{ code, stdout, stderr, json? }` so tests can assert exit codes (7 = drift).
 */
import { execFile, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file lives in test/e2e). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

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
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

let enginePromise: Promise<string> | undefined;

/**
 * The directory holding `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`, from
 * scripts/engine.sh (which builds the pinned engine the first time; that build takes minutes).
 */
export function findEngine(): Promise<string> {
  enginePromise ??= new Promise<string>((resolve, reject) => {
    execFile(
      "bash",
      [path.join(repoRoot, "scripts", "engine.sh")],
      { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const dir = stdout.trim().split("\n").pop() ?? "";
        if (error || dir === "") {
          reject(
            new Error(`scripts/engine.sh failed (${error?.message ?? "no directory printed"}):\n${stderr}`),
          );
        } else {
          resolve(dir);
        }
      },
    );
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

/** Runs a command to completion; never rejects on a non-zero exit. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv } & RunOptions,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
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
          // Left undefined: the test sees the raw stdout and the exit code.
        }
      }
      resolve(result);
    });
    child.stdin.end(options.stdin ?? "");
  });
}

export interface StackCreateOptions {
  /** The directory holding Pulumi.yaml (and the program). */
  programDir: string;
  /** Default "e2e". Each stack has its own backend, so names never collide across tests. */
  stackName?: string;
  /** Plain config values, `key` or `project:key`. */
  config?: Record<string, string>;
  /** Config values set with `--secret` (encrypted with the test passphrase). */
  secrets?: Record<string, string>;
  /** Extra environment for every command of this stack; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /**
   * Let ts-node type-check the program, as `pulumi up` does for users by default (the harness
   * otherwise only transpiles). Use it for consumer projects: it catches typings users cannot resolve.
   */
  typeCheck?: boolean;
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

/** One stack of a program, on its own throwaway file backend. */
export class Stack {
  private constructor(
    readonly programDir: string,
    readonly name: string,
    /** Temporary directory holding `backend/` (the state) and `home/` (PULUMI_HOME). */
    readonly tempDir: string,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  /** The file backend's directory (state lives under `.pulumi/` in it). */
  get backendDir(): string {
    return path.join(this.tempDir, "backend");
  }

  /** Initialises the stack and sets its config; throws if that fails (nothing to test without it). */
  static async create(options: StackCreateOptions): Promise<Stack> {
    const engineDir = await findEngine();
    const tempDir = await fs.mkdtemp(path.join(os.tmpdir(), "ppn-e2e-"));
    const dirs = { backendDir: path.join(tempDir, "backend"), homeDir: path.join(tempDir, "home") };
    await fs.mkdir(dirs.backendDir, { recursive: true });
    await fs.mkdir(dirs.homeDir, { recursive: true });
    const stack = new Stack(
      path.resolve(options.programDir),
      options.stackName ?? "e2e",
      tempDir,
      pulumiEnv(engineDir, dirs, {
        ...(options.typeCheck
          ? { PULUMI_NODEJS_TRANSPILE_ONLY: undefined, TS_NODE_TRANSPILE_ONLY: undefined }
          : {}),
        ...options.env,
      }),
    );
    const init = await stack.pulumi(["stack", "init", stack.name]);
    if (init.code !== 0) {
      await fs.rm(tempDir, { recursive: true, force: true });
      throw new Error(`pulumi stack init failed (${init.code}):\n${init.stdout}\n${init.stderr}`);
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

  /** Runs `pulumi <command> --stack <name> --non-interactive <args>`. */
  private stackCommand(command: readonly string[], args: readonly string[], options: RunOptions = {}) {
    return this.pulumi([...command, "--stack", this.name, "--non-interactive", ...args], options);
  }

  up(options: UpOptions = {}): Promise<RunResult> {
    return this.stackCommand(
      ["up"],
      [
        "--yes",
        "--skip-preview",
        ...(options.refresh ? ["--refresh"] : []),
        ...(options.expectNoChanges ? ["--expect-no-changes"] : []),
        ...(options.json ? ["--json"] : []),
      ],
      { json: options.json === true },
    );
  }

  preview(options: PreviewOptions = {}): Promise<RunResult> {
    return this.stackCommand(
      ["preview"],
      [
        ...(options.refresh ? ["--refresh"] : []),
        ...(options.expectNoChanges ? ["--expect-no-changes"] : []),
        ...(options.diff ? ["--diff"] : []),
        ...(options.json ? ["--json"] : []),
      ],
      { json: options.json === true },
    );
  }

  refresh(options: RefreshOptions = {}): Promise<RunResult> {
    return this.stackCommand(
      ["refresh"],
      [
        ...(options.previewOnly ? ["--preview-only"] : ["--yes", "--skip-preview"]),
        ...(options.expectNoChanges ? ["--expect-no-changes"] : []),
        ...(options.json ? ["--json"] : []),
      ],
      { json: options.json === true },
    );
  }

  destroy(): Promise<RunResult> {
    return this.stackCommand(["destroy"], ["--yes", "--skip-preview"]);
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
    return this.stackCommand(["config", "set", key], [options.secret ? "--secret" : "--plaintext"], {
      stdin: value,
    });
  }

  private async configSetOrThrow(key: string, value: string, secret: boolean): Promise<void> {
    const result = await this.configSet(key, value, { secret });
    if (result.code !== 0)
      throw new Error(`pulumi config set ${key} failed (${result.code}):\n${result.stderr}`);
  }

  /**
   * Removes the stack and everything the harness made for it: the stack (forced, so resources left
   * by a failed test are forgotten; tests destroy first when they care), its Pulumi.<stack>.yaml in
   * the program directory and the temporary backend/home directory.
   */
  async remove(): Promise<RunResult> {
    const result = await this.stackCommand(["stack", "rm"], ["--yes", "--force"]);
    await fs.rm(path.join(this.programDir, `Pulumi.${this.name}.yaml`), { force: true });
    await fs.rm(this.tempDir, { recursive: true, force: true });
    return result;
  }
}

const npmEnv = (): NodeJS.ProcessEnv => ({ ...process.env, npm_config_update_notifier: "false" });

async function newestMtime(dir: string): Promise<{ mtimeMs: number; files: number }> {
  let mtimeMs = 0;
  let files = 0;
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const stat = await fs.stat(path.join(entry.parentPath, entry.name));
    mtimeMs = Math.max(mtimeMs, stat.mtimeMs);
    files++;
  }
  return { mtimeMs, files };
}

let packPromise: Promise<string> | undefined;

/**
 * `npm pack` of this repository (as built: run `npm run build` first), once per package.json and
 * dist/ contents, into `${os.tmpdir()}/pulumi-phone-numbers-pack/<hash>/`. Every test and jest worker
 * of a run gets the same tarball. Returns the tarball's absolute path.
 */
export function packOnce(): Promise<string> {
  packPromise ??= (async () => {
    const distDir = path.join(repoRoot, "dist");
    const dist = await newestMtime(distDir).catch(() => undefined);
    if (!dist || dist.files === 0)
      throw new Error("dist/ is missing: run `npm run build` before the e2e tests");
    const packageJson = await fs.readFile(path.join(repoRoot, "package.json"), "utf8");
    const hash = createHash("sha256")
      .update(packageJson)
      .update(`\0${dist.mtimeMs}\0${dist.files}`)
      .digest("hex")
      .slice(0, 16);
    const cacheDir = path.join(os.tmpdir(), "pulumi-phone-numbers-pack", hash);
    const existing = (await fs.readdir(cacheDir).catch(() => [] as string[])).find((f) => f.endsWith(".tgz"));
    if (existing) return path.join(cacheDir, existing);

    // Pack into a private directory, then rename it into place: a concurrent worker either wins the
    // rename or finds the finished directory.
    await fs.mkdir(path.dirname(cacheDir), { recursive: true });
    const staging = await fs.mkdtemp(`${cacheDir}.tmp-`);
    // --ignore-scripts: `prepare` would rebuild dist/ under the tests' feet; the gate builds first.
    const result = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", staging], {
      cwd: repoRoot,
      env: npmEnv(),
      json: true,
    });
    const filename = (result.json as Array<{ filename?: string }> | undefined)?.[0]?.filename;
    if (result.code !== 0 || !filename) {
      await fs.rm(staging, { recursive: true, force: true });
      throw new Error(`npm pack failed (${result.code}):\n${result.stderr}`);
    }
    try {
      await fs.rename(staging, cacheDir);
    } catch {
      await fs.rm(staging, { recursive: true, force: true }); // another worker got there first
    }
    return path.join(cacheDir, path.basename(filename));
  })();
  packPromise.catch(() => {
    packPromise = undefined;
  });
  return packPromise;
}

export interface ConsumerProjectOptions {
  /** The package tarball (from {@link packOnce}). */
  tarball: string;
  /** The text of index.ts: a CommonJS TypeScript Pulumi program. */
  program: string;
  /** Pulumi project name (default "consumer"). */
  projectName?: string;
  /** Extra dependencies, name -> version spec. */
  dependencies?: Record<string, string>;
}

/**
 * Writes a fresh consumer project into `dir` (which must be outside this repository, or Node would
 * resolve the repository's node_modules), shaped like `pulumi new typescript` makes it, and installs
 * it from the warm npm cache. `@pulumi/pulumi`, `typescript` and `@types/node` are pinned to this
 * repository's versions. Throws if the install fails.
 */
export async function makeConsumerProject(dir: string, options: ConsumerProjectOptions): Promise<RunResult> {
  const relative = path.relative(repoRoot, path.resolve(dir));
  if (!relative.startsWith("..") && !path.isAbsolute(relative)) {
    throw new Error(`consumer projects must live outside the repository, got ${dir}`);
  }
  const ours = JSON.parse(await fs.readFile(path.join(repoRoot, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const projectName = options.projectName ?? "consumer";
  const packageJson = {
    name: projectName,
    private: true,
    main: "index.ts",
    devDependencies: {
      "@types/node": ours.devDependencies["@types/node"],
      typescript: ours.devDependencies["typescript"],
    },
    dependencies: {
      "@pulumi/pulumi": ours.dependencies["@pulumi/pulumi"],
      "pulumi-phone-numbers": `file:${path.resolve(options.tarball)}`,
      ...options.dependencies,
    },
  };
  const tsconfig = {
    compilerOptions: {
      strict: true,
      outDir: "bin",
      target: "es2020",
      module: "commonjs",
      moduleResolution: "node",
      sourceMap: true,
      experimentalDecorators: true,
      pretty: true,
      noFallthroughCasesInSwitch: true,
      noImplicitReturns: true,
      forceConsistentCasingInFileNames: true,
    },
    files: ["index.ts"],
  };
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, "package.json"), `${JSON.stringify(packageJson, null, 2)}\n`);
  await fs.writeFile(path.join(dir, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 2)}\n`);
  await fs.writeFile(
    path.join(dir, "Pulumi.yaml"),
    `name: ${projectName}\nruntime:\n  name: nodejs\n  options:\n    packagemanager: npm\ndescription: pulumi-phone-numbers consumer (e2e test)\n`,
  );
  await fs.writeFile(path.join(dir, "index.ts"), options.program);
  const result = await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], {
    cwd: dir,
    env: npmEnv(),
  });
  if (result.code !== 0) throw new Error(`npm install in ${dir} failed (${result.code}):\n${result.stderr}`);
  return result;
}

/** A fresh random suffix for temporary names. */
export function randomSuffix(): string {
  return randomBytes(4).toString("hex");
}
