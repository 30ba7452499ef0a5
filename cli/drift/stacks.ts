/**
 * Which stacks the drift report checks and what it reads of each: the previews (`pulumi preview
 * --refresh --json`, or saved ones), each stack's credential source, and with `--backend` the numbers
 * in the state of every other stack of the backend.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type Progress, UsageError } from "../args.js";
import type { ConfigSource } from "../credentials.js";
import {
  currentStack,
  listStacks,
  previewJson,
  type StackRef,
  stackConfig,
  stackResources,
} from "../pulumi-cli.js";
import { type ManagedNumber, managedOf } from "./analyse.js";
import type { PreviewJson } from "./steps.js";

/** What the command line says about the stacks to check. */
export interface StackChoice {
  /** `--cwd DIR` and `--stack NAME` in the order given: each stack belongs to the --cwd before it. */
  places: { name: "cwd" | "stack"; value: string }[];
  /** `--all-stacks`: every stack of each --cwd project. */
  allStacks: boolean;
  /** `--backend`: also every other stack of the backend, from its state. */
  backend: boolean;
  /** `--json FILE...`: saved previews instead of running them. */
  json: string[] | undefined;
}

/** A stack to check: its preview and where its credentials come from. */
export interface Checked {
  /** How the report names it. */
  label: string;
  /** Its `pulumi preview --refresh --json`. */
  preview: PreviewJson;
  /** Where its vendor credentials are read. */
  source: ConfigSource;
}

/** The stacks named on the command line, each bound to the --cwd before it. */
async function stackRefs(choice: StackChoice): Promise<{ refs: StackRef[]; dirs: string[] }> {
  const refs: { name: string; cwd: string }[] = [];
  const dirs: string[] = [];
  let cwd = ".";
  for (const t of choice.places) {
    if (t.name === "cwd") {
      cwd = t.value;
      dirs.push(cwd);
    } else refs.push({ name: t.value, cwd });
  }
  if (dirs.length === 0) dirs.push(".");
  if (choice.allStacks) {
    for (const dir of dirs) for (const name of await listStacks(dir, false)) refs.push({ name, cwd: dir });
  } else if (refs.length === 0) {
    for (const dir of dirs) refs.push({ name: await currentStack(dir), cwd: dir });
  }
  const unique = refs.filter(
    (r, i) => refs.findIndex((x) => x.name === r.name && path.resolve(x.cwd) === path.resolve(r.cwd)) === i,
  );
  const manyDirs = new Set(unique.map((r) => path.resolve(r.cwd))).size > 1;
  return {
    refs: unique.map((r) => ({
      ...r,
      label: manyDirs ? `${path.basename(path.resolve(r.cwd))}:${r.name}` : r.name,
    })),
    dirs,
  };
}

async function readJson(file: string): Promise<PreviewJson> {
  const text = file === "-" ? fs.readFileSync(0, "utf8") : await fs.promises.readFile(file, "utf8");
  try {
    return JSON.parse(text) as PreviewJson;
  } catch (err) {
    throw new Error(
      `${file} is not the JSON of \`pulumi preview --refresh --json\` (${(err as Error).message})`,
    );
  }
}

/**
 * Each stack's preview and credential source: from the saved previews of `--json`, or by running
 * `pulumi preview --refresh` of each stack chosen.
 */
export async function previews(
  choice: StackChoice,
  progress: Progress,
): Promise<{ checked: Checked[]; refs: StackRef[]; dirs: string[] }> {
  if (choice.json) {
    if (choice.places.length > 0 || choice.allStacks || choice.backend)
      throw new UsageError("--json cannot be combined with --cwd, --stack, --all-stacks or --backend");
    const checked: Checked[] = [];
    for (const file of choice.json)
      checked.push({
        label: file === "-" ? "stdin" : path.basename(file, ".json"),
        preview: await readJson(file),
        source: {},
      });
    return { checked, refs: [], dirs: [] };
  }
  const { refs, dirs } = await stackRefs(choice);
  const checked: Checked[] = [];
  for (const ref of refs) {
    progress(`stack ${ref.label}: pulumi preview --refresh`);
    const preview = (await previewJson(ref)) as PreviewJson;
    const config = await stackConfig(ref);
    checked.push({ label: ref.label, preview, source: { config, stack: `stack ${ref.label}` } });
  }
  return { checked, refs, dirs };
}

/** URN prefixes (`stack::project`) of a list of URNs. */
const stackKeysOf = (urns: string[]) => new Set(urns.map((u) => u.split("::").slice(0, 2).join("::")));

/** Every other stack of the backend, from its state: the numbers each manages. */
export async function stateOnlyStacks(
  checked: Checked[],
  refs: StackRef[],
  dirs: string[],
  progress: Progress,
) {
  const seen = stackKeysOf(checked.flatMap((c) => (c.preview.steps ?? []).map((s) => s.urn)));
  const out: { stack: string; managed: ManagedNumber[] }[] = [];
  const cwd = dirs[0] ?? ".";
  const previewed = new Set(refs.filter((r) => path.resolve(r.cwd) === path.resolve(cwd)).map((r) => r.name));
  for (const name of await listStacks(cwd, true)) {
    if (previewed.has(name)) continue;
    progress(`stack ${name}: pulumi stack export`);
    const resources = await stackResources({ name, cwd, label: name });
    const keys = stackKeysOf(resources.map((r) => r.urn));
    if ([...keys].some((k) => seen.has(k))) continue; // previewed already
    out.push({ stack: name, managed: managedOf(name, resources) });
  }
  return out;
}
