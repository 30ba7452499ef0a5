/**
 * Shared helper for the end-to-end tests: runs the real Pulumi CLI against real programs, fully
 * offline. The CLI runner itself (engine lookup, offline environment, {@link Stack}) lives in
 * scripts/pulumi.ts, shared with `npm run demo`; this file re-exports it and adds what only tests need:
 * one `npm pack` per run and consumer projects that install the tarball.
 *
 * Every {@link Stack} gets its own temporary directory holding a `file://` backend and a private
 * PULUMI_HOME, so no user state is read or written and stacks never see each other. The engine comes
 * from scripts/engine.sh (found once per process). Commands never throw on a non-zero exit: each
 * returns `{ code, stdout, stderr, json? }` so tests can assert exit codes (7 = drift).
 */
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { type RunResult, repoRoot, run } from "../../scripts/pulumi.js";

export {
  type Drift,
  driftOf,
  EXIT_CHANGES_FOUND,
  expectExit,
  type FindEngineOptions,
  findEngine,
  type PreviewOptions,
  pulumiEnv,
  type RefreshOptions,
  type RunOptions,
  type RunResult,
  repoRoot,
  run,
  Stack,
  type StackCreateOptions,
  TEST_PASSPHRASE,
  type UpOptions,
} from "../../scripts/pulumi.js";

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
      // A peer of the package: the project's own copy, this repository's (the engine's) version.
      "@pulumi/pulumi": ours.devDependencies["@pulumi/pulumi"],
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
