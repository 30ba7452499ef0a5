/**
 * What one stack's `pulumi preview --refresh --json` says about its numbers: fields changed outside
 * Pulumi, numbers released by hand, pending Plivo orders, and what an `up` would rent, adopt and
 * release with the monthly rental change. Nothing of a resource's state is kept but those fields
 * (the JSON holds each resource's `__provider` text).
 */
import { isUnknown, type Props } from "../../provider/core/check.js";
import { deepEqual } from "../../provider/core/diff.js";
import { ALL_KINDS, type ResourceKind, TYPE_PREFIX, type Vendor } from "../../provider/registry.js";
import type { HeldNumber } from "../inventory.js";
import { add, formatMoney as formatMicros, type Money, micros } from "./money.js";
import {
  differsAsData,
  liveAndWanted,
  nameOf,
  own,
  type PreviewJson,
  type PreviewStep,
  type ResourceState,
  urnTypeOf,
} from "./steps.js";

export { nameOf, type PreviewJson, type PreviewStep, type ResourceState } from "./steps.js";

/** The registered kinds by their type name (`ExoPhone`), as the state and the preview spell them. */
const BY_TYPE: ReadonlyMap<string, ResourceKind> = new Map(ALL_KINDS.map((k) => [k.typeName, k]));
/** The descriptor of a type name {@link typeOfState} returned. */
const kindOfType = (type: string): ResourceKind => BY_TYPE.get(type)!;
/** The vendor of a type name {@link typeOfState} returned. */
const vendorOf = (type: string): Vendor => kindOfType(type).vendor;

export { TYPE_PREFIX };

export interface DriftRow {
  stack: string;
  resource: string;
  type: string;
  number: string;
  field: string;
  git: unknown;
  live: unknown;
  /** The file changed since the last `up` (not a change made outside Pulumi). */
  editedInGit: boolean;
}
export interface NumberRow {
  stack: string;
  resource: string;
  type: string;
  numbers: string[];
  vendor: Vendor;
  monthlyRental?: string;
  currency?: string;
  detail?: string;
}
/** A number a stack's state holds, and the resource holding it. */
export interface ManagedNumber {
  vendor: Vendor;
  number: string;
  stack: string;
  resource: string;
}
export interface StackReport {
  stack: string;
  /** The JSON came from a preview with --refresh (otherwise unchanged resources are invisible). */
  refreshed: boolean;
  drift: DriftRow[];
  released: NumberRow[];
  pendingOrders: NumberRow[];
  purchases: NumberRow[];
  adoptions: NumberRow[];
  /** Numbers `pulumi up` would release: removed entries, replaced numbers, Plivo orders shrunk. */
  releases: NumberRow[];
  otherChanges: { stack: string; resource: string; type: string; op: string }[];
  managed: ManagedNumber[];
  vendors: Vendor[];
  rental: Money[];
  rentalUnknown: string[];
  rentalChange: Money[];
  changeUnknown: string[];
}

export function typeOfState(type: string | undefined): string | undefined {
  const t = type ?? "";
  return t.startsWith(TYPE_PREFIX) && BY_TYPE.has(t.slice(TYPE_PREFIX.length))
    ? t.slice(TYPE_PREFIX.length)
    : undefined;
}
function typeOf(s: PreviewStep): string | undefined {
  return typeOfState(s.newState?.type ?? s.oldState?.type ?? urnTypeOf(s.urn));
}

/** The numbers a resource's outputs hold: its kind's number output, and a Plivo order's pending ones. */
export function numbersOf(type: string, outputs: Props | undefined): string[] {
  const o = outputs ?? {};
  const numberOutput = BY_TYPE.get(type)?.numberOutput;
  if (numberOutput === undefined) return [];
  const pending = type === "PlivoNumberOrder" && Array.isArray(o.pendingNumbers) ? o.pendingNumbers : [];
  return [o[numberOutput], pending].flat().filter((n): n is string => typeof n === "string");
}

/** The numbers a stack's state holds (from `pulumi stack export` or the preview's refresh steps). */
export function managedOf(stack: string, resources: ResourceState[]): ManagedNumber[] {
  const out: ManagedNumber[] = [];
  for (const r of resources) {
    const type = typeOfState(r.type);
    if (!type || !r.urn) continue;
    for (const number of numbersOf(type, r.outputs))
      out.push({ vendor: vendorOf(type), number, stack, resource: nameOf(r.urn) });
  }
  return out;
}

/**
 * Fields whose value in git differs from the live value, decided by the resource's own diff rules
 * (asked one field at a time); where they cannot decide, compared as data (steps.ts).
 */
async function driftedFields(type: string, id: string, live: Props, git: Props): Promise<string[]> {
  const { kind } = kindOfType(type);
  const { provider } = await import("../../provider/index.js");
  const out: string[] = [];
  for (const [field, value] of Object.entries(git)) {
    if (field === "adopt") continue;
    let changed: boolean;
    try {
      changed = (await provider(kind).diff(id, live, { [field]: value })).changes === true;
    } catch {
      changed = differsAsData(live, git, field);
    }
    if (changed) out.push(field);
  }
  return out;
}

/** Inputs that route or name a number (left out of a summary of what an entry searches for). */
const ROUTING = new Set([
  "friendlyName",
  "voiceUrl",
  "smsUrl",
  "alias",
  "appId",
  "name",
  "callAppSid",
  "msgAppSid",
  "mode",
  "controller",
  "method",
  "events",
]);

/** `ExoPhone (region KA)`: the search criteria of an entry. */
export function summary(type: string, inputs: Props | undefined): string {
  const parts = Object.entries(own(inputs))
    .filter(([k, v]) => !ROUTING.has(k) && v !== undefined)
    .map(
      ([k, v]) => `${k} ${Array.isArray(v) ? v.join(",") : isUnknown(v) ? "(known after up)" : String(v)}`,
    );
  return `${type}${parts.length ? ` (${parts.join(", ")})` : ""}`;
}

/** Analysis state of one stack. */
class StackAnalysis {
  readonly report: StackReport;
  /** What the stack held before this preview (the refresh steps carry the stored state). */
  readonly stored = new Map<string, ResourceState>();
  readonly gone = new Set<string>();

  constructor(
    stack: string,
    steps: PreviewStep[],
    private readonly prices: Map<string, HeldNumber>,
  ) {
    this.report = {
      stack,
      refreshed: steps.some((s) => s.op === "refresh"),
      drift: [],
      released: [],
      pendingOrders: [],
      purchases: [],
      adoptions: [],
      releases: [],
      otherChanges: [],
      managed: [],
      vendors: [],
      rental: [],
      rentalUnknown: [],
      rentalChange: [],
      changeUnknown: [],
    };
    for (const s of steps) if (s.op === "refresh" && s.oldState?.id) this.stored.set(s.urn, s.oldState);
  }

  /** Monthly rental of a resource's numbers: its own outputs, else the account's list prices. */
  rentalOf(
    type: string,
    outputs: Props | undefined,
    only?: string[],
  ): { currency?: string; micros?: number } {
    const o = outputs ?? {};
    if (!only && typeof o.monthlyRental === "string" && typeof o.currency === "string") {
      const m = micros(o.monthlyRental);
      if (m !== undefined) return { currency: o.currency, micros: m };
    }
    const nums = only ?? numbersOf(type, outputs);
    const prices = nums.map((n) => this.prices.get(n));
    const currency = prices[0]?.currency;
    if (nums.length === 0 || !prices.every((p) => p?.monthlyRental !== undefined && p.currency === currency))
      return {};
    return {
      currency: currency!,
      micros: prices.reduce((acc, p) => acc + (micros(p!.monthlyRental!) ?? 0), 0),
    };
  }

  row(
    s: PreviewStep,
    type: string,
    state: ResourceState | undefined,
    detail?: string,
    only?: string[],
  ): NumberRow {
    const r = this.rentalOf(type, state?.outputs, only);
    return {
      stack: this.report.stack,
      resource: nameOf(s.urn),
      type,
      numbers: only ?? numbersOf(type, state?.outputs),
      vendor: vendorOf(type),
      ...(r.micros !== undefined && { monthlyRental: formatMicros(r.micros), currency: r.currency! }),
      ...(detail !== undefined && { detail }),
    };
  }

  /** A release `up` would make, and its effect on the monthly rental. */
  release(row: NumberRow): void {
    this.report.releases.push(row);
    const m = row.monthlyRental === undefined ? undefined : micros(row.monthlyRental);
    if (m !== undefined && row.currency) add(this.report.rentalChange, row.vendor, row.currency, -m);
    else if (row.type !== "ApifonicaApplication")
      this.report.changeUnknown.push(`${row.resource} (release, price unknown)`);
  }
}

async function onUpdate(a: StackAnalysis, s: PreviewStep, type: string): Promise<void> {
  const { live, wanted: git } = liveAndWanted(s);
  const lastApplied = own(s.oldState?.inputs);
  let fields = await driftedFields(type, s.oldState?.id ?? "", live, git);
  if (type === "PlivoNumberOrder") {
    if (live.status === "pending") {
      a.report.pendingOrders.push(a.row(s, type, s.oldState, pendingDetail(live)));
      // The quantity "change" of a pending order is the wait for the vendor, not drift.
      if (live.quantity === git.quantity) fields = fields.filter((f) => f !== "quantity");
    }
    plivoResize(a, s, live, git);
  }
  const number = numbersOf(type, s.oldState?.outputs).join(", ") || "-";
  for (const field of fields) {
    a.report.drift.push({
      stack: a.report.stack,
      resource: nameOf(s.urn),
      type,
      number,
      field,
      git: git[field],
      live: live[field] ?? null,
      editedInGit: !deepEqual(lastApplied[field], git[field]),
    });
  }
}

function pendingDetail(live: Props): string {
  const count = Array.isArray(live.pendingOrders)
    ? (live.pendingOrders as { quantity?: number }[]).reduce((acc, o) => acc + (o.quantity ?? 0), 0)
    : 0;
  const details = typeof live.pendingDetails === "string" ? `: ${live.pendingDetails}` : "";
  return `${count || "some"} number(s) still to come from Plivo${details}`;
}

/** A Plivo order whose `numbers` lose members or whose `quantity` drops releases numbers in place. */
function plivoResize(a: StackAnalysis, s: PreviewStep, live: Props, git: Props): void {
  const held = Array.isArray(live.numbers) ? (live.numbers as string[]) : [];
  let released: string[] = [];
  let added = 0;
  if (Array.isArray(git.numbers) && git.numbers.every((n) => typeof n === "string")) {
    const wanted = new Set((git.numbers as string[]).map((n) => n.replace(/^\+?/, "+")));
    released = held.filter((n) => !wanted.has(n));
    added = [...wanted].filter((n) => !held.includes(n)).length;
  } else if (typeof git.quantity === "number" && live.status !== "pending") {
    // Lowering quantity releases the most recently added numbers first (the end of the list).
    released = held.length > git.quantity ? held.slice(git.quantity) : [];
    added = Math.max(0, git.quantity - held.length);
  }
  if (released.length > 0)
    a.release(
      a.row(s, "PlivoNumberOrder", s.oldState, "dropped from the order: `pulumi up` releases it", released),
    );
  if (added > 0) {
    a.report.purchases.push({
      ...a.row(s, "PlivoNumberOrder", undefined, `${added} more number(s) for the order`),
      numbers: [],
    });
    a.report.changeUnknown.push(`${nameOf(s.urn)} (${added} more number(s))`);
  }
}

function onCreate(a: StackAnalysis, s: PreviewStep, type: string): void {
  const name = nameOf(s.urn);
  const before = a.stored.get(s.urn);
  const inputs = own(s.newState?.inputs);
  if (before) {
    a.gone.add(s.urn);
    a.report.released.push(
      a.row(s, type, before, "released outside Pulumi; `pulumi up` rents a replacement"),
    );
    if (type !== "ApifonicaApplication")
      a.report.changeUnknown.push(`${name} (replacement of a released number)`);
  } else if (type === "ApifonicaApplication") {
    a.report.otherChanges.push({ stack: a.report.stack, resource: name, type, op: "create" });
  } else if (inputs.adopt === true) {
    // Adoption takes over a number the account already rents: nothing is bought.
    const exact = [
      inputs.phoneNumber,
      inputs.number,
      ...(Array.isArray(inputs.numbers) ? inputs.numbers : []),
    ];
    const numbers = exact
      .filter((n): n is string => typeof n === "string")
      .map((n) => n.replace(/^\+?/, "+"));
    const row = a.row(s, type, undefined, "adopts a number the account rents: nothing is bought", numbers);
    a.report.adoptions.push(row);
  } else {
    const row: NumberRow = {
      stack: a.report.stack,
      resource: name,
      type,
      numbers: [],
      vendor: vendorOf(type),
    };
    a.report.purchases.push({ ...row, detail: summary(type, s.newState?.inputs) });
    a.report.changeUnknown.push(`${name} (new entry)`);
  }
}

async function onStep(a: StackAnalysis, s: PreviewStep): Promise<void> {
  const type = typeOf(s);
  if (!type) return;
  const name = nameOf(s.urn);
  if (s.op === "update") await onUpdate(a, s, type);
  else if (s.op === "create") onCreate(a, s, type);
  else if (s.op === "delete") {
    if (type === "ApifonicaApplication")
      a.report.otherChanges.push({ stack: a.report.stack, resource: name, type, op: "delete" });
    else a.release(a.row(s, type, s.oldState, "removed from the file: `pulumi up` releases it"));
  } else if (s.op === "replace") {
    const detail = `no longer matches the file: \`pulumi up\` rents a new number and releases this one (${summary(type, s.newState?.inputs)})`;
    if (type === "ApifonicaApplication")
      a.report.otherChanges.push({ stack: a.report.stack, resource: name, type, op: "replace" });
    else {
      a.release(a.row(s, type, s.oldState, detail));
      a.report.purchases.push({ ...a.row(s, type, undefined, `replacement for ${name}`), numbers: [] });
      a.report.changeUnknown.push(`${name} (replacement number)`);
    }
  } else if (!["same", "refresh", "read", "delete-replaced", "create-replacement"].includes(s.op)) {
    a.report.otherChanges.push({ stack: a.report.stack, resource: name, type, op: s.op });
  }
}

/** Analyses one stack's preview; `prices` answers rentals the state does not carry. */
export async function analyseStack(
  stack: string,
  preview: PreviewJson,
  prices: Map<string, HeldNumber> = new Map(),
): Promise<StackReport> {
  const steps = preview.steps ?? [];
  const a = new StackAnalysis(stack, steps, prices);
  for (const s of steps) await onStep(a, s);
  // What the stack holds now (numbers released by hand are no longer held or billed).
  const current = [...a.stored].filter(([urn]) => !a.gone.has(urn)).map(([urn, st]) => ({ ...st, urn }));
  a.report.managed = managedOf(stack, current);
  for (const st of current) {
    const type = typeOfState(st.type);
    if (!type) continue;
    if (!a.report.vendors.includes(vendorOf(type))) a.report.vendors.push(vendorOf(type));
    if (type === "ApifonicaApplication") continue;
    const r = a.rentalOf(type, st.outputs);
    if (r.micros !== undefined && r.currency) add(a.report.rental, vendorOf(type), r.currency, r.micros);
    else a.report.rentalUnknown.push(nameOf(st.urn));
  }
  for (const s of steps) {
    const type = typeOf(s);
    if (type && s.op === "create" && !a.report.vendors.includes(vendorOf(type)))
      a.report.vendors.push(vendorOf(type));
  }
  return a.report;
}

/** The vendors whose resources a preview shows (in state or to be created). */
export function vendorsOfPreview(preview: PreviewJson): Vendor[] {
  const out = new Set<Vendor>();
  for (const s of preview.steps ?? []) {
    const type = typeOf(s);
    if (type) out.add(vendorOf(type));
  }
  return [...out];
}

/** Whether `pulumi up` would change anything (Plivo orders only waiting for the vendor excepted). */
export function hasChanges(r: StackReport): boolean {
  return (
    r.drift.length +
      r.released.length +
      r.purchases.length +
      r.adoptions.length +
      r.releases.length +
      r.otherChanges.length >
    0
  );
}
