/**
 * One report over many stacks that share vendor accounts: a number is unmanaged only when no listed
 * stack manages it; a number two resources manage (in two stacks, or twice in one) is a conflict;
 * a vendor account that could not be read is named, never reported as matching.
 */
import { VENDORS, type Vendor } from "../credentials.js";
import type { HeldNumber } from "../inventory.js";
import { hasChanges, type ManagedNumber, type StackReport } from "./analyse.js";
import { type Money, total } from "./money.js";

/** One vendor account as read (or not) for the report. */
export interface AccountReport {
  vendor: Vendor;
  /** e.g. `exotel` or `exotel account 2` when stacks use different accounts of one vendor. */
  label: string;
  /** The stacks whose credentials name this account. */
  stacks: string[];
  /** Why the account was not read (missing or incomplete credentials, an API error). */
  skipped?: string;
  held: number;
  managed: number;
  unmanaged: HeldNumber[];
}

/** A vendor nobody could read that no stack uses: not an error, but not claimed to match either. */
export interface NotRead {
  vendor: Vendor;
  reason: string;
}

export interface Conflict {
  vendor: Vendor;
  number: string;
  managers: { stack: string; resource: string }[];
}

export interface DriftReport {
  stacks: StackReport[];
  /** Stacks read from their state only (their numbers count as managed; no drift check). */
  stateOnly: { stack: string; managed: ManagedNumber[] }[];
  accounts: AccountReport[];
  notRead: NotRead[];
  /** Whether accounts were read at all (`--no-accounts` turns it off). */
  accountsChecked: boolean;
  conflicts: Conflict[];
  /** Numbers `pulumi up` would release, over every stack. */
  releaseCount: number;
  maxReleases?: number;
  rental: Money[];
  rentalChange: Money[];
}

export interface AccountRead {
  vendor: Vendor;
  label: string;
  stacks: string[];
  held?: HeldNumber[];
  skipped?: string;
}

function conflictsOf(managed: ManagedNumber[]): Conflict[] {
  const byNumber = new Map<string, ManagedNumber[]>();
  for (const m of managed) {
    const key = `${m.vendor} ${m.number}`;
    const list = byNumber.get(key) ?? [];
    if (!list.some((x) => x.stack === m.stack && x.resource === m.resource)) list.push(m);
    byNumber.set(key, list);
  }
  const out: Conflict[] = [];
  for (const list of byNumber.values()) {
    if (list.length < 2) continue;
    out.push({
      vendor: list[0]!.vendor,
      number: list[0]!.number,
      managers: list.map((m) => ({ stack: m.stack, resource: m.resource })),
    });
  }
  return out.sort((a, b) => a.number.localeCompare(b.number));
}

function accountReport(read: AccountRead, managed: Set<string>): AccountReport {
  const base = { vendor: read.vendor, label: read.label, stacks: read.stacks };
  if (!read.held) return { ...base, skipped: read.skipped ?? "not read", held: 0, managed: 0, unmanaged: [] };
  const unmanaged = read.held.filter((n) => !managed.has(`${n.vendor} ${n.number}`));
  return { ...base, held: read.held.length, managed: read.held.length - unmanaged.length, unmanaged };
}

/** Joins the stacks' reports with what the accounts hold. */
export function joinReports(input: {
  stacks: StackReport[];
  stateOnly: { stack: string; managed: ManagedNumber[] }[];
  accounts: AccountRead[];
  notRead: NotRead[];
  accountsChecked: boolean;
  maxReleases?: number;
}): DriftReport {
  const all = [...input.stacks.flatMap((s) => s.managed), ...input.stateOnly.flatMap((s) => s.managed)];
  const managed = new Set(all.map((m) => `${m.vendor} ${m.number}`));
  const order = (a: AccountReport, b: AccountReport) =>
    VENDORS.indexOf(a.vendor) - VENDORS.indexOf(b.vendor) || a.label.localeCompare(b.label);
  return {
    stacks: input.stacks,
    stateOnly: input.stateOnly,
    accounts: input.accounts.map((r) => accountReport(r, managed)).sort(order),
    notRead: input.notRead,
    accountsChecked: input.accountsChecked,
    conflicts: conflictsOf(all),
    releaseCount: input.stacks.reduce((n, s) => n + s.releases.reduce((m, r) => m + r.numbers.length, 0), 0),
    ...(input.maxReleases !== undefined && { maxReleases: input.maxReleases }),
    rental: total(input.stacks.map((s) => s.rental)),
    rentalChange: total(input.stacks.map((s) => s.rentalChange)),
  };
}

/** Exit codes of `phone-numbers drift-report` (README, "Exit codes"). */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  /** A vendor account the stacks use (or with incomplete credentials) was not read. */
  notChecked: 6,
  /** Drift, or any change `pulumi up` would make. */
  changes: 7,
  /** A number managed by two resources (two stacks, or twice in one). */
  conflict: 8,
  /** `pulumi up` would release more numbers than `--max-releases` allows. */
  tooManyReleases: 9,
} as const;

export const hasAnyChanges = (r: DriftReport) => r.stacks.some(hasChanges);
export const tooManyReleases = (r: DriftReport) =>
  r.maxReleases !== undefined && r.releaseCount > r.maxReleases;

/** The exit code of a report: the most severe finding wins (9, 8, 7, then 6). */
export function exitCodeOf(r: DriftReport): number {
  if (tooManyReleases(r)) return EXIT.tooManyReleases;
  if (r.conflicts.length > 0) return EXIT.conflict;
  if (hasAnyChanges(r)) return EXIT.changes;
  if (r.accounts.some((a) => a.skipped)) return EXIT.notChecked;
  return EXIT.ok;
}
