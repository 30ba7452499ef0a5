/**
 * Locating problems of an inventory file: the YAML walking that reports each problem at its line and
 * column (keys, duplicates, nested property paths).
 */
import { isMap, isScalar, isSeq, type LineCounter, type Node } from "yaml";
import type { InventoryProblem } from "./inventory-problems.js";

export type Path = (string | number)[];

export function dotted(p: Path): string {
  return p.map(String).join(".") || "(file)";
}

export function describe(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** The problems of one file, each placed at a node's position. */
export class Problems {
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

export interface Pair {
  key: Node;
  keyText: string;
  value: Node | null;
}

/** The pairs of a YAML mapping with scalar keys; reports non-scalar keys and duplicates. */
export function pairsOf(node: Node, where: Path, problems: Problems): Pair[] {
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
export function nodeAt(
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

/** Whether `node` is a mapping; reports it when it is something else (an empty section is no problem). */
export function expectMap(
  node: Node | null,
  where: Path,
  what: string,
  problems: Problems,
  keyNode: Node | null,
): node is Node {
  if (node && isMap(node)) return true;
  if (node === null || (isScalar(node) && node.value === null)) return false; // empty section: nothing declared
  problems.node(node ?? keyNode, where, `must be ${what}, got ${describe(node.toJSON())}`);
  return false;
}
