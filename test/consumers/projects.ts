/**
 * The consumer matrix's building blocks: the snippets of the README and docs, and consumer projects
 * written as `pulumi new typescript` (older and current templates) or an ES module project makes
 * them, installing the packed tarball. Nothing here adds a flag a user would not have.
 */
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { repoRoot, run } from "../e2e/harness.js";

/** The Markdown files whose ```ts snippets every cell must compile and preview. */
export const DOC_FILES = ["README.md", "sdk/INVENTORY.md", "examples/inventory-yaml/README.md"];

export interface Snippet {
  file: string;
  line: number;
  code: string;
}

/** Every ```ts block of the doc files, with where it starts. */
export async function docSnippets(): Promise<Snippet[]> {
  const out: Snippet[] = [];
  for (const file of DOC_FILES) {
    const text = await fs.readFile(path.join(repoRoot, file), "utf8").catch(() => "");
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      if (!/^```(ts|typescript)\s*$/.test(lines[i] ?? "")) continue;
      const start = i + 1;
      while (i + 1 < lines.length && !/^```\s*$/.test(lines[i + 1] ?? "")) i++;
      out.push({ file, line: start + 1, code: lines.slice(start, i + 1).join("\n") });
      i++;
    }
  }
  return out;
}

/** The README's inventory file (its ```yaml block with an `exotel:` section), as a user copies it. */
export async function readmeInventoryYaml(): Promise<string> {
  const text = await fs.readFile(path.join(repoRoot, "README.md"), "utf8");
  const block = [...text.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)]
    .map((m) => m[1] ?? "")
    .find((b) => /^exotel:/m.test(b));
  if (!block) throw new Error("README.md has no ```yaml inventory block");
  return block;
}

/** The resource names an inventory file declares (the entries of every section). */
export function inventoryNames(yamlText: string): string[] {
  const doc = parseYaml(yamlText) as Record<string, Record<string, unknown>>;
  const keys = (v: unknown) => (v && typeof v === "object" ? Object.keys(v) : []);
  return [
    ...keys(doc["exotel"]),
    ...keys(doc["plivo"]),
    ...keys(doc["apifonica"]?.["applications"]),
    ...keys(doc["apifonica"]?.["numbers"]),
  ];
}

const IMPORT = /^import\s+(type\s+)?\{([^}]*)\}\s+from\s+"([^"]+)";\s*$/;
const IMPORT_NS = /^import\s+\*\s+as\s+(\w+)\s+from\s+"([^"]+)";\s*$/;

/** Comments and blank lines out: two snippets that differ only there are the same program. */
const normalise = (code: string) =>
  code
    .split("\n")
    .map((l) => l.replace(/\s*\/\/.*$/, "").trimEnd())
    .filter((l) => l !== "")
    .join("\n");

export const usesTopLevelAwait = (code: string) =>
  /^(export\s+)?(const|let|var)\s+\w+\s*=\s*await\b|^await\b/m.test(code);

/** A snippet's program, and the module systems it can run in (TS1378 / TS1203 rule the others out). */
export interface Program {
  code: string;
  commonjs: boolean;
  esm: boolean;
  /** The Pulumi resource names it declares (`new X("name"`), when written in the code. */
  names: string[];
  from: Snippet[];
}

const namesIn = (code: string) => [...code.matchAll(/\bnew\s+[A-Z]\w*\s*\(\s*"([^"]+)"/g)].map((m) => m[1]!);

export interface Programs {
  /** One program: the imports of every snippet merged, then every resource snippet in order. */
  resources: Program;
  /** The distinct inventory snippets (those calling loadInventory), each a whole program. */
  inventories: Program[];
}

/**
 * The snippets as programs. Resource snippets build on the README's import line, so they are joined
 * into one program; each inventory snippet is a program of its own (it declares the README's
 * numbers.yaml, whose names repeat the resource snippets'). Top-level `await` runs in ES modules
 * only, `export =` in CommonJS only.
 */
export function programsOf(snippets: Snippet[]): Programs {
  const named = new Map<string, Set<string>>();
  const namespaces = new Map<string, string>();
  const body: string[] = [];
  const resourceFrom: Snippet[] = [];
  const inventories = new Map<string, Program>();
  for (const s of snippets) {
    if (/\bloadInventory\s*\(/.test(s.code)) {
      const key = normalise(s.code);
      const seen = inventories.get(key);
      if (seen) seen.from.push(s);
      else
        inventories.set(key, {
          code: s.code,
          commonjs: !usesTopLevelAwait(s.code),
          esm: !/^export\s*=/m.test(s.code),
          names: namesIn(s.code),
          from: [s],
        });
      continue;
    }
    resourceFrom.push(s);
    const rest: string[] = [];
    for (const line of s.code.split("\n")) {
      const m = IMPORT.exec(line);
      const ns = IMPORT_NS.exec(line);
      if (m && !m[1]) {
        const names = named.get(m[3]!) ?? new Set<string>();
        for (const n of m[2]!.split(",")) if (n.trim()) names.add(n.trim());
        named.set(m[3]!, names);
      } else if (ns) namespaces.set(ns[2]!, ns[1]!);
      else rest.push(line);
    }
    if (rest.some((l) => l.trim() !== "")) body.push(`// ${s.file}:${s.line}`, ...rest);
  }
  const imports = [
    ...[...namespaces].map(([mod, n]) => `import * as ${n} from "${mod}";`),
    ...[...named].map(([mod, names]) => `import { ${[...names].sort().join(", ")} } from "${mod}";`),
  ];
  const code = `${[...imports, "", ...body].join("\n")}\n`;
  return {
    resources: { code, commonjs: true, esm: true, names: namesIn(code), from: resourceFrom },
    inventories: [...inventories.values()],
  };
}

export type Layout = "commonjs-node" | "commonjs-nodenext" | "esm";

export interface ProjectSpec {
  /** Directory name and Pulumi project name. */
  name: string;
  layout: Layout;
  /** npm version specs, as the project's package.json holds them. */
  typescript: string;
  pulumi: string;
  typesNode: string;
}

/** tsconfig.json of each layout, exactly as the templates write it. */
export function tsconfigOf(layout: Layout): object {
  const common = {
    strict: true,
    outDir: "bin",
    sourceMap: true,
    experimentalDecorators: true,
    pretty: true,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
  };
  if (layout === "commonjs-node") {
    // `pulumi new typescript` before the nodenext template (Pulumi 3.1xx).
    return {
      compilerOptions: { ...common, target: "es2016", module: "commonjs", moduleResolution: "node" },
      files: ["index.ts"],
    };
  }
  // The current template; the ES module project differs only by "type": "module" in package.json.
  return {
    compilerOptions: { ...common, target: "es2020", module: "nodenext", moduleResolution: "nodenext" },
    files: ["index.ts"],
  };
}

export interface ProgramDir {
  /** Subdirectory of the project (`.` for its root). */
  dir: string;
  code: string;
  files?: Record<string, string>;
}

/**
 * Writes the project (package.json, tsconfig.json, Pulumi.yaml and index.ts per program: the root
 * one and any in subdirectories, which share the root's node_modules and have a package.json of
 * their own, or Pulumi would run the root's `main`) and installs it with npm from the warm cache.
 */
export async function writeProject(
  root: string,
  spec: ProjectSpec,
  tarball: string,
  programs: ProgramDir[],
): Promise<void> {
  const packageJson = {
    name: spec.name,
    main: "index.ts",
    ...(spec.layout === "esm" && { type: "module" }),
    devDependencies: {
      "@types/node": spec.typesNode,
      typescript: spec.typescript,
    },
    dependencies: {
      "@pulumi/pulumi": spec.pulumi,
      "pulumi-phone-numbers": `file:${tarball}`,
    },
  };
  await fs.mkdir(root, { recursive: true });
  await fs.writeFile(path.join(root, "package.json"), `${JSON.stringify(packageJson, null, 4)}\n`);
  for (const p of programs) {
    const dir = path.join(root, p.dir);
    await fs.mkdir(dir, { recursive: true });
    const project = p.dir === "." ? spec.name : `${spec.name}-${p.dir}`;
    if (p.dir !== ".") {
      const own = { name: project, main: "index.ts", ...(spec.layout === "esm" && { type: "module" }) };
      await fs.writeFile(path.join(dir, "package.json"), `${JSON.stringify(own, null, 4)}\n`);
    }
    await fs.writeFile(
      path.join(dir, "Pulumi.yaml"),
      `name: ${project}\ndescription: consumer matrix cell\nruntime:\n  name: nodejs\n  options:\n    packagemanager: npm\n`,
    );
    await fs.writeFile(
      path.join(dir, "tsconfig.json"),
      `${JSON.stringify(tsconfigOf(spec.layout), null, 4)}\n`,
    );
    await fs.writeFile(path.join(dir, "index.ts"), p.code);
    for (const [name, text] of Object.entries(p.files ?? {})) await fs.writeFile(path.join(dir, name), text);
  }
  const npmEnv = { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false" };
  const result = await run("npm", ["install", "--no-audit", "--prefer-offline"], {
    cwd: root,
    env: npmEnv,
    timeoutMs: 10 * 60_000,
  });
  if (result.code !== 0) throw new Error(`npm install in ${root} failed (${result.code}):\n${result.stderr}`);
}

/** Every installed copy of a package in the project (`npm ls --all --parseable`), as directories. */
export async function installedCopies(root: string, pkg: string): Promise<string[]> {
  const result = await run("npm", ["ls", pkg, "--all", "--parseable"], { cwd: root, env: process.env });
  return result.stdout
    .split("\n")
    .filter((l) => l.endsWith(`${path.sep}node_modules${path.sep}${pkg.split("/").join(path.sep)}`))
    .filter((l, i, all) => all.indexOf(l) === i);
}

/** The Node.js line's `node` directory from scripts/node-line.sh (installed on first use). */
export async function nodeLine(line: string): Promise<string> {
  const result = await run("bash", [path.join(repoRoot, "scripts", "node-line.sh"), line], {
    cwd: repoRoot,
    env: process.env,
    timeoutMs: 10 * 60_000,
  });
  const dir = result.stdout.trim().split("\n").pop() ?? "";
  if (result.code !== 0 || dir === "")
    throw new Error(`scripts/node-line.sh ${line} failed:\n${result.stderr}`);
  return dir;
}
