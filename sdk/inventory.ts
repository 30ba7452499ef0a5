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
import { LineCounter, parseDocument } from "yaml";
import type { ApifonicaApplication, ApifonicaApplicationInputs } from "./apifonica-application.js";
import type { ApifonicaNumber, ApifonicaNumberInputs } from "./apifonica-number.js";
import type { ExoPhone, ExoPhoneInputs } from "./exophone.js";
import { declareEntries } from "./inventory-declare.js";
import { Problems } from "./inventory-locate.js";
import {
  type CheckedEntry,
  checkEntry,
  checkNames,
  checkNumbers,
  collectEntries,
  type NumbersSeen,
  type RawEntry,
} from "./inventory-parse.js";
import { InventoryError, type InventoryProblem } from "./inventory-problems.js";
import type { PlivoNumberOrder, PlivoNumberOrderInputs } from "./plivo-number-order.js";

export { formatProblem, InventoryError, type InventoryProblem } from "./inventory-problems.js";

/** The fields of an `exotel` entry as written in the file: the ExoPhone's inputs as plain values. */
export type ExotelEntryFields = ExoPhoneInputs;
/** The fields of a `plivo` entry: the PlivoNumberOrder's inputs as plain values. */
export type PlivoEntryFields = PlivoNumberOrderInputs;
/** The fields of an `apifonica.applications` entry: the ApifonicaApplication's inputs. */
export type ApifonicaApplicationEntryFields = ApifonicaApplicationInputs;
/** The fields of an `apifonica.numbers` entry: the ApifonicaNumber's inputs as plain values. */
export type ApifonicaNumberEntryFields = ApifonicaNumberInputs;

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

/** Files without entries are refused unless they say so: `pulumi up` of one releases everything. */
const NO_ENTRIES =
  "has no entries: `pulumi up` of it would release every number the stack manages; allowed: at least one entry, or `allowEmpty: true` at the top of the file to release everything on purpose";

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

  const { entries: raw, allowEmpty } = collectEntries(doc, problems);
  if (raw.length === 0 && !allowEmpty && problems.list.length === 0) problems.at(0, "(file)", NO_ENTRIES);
  const result: ParsedInventory = {
    file,
    exotel: [],
    plivo: [],
    apifonicaApplications: [],
    apifonicaNumbers: [],
    allowEmpty,
  };
  checkNames(raw, problems);
  const numbersSeen: NumbersSeen = new Map();
  for (const e of raw) {
    const checked = checkEntry(e, raw, problems);
    checkNumbers(e, numbersSeen, problems);
    if (checked) addEntry(result, e, problems.lineOf(e.keyNode), checked);
  }
  problems.list.sort((a, b) => a.line - b.line || a.column - b.column);
  return problems.list.length > 0 ? { problems: problems.list } : { inventory: result, problems: [] };
}

/** Adds a checked entry to its kind's list (the registry's `inventoryKey`). */
function addEntry(result: ParsedInventory, e: RawEntry, line: number, checked: CheckedEntry): void {
  const { options, args, refs } = checked;
  const lists = result as unknown as Record<string, unknown[]>;
  lists[e.kind.inventoryKey]?.push({ name: e.name, line, options, args, ...refs });
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
  const sections = parsed as unknown as Record<string, unknown>;
  return declareEntries(sections, opts.resourceOptions) as unknown as Inventory;
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
