/**
 * Declarative diff: each resource lists its fields once, saying which force a replacement and,
 * where "equal" is not plain equality (search criteria the held number still satisfies), how to compare.
 *
 * `olds` are the stored outputs (after a refresh, the live values) under the same keys as the inputs;
 * `news` the checked inputs. A field the program leaves unset is not managed and never differs.
 */
import type * as pulumi from "@pulumi/pulumi";
import { isUnknown, type Props } from "./check.js";

import type { FieldRules } from "./fields.js";

export type { FieldRule, FieldRules } from "./fields.js";

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Props)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Props)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Props)[k], (b as Props)[k]));
}

/** The fields whose new value differs from what is held. */
export function changedFields(olds: Props, news: Props, rules: FieldRules): string[] {
  const changed: string[] = [];
  for (const [field, rule] of Object.entries(rules)) {
    const value = news[field];
    if (value === undefined) continue;
    if (isUnknown(value)) {
      changed.push(field);
      continue;
    }
    const same = rule.satisfied ? rule.satisfied(news, olds) : deepEqual(olds[field], value);
    if (!same) changed.push(field);
  }
  return changed;
}

export function diffWith(olds: Props, news: Props, rules: FieldRules): pulumi.dynamic.DiffResult {
  const changed = changedFields(olds, news, rules);
  const replaces = changed.filter((f) => rules[f]?.replace);
  return {
    changes: changed.length > 0,
    replaces,
    deleteBeforeReplace: replaces.some((f) => rules[f]?.deleteBeforeReplace),
  };
}

/** Some of the fields of `T`, each set to a value (never `undefined`). */
export type Patch<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

/**
 * The update patch: the in-place fields (rules without `replace`) the inputs set, and, given the
 * `current` state, only those whose value differs from it. A field added to the rules as in place is
 * therefore written by update without another list to keep in step.
 */
export function inPlacePatch<T extends object>(rules: FieldRules, inputs: T, current?: Props): Patch<T> {
  const patch: Props = {};
  for (const [field, rule] of Object.entries(rules)) {
    if (rule.replace) continue;
    const value = (inputs as Props)[field];
    if (value === undefined) continue;
    if (current && deepEqual(current[field], value)) continue;
    patch[field] = value;
  }
  return patch as Patch<T>;
}
