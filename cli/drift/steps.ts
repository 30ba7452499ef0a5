/**
 * Reading a `pulumi preview --refresh --json`: its steps, and which fields of a resource drift (its
 * live value, the refreshed outputs, differs from what the program asks for, the new inputs).
 *
 * One algorithm, two readers: the drift report (drift/analyse.ts) asks each resource's own diff rules
 * field by field and falls back to {@link differsAsData}; {@link driftOf} (the demo and the end-to-end
 * tests, through scripts/pulumi.ts) compares as data only, so it needs no provider and stays synchronous.
 */
import { isUnknown, type Props } from "../../provider/core/check.js";
import { deepEqual } from "../../provider/core/diff.js";

/** A resource as a preview step shows it. */
export interface ResourceState {
  /** The resource's URN. */
  urn?: string;
  /** The resource's id (the provider's). */
  id?: string;
  /** The resource's type token. */
  type?: string;
  /** The inputs (of `newState`: what the program asks for now; of `oldState`: the last `up`'s). */
  inputs?: Props;
  /** The outputs (of a refreshed `oldState`: the live values). */
  outputs?: Props;
}
/** One step of a preview. */
export interface PreviewStep {
  /** The operation: same, refresh, create, update, replace, delete, ... */
  op: string;
  /** The resource's URN. */
  urn: string;
  /** The resource before the step (after a refresh: as it is live). */
  oldState?: ResourceState;
  /** The resource as the program declares it. */
  newState?: ResourceState;
}
/** The JSON of `pulumi preview --json`. */
export interface PreviewJson {
  /** Every step, in order. */
  steps?: PreviewStep[];
}

/** The resource name of a URN (`support-bangalore`). */
export const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
/** The resource's own type of a URN (its parents' types left off). */
export const urnTypeOf = (urn: string) => (urn.split("::")[2] ?? "").split("$").pop() ?? "";
/** Properties without the engine's own (`__provider`, `__inputs`, ...). */
export const own = (p: Props | undefined): Props =>
  Object.fromEntries(Object.entries(p ?? {}).filter(([k]) => !k.startsWith("__")));

/** Steps that change nothing (the refresh itself, reads, unchanged resources). */
const NO_CHANGE = new Set(["same", "refresh", "read"]);
/** Whether a step would change its resource. */
export const changes = (s: PreviewStep) => !NO_CHANGE.has(s.op);

/** A step's live values (the refreshed outputs) and what the program asks for (the new inputs). */
export function liveAndWanted(s: PreviewStep): { live: Props; wanted: Props } {
  return { live: own(s.oldState?.outputs), wanted: own(s.newState?.inputs) };
}

/** The plain comparison of one field: its live and wanted values differ as data. */
export const differsAsData = (live: Props, wanted: Props, field: string): boolean =>
  !deepEqual(live[field], wanted[field]);

/** One field `up` would change, read off a `pulumi preview --json`. */
export interface Drift {
  /** e.g. `ExoPhone support-bangalore`. */
  resource: string;
  /** The input that differs, or `(whole resource)` for a step that differs in none. */
  field: string;
  /** Its live value. */
  live: unknown;
  /** What the program asks for. */
  wanted: unknown;
  /** The step's operation: update, replace, create, delete, ... */
  op: string;
}

/**
 * The drift a `pulumi preview --refresh --json` found: for each resource `up` would change, the fields
 * whose live value differs from what the program asks for, compared as data (a step that differs in
 * none, such as a create, is one `(whole resource)` row). Dynamic providers cannot name the fields of a
 * diff, so they are read off the steps. Inputs still unknown in a preview (computed from a resource
 * that changes too) are left out.
 */
export function driftOf(previewJson: unknown): Drift[] {
  const drift: Drift[] = [];
  for (const s of ((previewJson as PreviewJson | undefined)?.steps ?? []).filter(changes)) {
    const resource = `${urnTypeOf(s.urn).split(":").pop() ?? ""} ${nameOf(s.urn)}`;
    const { live, wanted } = liveAndWanted(s);
    const fields = Object.keys(wanted).filter(
      (k) => wanted[k] !== undefined && !isUnknown(wanted[k]) && differsAsData(live, wanted, k),
    );
    if (fields.length === 0)
      drift.push({ resource, field: "(whole resource)", live: undefined, wanted: undefined, op: s.op });
    for (const field of fields)
      drift.push({ resource, field, live: live[field], wanted: wanted[field], op: s.op });
  }
  return drift;
}
