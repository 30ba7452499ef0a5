/**
 * Validating an inventory file's entries, driven by the registry (provider/registry.ts): which
 * sections exist, which kind each holds, its input check, its exact numbers and its references to
 * other entries. Nothing here names a vendor or a kind.
 */
import { isMap, isScalar, type Node, type Document as YamlDocument } from "yaml";
import { z } from "zod";
import { failuresFrom, type Props } from "../provider/core/check.js";
import {
  ALL_KINDS,
  checkKind,
  exactNumbersOf,
  kindOf,
  type ResourceKind,
  VENDORS,
} from "../provider/registry.js";
import type { EntryOptions } from "./inventory.js";
import {
  RESOURCE_NAME_PATTERN,
  RESOURCE_NAME_RULE,
  RESOURCE_OPTION_KEYS,
  resourceOptionFields,
} from "./inventory-fields.js";
import {
  describe,
  dotted,
  expectMap,
  nodeAt,
  type Pair,
  type Path,
  type Problems,
  pairsOf,
} from "./inventory-locate.js";
import { entrySchemas, referenceFields } from "./inventory-schema.js";

/** An entry as found in the file, before its fields are checked. */
export interface RawEntry {
  kind: ResourceKind;
  path: Path;
  name: string;
  keyNode: Node;
  node: Node;
  value: Props;
}

/** An entry whose fields passed: its inputs, its resource options and its resolved references. */
export interface CheckedEntry {
  args: Props;
  options: EntryOptions;
  refs: Record<string, string>;
}

const ROOT_KEYS = ["allowEmpty", ...VENDORS];

/** The fields an entry of `kind` may have. */
function allowedKeys(d: ResourceKind): string[] {
  return Object.keys(entrySchemas[d.kind]!.shape);
}

/** Every entry of the file's sections, and its `allowEmpty` flag; reports what is not an entry. */
export function collectEntries(
  doc: YamlDocument,
  problems: Problems,
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
  for (const pair of pairsOf(root, [], problems)) {
    const name = pair.keyText;
    const kinds = ALL_KINDS.filter((d) => d.section[0] === name);
    if (kinds.length > 0) vendorEntries(pair, kinds, problems, out);
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

/** A vendor's part of the file: one section of entries, or a mapping of sub-sections. */
function vendorEntries(pair: Pair, kinds: ResourceKind[], problems: Problems, out: RawEntry[]): void {
  const top = pair.keyText;
  const [only] = kinds;
  if (only && only.section.length === 1) {
    sectionEntries(pair, only, [top], problems, out);
    return;
  }
  const subs = kinds.map((d) => d.section[1]);
  if (!expectMap(pair.value, [top], `a mapping with ${subs.join(" and ")}`, problems, pair.key)) return;
  for (const sub of pairsOf(pair.value, [top], problems)) {
    const d = kinds.find((k) => k.section[1] === sub.keyText);
    if (d) sectionEntries(sub, d, [top, sub.keyText], problems, out);
    else problems.node(sub.key, [top, sub.keyText], `unknown key; allowed: ${subs.join(", ")}`);
  }
}

function sectionEntries(pair: Pair, d: ResourceKind, where: Path, problems: Problems, out: RawEntry[]): void {
  if (!expectMap(pair.value, where, "a mapping of resource names to entries", problems, pair.key)) return;
  for (const entry of pairsOf(pair.value, where, problems)) {
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
        `must be a mapping of the entry's fields, got ${describe(value?.toJSON())}; allowed fields: ${allowedKeys(d).join(", ")}`,
      );
      continue;
    }
    pairsOf(value, path, problems); // duplicate fields
    out.push({
      kind: d,
      path,
      name: entry.keyText,
      keyNode: entry.key,
      node: value,
      value: value.toJSON() as Props,
    });
  }
}

/** Each resource name (current or previous) once in the file. */
export function checkNames(raw: RawEntry[], problems: Problems): void {
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

/** Where each exact number of the file was first declared. */
export type NumbersSeen = Map<string, { entry: RawEntry; field: Path; node: Node | null }>;

/** Each exact number once in the file. */
export function checkNumbers(e: RawEntry, seen: NumbersSeen, problems: Problems): void {
  for (const { e164, field } of exactNumbersOf(e.kind, e.value)) {
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

/** Reports a check failure at the entry's node for `property` (a dotted path of its fields). */
function reporter(e: RawEntry, problems: Problems): (property: string, message: string) => void {
  return (property, message) => {
    const segments = property === "(inputs)" ? [] : property.split(".");
    const at = nodeAt(e.node, segments);
    // A missing field points at the entry's name; an unknown key at the key itself.
    const node = !at.found ? e.keyNode : message.startsWith("unknown field") ? (at.key ?? at.node) : at.node;
    const allowed =
      /^must be a boolean/.test(message) && !message.includes("allowed") ? "; allowed: true or false" : "";
    problems.node(node, [...e.path, ...segments], message + allowed);
  };
}

/** Validates one entry; reports its problems; returns its parts when it has none. */
export function checkEntry(e: RawEntry, raw: RawEntry[], problems: Problems): CheckedEntry | undefined {
  const before = problems.list.length;
  const d = e.kind;
  const fields: Props = {};
  const extra: Props = {};
  const extraKeys = new Set<string>([...RESOURCE_OPTION_KEYS, ...Object.keys(d.references ?? {})]);
  for (const [k, v] of Object.entries(e.value)) (extraKeys.has(k) ? extra : fields)[k] = v;
  const report = reporter(e, problems);

  // Pulumi resource options and references: validated with the file schema's own field definitions.
  const extraSchema = z.strictObject({ ...resourceOptionFields, ...referenceFields(d) });
  const extraResult = extraSchema.safeParse(extra);
  if (!extraResult.success) {
    for (const f of failuresFrom(extraResult.error, extra, [])) report(f.property, f.reason);
  }

  // The resource's own check: its zod input schema and cross-field rules, as the engine runs them.
  const { failures } = checkKind(d, fields);
  const allowed = allowedKeys(d).join(", ");
  for (const f of failures) {
    report(
      f.property,
      f.reason.startsWith("unknown field") ? `unknown field; allowed fields: ${allowed}` : f.reason,
    );
  }

  const refs = referencesOf(d, fields, extra, raw, report);
  if (problems.list.length > before) return undefined;
  const options: EntryOptions = {};
  if (typeof extra.protect === "boolean") options.protect = extra.protect;
  if (typeof extra.retainOnDelete === "boolean") options.retainOnDelete = extra.retainOnDelete;
  if (Array.isArray(extra.previousNames)) options.previousNames = extra.previousNames as string[];
  return { args: fields, options, refs };
}

/** An entry's references (`callApp`): entries of the same file of the referenced kind, not with a literal value. */
function referencesOf(
  d: ResourceKind,
  fields: Props,
  extra: Props,
  raw: RawEntry[],
  report: (property: string, message: string) => void,
): Record<string, string> {
  const refs: Record<string, string> = {};
  for (const [ref, r] of Object.entries(d.references ?? {})) {
    const target = extra[ref];
    if (typeof target !== "string") continue;
    const names = raw.filter((e) => e.kind.kind === r.kind).map((e) => e.name);
    const where = kindOf(r.kind)?.section.join(".") ?? r.kind;
    if (fields[r.input] !== undefined) {
      report(
        ref,
        `cannot be combined with ${r.input}; allowed: either ${ref} (an ${r.noun} of this file) or ${r.input} (a literal SID)`,
      );
    } else if (!names.includes(target)) {
      report(
        ref,
        `"${target}" is not an ${r.noun} of this file; allowed: ${names.length > 0 ? names.join(", ") : `a name under ${where} (there are none)`}`,
      );
    } else refs[ref] = target;
  }
  return refs;
}
