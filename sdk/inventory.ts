/**
 * Inventory files: the numbers a stack rents, as YAML people edit instead of TypeScript.
 *
 * `loadInventory("numbers.yaml")` validates the whole file first (every problem reported at once as
 * `file:line:column: field: what is wrong; allowed: ...`), then declares one resource per entry and
 * returns them by name. A file with any problem declares nothing. Each entry is checked by its
 * resource's own provider `check` (the zod input schema plus the cross-field rules), so a file
 * accepts exactly what a TypeScript program may pass, and errors carry the file position.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type * as pulumi from "@pulumi/pulumi";
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type Document as YamlDocument,
} from "yaml";
import { z } from "zod";
import { e164Of, failuresFrom } from "../provider/core/check.js";
import {
  ApifonicaApplication,
  type ApifonicaApplicationArgs,
  type ApifonicaApplicationInputs,
} from "./apifonica-application.js";
import { ApifonicaNumber, type ApifonicaNumberArgs, type ApifonicaNumberInputs } from "./apifonica-number.js";
import { ExoPhone, type ExoPhoneArgs, type ExoPhoneInputs } from "./exophone.js";
import {
  APP_REFERENCE_KEYS,
  appReferenceFields,
  RESOURCE_NAME_PATTERN,
  RESOURCE_NAME_RULE,
  RESOURCE_OPTION_KEYS,
  resourceOptionFields,
} from "./inventory-fields.js";
import {
  PlivoNumberOrder,
  type PlivoNumberOrderArgs,
  type PlivoNumberOrderInputs,
} from "./plivo-number-order.js";

/** The fields of an `exotel` entry as written in the file: the ExoPhone's inputs as plain values. */
export type ExotelEntryFields = ExoPhoneInputs;
/** The fields of a `plivo` entry: the PlivoNumberOrder's inputs as plain values. */
export type PlivoEntryFields = PlivoNumberOrderInputs;
/** The fields of an `apifonica.applications` entry: the ApifonicaApplication's inputs. */
export type ApifonicaApplicationEntryFields = ApifonicaApplicationInputs;
/** The fields of an `apifonica.numbers` entry: the ApifonicaNumber's inputs as plain values. */
export type ApifonicaNumberEntryFields = ApifonicaNumberInputs;

/**
 * What parsing needs beyond YAML: the providers' input schemas and checks. Loaded on first use, so
 * `import "pulumi-phone-numbers"` does not load the HTTP client and every vendor client into the
 * program (the provider host loads them when a resource runs).
 */
interface Checkers {
  provider: typeof import("../provider/index.js").provider;
  schemas: typeof import("./inventory-schema.js");
}
let checkers: Promise<Checkers> | undefined;
function loadCheckers(): Promise<Checkers> {
  checkers ??= Promise.all([import("../provider/index.js"), import("./inventory-schema.js")]).then(
    ([p, schemas]) => ({ provider: p.provider, schemas }),
  );
  return checkers;
}

/** One problem of an inventory file, at a 1-based line and column. */
export interface InventoryProblem {
  /** The file name as given to {@link parseInventory} or {@link loadInventory}. */
  file: string;
  /** 1-based line of the problem. */
  line: number;
  /** 1-based column of the problem. */
  column: number;
  /** Dotted path, e.g. `exotel.support-bangalore.voiceUrl`. */
  field: string;
  /** What is wrong and what is allowed. */
  message: string;
}

export function formatProblem(p: InventoryProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.field}: ${p.message}`;
}

/** Thrown by {@link loadInventory} when the file has problems; its message lists every one. */
export class InventoryError extends Error {
  /** Every problem of the file, in file order. */
  declare readonly problems: InventoryProblem[];
  /**
   * An error whose message lists every problem, one per line, with its position.
   * @param problems every problem found (the message lists them all).
   */
  constructor(problems: InventoryProblem[]) {
    super(
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in the inventory file (nothing was declared):\n` +
        problems.map(formatProblem).join("\n"),
    );
    this.name = "InventoryError";
    // Not enumerable: Node would print the array after the message. The marker is Pulumi's RunError
    // test (`pulumi preview` then prints the message alone, without a stack trace).
    Object.defineProperty(this, "problems", { value: problems, enumerable: false });
    Object.defineProperty(this, "__pulumiRunError", { value: true, enumerable: false });
  }
}

/** The Pulumi resource options an entry may carry. */
export interface EntryOptions {
  /** Pulumi `protect`: the resource cannot be deleted (its number released) until the flag is removed. */
  protect?: boolean;
  /** Pulumi `retainOnDelete`: removing the entry drops it from the stack but keeps the number rented. */
  retainOnDelete?: boolean;
  /** Earlier resource names of the entry, declared as Pulumi aliases. */
  previousNames?: string[];
}

/** A validated entry: its resource name, line and the resource's fields as written. */
export interface InventoryEntry<F> {
  /** The Pulumi resource name (the entry's key). */
  name: string;
  /** 1-based line of the entry's key. */
  line: number;
  /** The resource's fields as written. */
  args: F;
  /** The entry's Pulumi resource options. */
  options: EntryOptions;
}

/** A validated Apifonica number entry; `callApp`/`msgApp` name applications of the same file. */
export interface ApifonicaNumberEntry extends InventoryEntry<ApifonicaNumberEntryFields> {
  /** Resource name of the application (of the same file) whose applicationSid becomes `callAppSid`. */
  callApp?: string;
  /** Resource name of the application (of the same file) whose applicationSid becomes `msgAppSid`. */
  msgApp?: string;
}

/** An inventory file read and validated, before any resource is declared. */
export interface ParsedInventory {
  /** The file name used in problem positions. */
  file: string;
  /** The `exotel` entries, in file order. */
  exotel: InventoryEntry<ExotelEntryFields>[];
  /** The `plivo` entries, in file order. */
  plivo: InventoryEntry<PlivoEntryFields>[];
  /** The `apifonica.applications` entries, in file order. */
  apifonicaApplications: InventoryEntry<ApifonicaApplicationEntryFields>[];
  /** The `apifonica.numbers` entries, in file order. */
  apifonicaNumbers: ApifonicaNumberEntry[];
  /** The file says `allowEmpty: true`. */
  allowEmpty: boolean;
}

/** What {@link parseInventory} returns: the entries when the file has no problem, else every problem. */
export interface ParseResult {
  /** The validated entries; undefined when the file has any problem. */
  inventory?: ParsedInventory;
  /** Every problem, in file order (empty when the file is valid). */
  problems: InventoryProblem[];
}

/** The resources declared from an inventory file, by resource name. */
export interface Inventory {
  /** The `exotel` entries' resources, by resource name. */
  exotel: Record<string, ExoPhone>;
  /** The `plivo` entries' resources, by resource name. */
  plivo: Record<string, PlivoNumberOrder>;
  /** The `apifonica.applications` entries' resources, by resource name. */
  apifonicaApplications: Record<string, ApifonicaApplication>;
  /** The `apifonica.numbers` entries' resources, by resource name. */
  apifonicaNumbers: Record<string, ApifonicaNumber>;
  /** Every entry's number (ExoPhone, ApifonicaNumber) or numbers (PlivoNumberOrder), by resource name. */
  numbers: Record<string, pulumi.Output<string> | pulumi.Output<string[]>>;
}

type Path = (string | number)[];
type Kind = "exophone" | "plivo-number-order" | "apifonica-application" | "apifonica-number";

const SECTIONS = ["exotel", "plivo", "apifonica"] as const;
const APIFONICA_SECTIONS = ["applications", "numbers"] as const;

/** The fields an entry of `kind` may have. */
function allowedKeys(kind: Kind, c: Checkers): string[] {
  const s = c.schemas;
  const schema = {
    exophone: s.exotelEntry,
    "plivo-number-order": s.plivoEntry,
    "apifonica-application": s.apifonicaApplicationEntry,
    "apifonica-number": s.apifonicaNumberEntry,
  }[kind];
  return Object.keys(schema.shape);
}

class Problems {
  readonly list: InventoryProblem[] = [];
  constructor(
    private readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  at(offset: number, field: Path | string, message: string): void {
    const { line, col } = offset >= 0 ? this.lines.linePos(offset) : { line: 1, col: 1 };
    this.list.push({
      file: this.file,
      line,
      column: col,
      field: typeof field === "string" ? field : dotted(field),
      message,
    });
  }

  node(node: Node | null | undefined, field: Path | string, message: string): void {
    this.at(node?.range?.[0] ?? 0, field, message);
  }

  lineOf(node: Node | null | undefined): number {
    return this.lines.linePos(node?.range?.[0] ?? 0).line;
  }
}

function dotted(p: Path): string {
  return p.map(String).join(".") || "(file)";
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `${typeof v} ${JSON.stringify(v)}`;
}

interface Pair {
  key: Node;
  keyText: string;
  value: Node | null;
}

/** The pairs of a YAML mapping with scalar keys; reports non-scalar keys and duplicates. */
function pairsOf(node: Node, where: Path, problems: Problems): Pair[] {
  if (!isMap(node)) return [];
  const out: Pair[] = [];
  const seen = new Map<string, Node>();
  for (const pair of node.items) {
    const key = pair.key as Node | null;
    if (!isScalar(key) || (typeof key.value !== "string" && typeof key.value !== "number")) {
      problems.node(key ?? node, where, "keys must be plain text; allowed: names such as support-bangalore");
      continue;
    }
    const keyText = String(key.value);
    const first = seen.get(keyText);
    if (first) {
      problems.node(
        key,
        [...where, keyText],
        `appears twice (first on line ${problems.lineOf(first)}); allowed: each key once`,
      );
      continue;
    }
    seen.set(keyText, key);
    out.push({ key, keyText, value: (pair.value as Node | null) ?? null });
  }
  return out;
}

/** The node of a dotted property path below `node`, or the deepest node found on the way. */
function nodeAt(
  node: Node | null,
  segments: string[],
): { node: Node | null; key: Node | null; found: boolean } {
  let cur: Node | null = node;
  let key: Node | null = null;
  for (const seg of segments) {
    if (isMap(cur)) {
      const pair = cur.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) return { node: cur, key, found: false };
      key = pair.key as Node;
      cur = (pair.value as Node | null) ?? key;
    } else if (isSeq(cur)) {
      const item = cur.items[Number(seg)] as Node | undefined;
      if (!item) return { node: cur, key, found: false };
      cur = item;
    } else {
      return { node: cur, key, found: false };
    }
  }
  return { node: cur, key, found: true };
}

function expectMap(
  node: Node | null,
  where: Path,
  what: string,
  problems: Problems,
  keyNode: Node | null,
): boolean {
  if (node && isMap(node)) return true;
  if (node === null || (isScalar(node) && node.value === null)) return false; // empty section: nothing declared
  problems.node(node ?? keyNode, where, `must be ${what}, got ${describe(node.toJSON())}`);
  return false;
}

interface RawEntry {
  kind: Kind;
  path: Path;
  name: string;
  keyNode: Node;
  node: Node;
  value: Record<string, unknown>;
}

/**
 * Reads and validates an inventory file's text. Returns the entries, or every problem found.
 * `file` is the name used in problem positions. A file without entries is a problem unless it says
 * `allowEmpty: true` (an empty file, as a failed `export > numbers.yaml` leaves, would release every
 * number of the stack).
 */
export async function parseInventory(text: string, file: string): Promise<ParseResult> {
  const lineCounter = new LineCounter();
  const problems = new Problems(file, lineCounter);
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  for (const err of [...doc.errors, ...doc.warnings]) {
    problems.at(err.pos[0], "(yaml)", `${err.message.split("\n")[0]}; allowed: valid YAML`);
  }
  if (doc.errors.length > 0) return { problems: problems.list };

  const c = await loadCheckers();
  const { entries: raw, allowEmpty } = collectEntries(doc, problems, c);
  if (raw.length === 0 && !allowEmpty && problems.list.length === 0) {
    problems.at(
      0,
      "(file)",
      "has no entries: `pulumi up` of it would release every number the stack manages; allowed: at least one entry, or `allowEmpty: true` at the top of the file to release everything on purpose",
    );
  }
  const result: ParsedInventory = {
    file,
    exotel: [],
    plivo: [],
    apifonicaApplications: [],
    apifonicaNumbers: [],
    allowEmpty,
  };
  checkNames(raw, problems);
  const appNames = raw.filter((e) => e.kind === "apifonica-application").map((e) => e.name);
  const numbersSeen = new Map<string, { entry: RawEntry; field: Path; node: Node | null }>();
  for (const e of raw) {
    const checked = await checkEntry(e, appNames, problems, c);
    checkNumbers(e, numbersSeen, problems);
    if (checked) addEntry(result, e, problems.lineOf(e.keyNode), checked);
  }
  problems.list.sort((a, b) => a.line - b.line || a.column - b.column);
  return problems.list.length > 0 ? { problems: problems.list } : { inventory: result, problems: [] };
}

/** Each resource name (current or previous) once in the file. */
function checkNames(raw: RawEntry[], problems: Problems): void {
  const names = new Map<string, RawEntry>();
  for (const e of raw) {
    const first = names.get(e.name);
    if (first) {
      problems.node(
        e.keyNode,
        e.path,
        `the name "${e.name}" is already used by ${dotted(first.path)} (line ${problems.lineOf(first.keyNode)}); allowed: each resource name once in the file`,
      );
    } else names.set(e.name, e);
  }
  for (const e of raw) {
    const previous = Array.isArray(e.value.previousNames) ? e.value.previousNames : [];
    for (const [i, old] of previous.entries()) {
      const other = typeof old === "string" ? names.get(old) : undefined;
      if (!other) continue;
      problems.node(
        nodeAt(e.node, ["previousNames", String(i)]).node,
        [...e.path, "previousNames", i],
        `"${old}" is the name of ${other === e ? "this entry" : `${dotted(other.path)} (line ${problems.lineOf(other.keyNode)})`}; allowed: names the entry had before, used by no entry now`,
      );
    }
  }
}

function checkNumbers(
  e: RawEntry,
  seen: Map<string, { entry: RawEntry; field: Path; node: Node | null }>,
  problems: Problems,
): void {
  for (const { e164, field } of exactNumbersOf(e)) {
    const at = nodeAt(e.node, field.map(String));
    const first = seen.get(e164);
    if (first && first.entry !== e) {
      problems.node(
        at.node,
        [...e.path, ...field],
        `${e164} is already declared by ${dotted([...first.entry.path, ...first.field])} (line ${problems.lineOf(first.node)}); allowed: each number once in the file`,
      );
    } else if (!first) seen.set(e164, { entry: e, field, node: at.node });
  }
}

function addEntry(
  result: ParsedInventory,
  e: RawEntry,
  line: number,
  checked: NonNullable<Awaited<ReturnType<typeof checkEntry>>>,
): void {
  const { options, args, refs } = checked;
  const base = { name: e.name, line, options };
  if (e.kind === "exophone") result.exotel.push({ ...base, args: args as ExotelEntryFields });
  else if (e.kind === "plivo-number-order") result.plivo.push({ ...base, args: args as PlivoEntryFields });
  else if (e.kind === "apifonica-application")
    result.apifonicaApplications.push({ ...base, args: args as ApifonicaApplicationEntryFields });
  else result.apifonicaNumbers.push({ ...base, args: args as ApifonicaNumberEntryFields, ...refs });
}

const ROOT_KEYS = ["allowEmpty", ...SECTIONS];

function collectEntries(
  doc: YamlDocument,
  problems: Problems,
  c: Checkers,
): { entries: RawEntry[]; allowEmpty: boolean } {
  const root = doc.contents as Node | null;
  const out: RawEntry[] = [];
  let allowEmpty = false;
  if (root === null || (isScalar(root) && root.value === null)) return { entries: out, allowEmpty };
  if (!isMap(root)) {
    problems.node(
      root,
      "(file)",
      `must be a mapping with the keys ${ROOT_KEYS.join(", ")}, got ${describe(root.toJSON())}`,
    );
    return { entries: out, allowEmpty };
  }
  const section = (pair: Pair, kind: Kind, where: Path) =>
    sectionEntries(pair, kind, where, problems, c, out);
  for (const pair of pairsOf(root, [], problems)) {
    const name = pair.keyText;
    if (name === "exotel") section(pair, "exophone", ["exotel"]);
    else if (name === "plivo") section(pair, "plivo-number-order", ["plivo"]);
    else if (name === "apifonica") apifonicaEntries(pair, section, problems);
    else if (name === "allowEmpty") {
      const v = pair.value?.toJSON();
      if (typeof v === "boolean") allowEmpty = v;
      else
        problems.node(
          pair.value ?? pair.key,
          ["allowEmpty"],
          `must be a boolean, got ${describe(v)}; allowed: true or false`,
        );
    } else {
      problems.node(pair.key, [name], `unknown key; allowed: ${ROOT_KEYS.join(", ")}`);
    }
  }
  return { entries: out, allowEmpty };
}

function apifonicaEntries(
  pair: Pair,
  section: (pair: Pair, kind: Kind, where: Path) => void,
  problems: Problems,
): void {
  if (!expectMap(pair.value, ["apifonica"], "a mapping with applications and numbers", problems, pair.key))
    return;
  for (const sub of pairsOf(pair.value!, ["apifonica"], problems)) {
    if (sub.keyText === "applications") section(sub, "apifonica-application", ["apifonica", "applications"]);
    else if (sub.keyText === "numbers") section(sub, "apifonica-number", ["apifonica", "numbers"]);
    else
      problems.node(
        sub.key,
        ["apifonica", sub.keyText],
        `unknown key; allowed: ${APIFONICA_SECTIONS.join(", ")}`,
      );
  }
}

function sectionEntries(
  pair: Pair,
  kind: Kind,
  where: Path,
  problems: Problems,
  c: Checkers,
  out: RawEntry[],
): void {
  if (!expectMap(pair.value, where, "a mapping of resource names to entries", problems, pair.key)) return;
  for (const entry of pairsOf(pair.value!, where, problems)) {
    const path = [...where, entry.keyText];
    if (!RESOURCE_NAME_PATTERN.test(entry.keyText)) {
      problems.node(
        entry.key,
        path,
        `"${entry.keyText}" is not a resource name; allowed: ${RESOURCE_NAME_RULE}`,
      );
      continue;
    }
    const value = entry.value;
    if (!value || !isMap(value)) {
      problems.node(
        value ?? entry.key,
        path,
        `must be a mapping of the entry's fields, got ${describe(value?.toJSON())}; allowed fields: ${allowedKeys(kind, c).join(", ")}`,
      );
      continue;
    }
    pairsOf(value, path, problems); // duplicate fields
    out.push({
      kind,
      path,
      name: entry.keyText,
      keyNode: entry.key,
      node: value,
      value: value.toJSON() as Record<string, unknown>,
    });
  }
}

/** Validates one entry; reports its problems; returns its parts when it has none. */
async function checkEntry(
  e: RawEntry,
  appNames: string[],
  problems: Problems,
  c: Checkers,
): Promise<
  | { args: Record<string, unknown>; options: EntryOptions; refs: { callApp?: string; msgApp?: string } }
  | undefined
> {
  const before = problems.list.length;
  const fields: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  const extraKeys = new Set<string>([
    ...RESOURCE_OPTION_KEYS,
    ...(e.kind === "apifonica-number" ? APP_REFERENCE_KEYS : []),
  ]);
  for (const [k, v] of Object.entries(e.value)) (extraKeys.has(k) ? extra : fields)[k] = v;

  const report = (property: string, message: string) => {
    const segments = property === "(inputs)" ? [] : property.split(".");
    const at = nodeAt(e.node, segments);
    // A missing field points at the entry's name; an unknown key at the key itself.
    const node = !at.found ? e.keyNode : message.startsWith("unknown field") ? (at.key ?? at.node) : at.node;
    const allowed =
      /^must be a boolean/.test(message) && !message.includes("allowed") ? "; allowed: true or false" : "";
    problems.node(node, [...e.path, ...segments], message + allowed);
  };

  // Pulumi resource options and references: validated with the file schema's own field definitions.
  const extraSchema = z.strictObject({
    ...resourceOptionFields,
    ...(e.kind === "apifonica-number" ? appReferenceFields : {}),
  });
  const extraResult = extraSchema.safeParse(extra);
  if (!extraResult.success) {
    for (const f of failuresFrom(extraResult.error, extra, [])) report(f.property, f.reason);
  }

  // The resource's own check: its zod input schema and cross-field rules, as the engine runs them.
  const { failures } = await c.provider(e.kind).check({}, fields);
  const allowed = allowedKeys(e.kind, c).join(", ");
  for (const f of failures ?? []) {
    report(
      f.property,
      f.reason.startsWith("unknown field") ? `unknown field; allowed fields: ${allowed}` : f.reason,
    );
  }

  const refs = e.kind === "apifonica-number" ? appRefs(fields, extra, appNames, report) : {};
  if (problems.list.length > before) return undefined;
  const options: EntryOptions = {};
  if (typeof extra.protect === "boolean") options.protect = extra.protect;
  if (typeof extra.retainOnDelete === "boolean") options.retainOnDelete = extra.retainOnDelete;
  if (Array.isArray(extra.previousNames)) options.previousNames = extra.previousNames as string[];
  return { args: fields, options, refs };
}

/** An Apifonica number's `callApp`/`msgApp`: applications of the same file, not with a literal SID. */
function appRefs(
  fields: Record<string, unknown>,
  extra: Record<string, unknown>,
  appNames: string[],
  report: (property: string, message: string) => void,
): { callApp?: string; msgApp?: string } {
  const refs: { callApp?: string; msgApp?: string } = {};
  for (const ref of APP_REFERENCE_KEYS) {
    const target = extra[ref];
    if (typeof target !== "string") continue;
    const sidField = ref === "callApp" ? "callAppSid" : "msgAppSid";
    if (fields[sidField] !== undefined) {
      report(
        ref,
        `cannot be combined with ${sidField}; allowed: either ${ref} (an application of this file) or ${sidField} (a literal SID)`,
      );
    } else if (!appNames.includes(target)) {
      report(
        ref,
        `"${target}" is not an application of this file; allowed: ${appNames.length > 0 ? appNames.join(", ") : "a name under apifonica.applications (there are none)"}`,
      );
    } else refs[ref] = target;
  }
  return refs;
}

/** The exact numbers an entry names, in E.164, with the field path of each. */
function exactNumbersOf(e: RawEntry): { e164: string; field: Path }[] {
  const norm = (v: unknown) => (typeof v === "string" ? e164Of(v) : undefined);
  const out: { e164: string; field: Path }[] = [];
  const one = (field: string) => {
    const n = norm(e.value[field]);
    if (n) out.push({ e164: n, field: [field] });
  };
  if (e.kind === "exophone") one("phoneNumber");
  if (e.kind === "apifonica-number") one("number");
  if (e.kind === "plivo-number-order" && Array.isArray(e.value.numbers)) {
    e.value.numbers.forEach((v, i) => {
      const n = norm(v);
      if (n) out.push({ e164: n, field: ["numbers", i] });
    });
  }
  return out;
}

/** Reads and validates an inventory file; throws an {@link InventoryError} listing every problem. */
export async function readInventory(file: string): Promise<ParsedInventory> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, "utf8");
  } catch (err) {
    throw new InventoryError([
      {
        file,
        line: 1,
        column: 1,
        field: "(file)",
        message: `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}); allowed: a readable YAML file`,
      },
    ]);
  }
  const { inventory, problems } = await parseInventory(text, file);
  if (!inventory) throw new InventoryError(problems);
  return inventory;
}

/** Options of {@link loadInventory} and {@link declareInventory}. */
export interface LoadInventoryOptions {
  /** Options applied to every resource (an entry's `protect`/`retainOnDelete` override them). */
  resourceOptions?: pulumi.CustomResourceOptions;
}

/**
 * Declares every entry of an inventory file as a resource and returns them by name. The file is
 * validated completely first: with any problem nothing is declared and an {@link InventoryError}
 * lists every problem with its position. A relative path is read from the program's directory.
 *
 * ```ts
 * const inventory = await loadInventory("numbers.yaml");
 * export const numbers = inventory.numbers;
 * ```
 */
export async function loadInventory(file: string, opts: LoadInventoryOptions = {}): Promise<Inventory> {
  const parsed = await readInventory(file);
  return declareInventory(parsed, opts);
}

/** Declares the resources of an already validated inventory. */
export function declareInventory(parsed: ParsedInventory, opts: LoadInventoryOptions = {}): Inventory {
  const options = ({ previousNames, ...o }: EntryOptions): pulumi.CustomResourceOptions => {
    const aliases = [
      ...(opts.resourceOptions?.aliases ?? []),
      ...(previousNames ?? []).map((name) => ({ name })),
    ];
    return { ...opts.resourceOptions, ...o, ...(aliases.length > 0 && { aliases }) };
  };
  const out: Inventory = {
    exotel: {},
    plivo: {},
    apifonicaApplications: {},
    apifonicaNumbers: {},
    numbers: {},
  };
  for (const e of parsed.exotel) {
    const r = new ExoPhone(e.name, e.args as ExoPhoneArgs, options(e.options));
    out.exotel[e.name] = r;
    out.numbers[e.name] = r.phoneNumber;
  }
  for (const e of parsed.plivo) {
    const r = new PlivoNumberOrder(e.name, e.args as PlivoNumberOrderArgs, options(e.options));
    out.plivo[e.name] = r;
    out.numbers[e.name] = r.numbers;
  }
  for (const e of parsed.apifonicaApplications) {
    out.apifonicaApplications[e.name] = new ApifonicaApplication(
      e.name,
      e.args as ApifonicaApplicationArgs,
      options(e.options),
    );
  }
  for (const e of parsed.apifonicaNumbers) {
    const args = { ...e.args } as ApifonicaNumberArgs;
    if (e.callApp) args.callAppSid = out.apifonicaApplications[e.callApp]!.applicationSid;
    if (e.msgApp) args.msgAppSid = out.apifonicaApplications[e.msgApp]!.applicationSid;
    const r = new ApifonicaNumber(e.name, args, options(e.options));
    out.apifonicaNumbers[e.name] = r;
    out.numbers[e.name] = r.number;
  }
  return out;
}

/** The path of the published JSON Schema inside this package (`schema/numbers.schema.json`). */
export function inventorySchemaPath(): string {
  return path.join(path.dirname(packageRootFrom(import.meta.url)), "schema", "numbers.schema.json");
}

function packageRootFrom(url: string): string {
  // sdk/inventory.ts (tests) or dist/sdk/inventory.js (package): walk up to package.json.
  let dir = path.dirname(fileURLToPath(url));
  for (let i = 0; i < 4; i++) {
    if (fs.existsSync(path.join(dir, "package.json"))) return path.join(dir, "package.json");
    dir = path.dirname(dir);
  }
  return path.join(dir, "package.json");
}
