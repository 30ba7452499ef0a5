/**
 * `phone-numbers drift-report`: what a scheduled CI job needs to know about a stack of numbers.
 *
 * Reads the JSON of `pulumi preview --refresh --json` (from a file, or by running it) and reports:
 * fields whose live value differs from git (resource, number, field, value in git, live value),
 * numbers released outside Pulumi, Plivo orders still waiting for the vendor, proposed purchases and
 * releases; then the numbers each configured vendor account holds that the stack does not manage,
 * with the share under management and the `inventory export` line that adopts them; and last the
 * inventory's monthly rental by vendor and currency, with the change a pending `up` would make.
 *
 * Exit codes: 0 nothing to do (Plivo orders only waiting for the vendor do not count), 7 drift or
 * any change `pulumi up` would make, 2 usage, 1 any other error.
 *
 * The preview JSON holds each resource's `__provider` text and state; nothing is printed from it but
 * the fields listed above, and the whole output passes through the credential redactor.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { isUnknown, type Props } from "../provider/core/check.js";
import {
  apifonicaSettings,
  exotelSettings,
  MissingConfigError,
  plivoSettings,
} from "../provider/core/config.js";
import { deepEqual } from "../provider/core/diff.js";
import { basicAuthSecrets, redactor } from "../provider/core/redact.js";
import { provider } from "../provider/index.js";
import { type HeldNumber, type Io, listHeldNumbers, processIo, VENDORS, type Vendor } from "./inventory.js";

export const EXIT_DRIFT = 7;

const KINDS: Record<string, { kind: string; vendor: Vendor; label: string }> = {
  ExoPhone: { kind: "exophone", vendor: "exotel", label: "ExoPhone" },
  PlivoNumberOrder: { kind: "plivo-number-order", vendor: "plivo", label: "PlivoNumberOrder" },
  ApifonicaNumber: { kind: "apifonica-number", vendor: "apifonica", label: "ApifonicaNumber" },
  ApifonicaApplication: { kind: "apifonica-application", vendor: "apifonica", label: "ApifonicaApplication" },
};
const TYPE_PREFIX = "pulumi-nodejs:dynamic/phone-numbers:";

interface ResourceState {
  urn?: string;
  id?: string;
  type?: string;
  inputs?: Props;
  outputs?: Props;
}
interface PreviewStep {
  op: string;
  urn: string;
  oldState?: ResourceState;
  newState?: ResourceState;
}
export interface PreviewJson {
  steps?: PreviewStep[];
  diagnostics?: { message?: string; severity?: string }[];
}

export interface DriftRow {
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
  resource: string;
  type: string;
  numbers: string[];
  monthlyRental?: string;
  currency?: string;
  vendor: Vendor;
  detail?: string;
}
export interface UnmanagedReport {
  vendor: Vendor;
  /** Why the account was not read (no credentials, an API error). */
  skipped?: string;
  held: number;
  managed: number;
  unmanaged: HeldNumber[];
}
export interface Money {
  vendor: Vendor;
  currency: string;
  /** In millionths. */
  micros: number;
}
export interface DriftReport {
  drift: DriftRow[];
  released: NumberRow[];
  pendingOrders: NumberRow[];
  purchases: NumberRow[];
  releases: NumberRow[];
  replacements: NumberRow[];
  otherChanges: { resource: string; type: string; op: string }[];
  unmanaged: UnmanagedReport[];
  rental: Money[];
  rentalUnknown: string[];
  rentalChange: Money[];
  changeUnknown: string[];
  /** Whether the JSON came from a preview with --refresh (otherwise unchanged resources are invisible). */
  refreshed: boolean;
}

const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
const typeOf = (s: PreviewStep) => {
  const t = s.newState?.type ?? s.oldState?.type ?? urnType(s.urn);
  return t.startsWith(TYPE_PREFIX) ? t.slice(TYPE_PREFIX.length) : undefined;
};
function urnType(urn: string): string {
  const parts = urn.split("::");
  return (parts[2] ?? "").split("$").pop() ?? "";
}
const own = (p: Props | undefined): Props =>
  Object.fromEntries(Object.entries(p ?? {}).filter(([k]) => !k.startsWith("__")));

function numbersOf(type: string, outputs: Props | undefined): string[] {
  const o = outputs ?? {};
  if (type === "ExoPhone") return typeof o.phoneNumber === "string" ? [o.phoneNumber] : [];
  if (type === "ApifonicaNumber") return typeof o.number === "string" ? [o.number] : [];
  if (type === "PlivoNumberOrder") {
    return [
      ...(Array.isArray(o.numbers) ? o.numbers : []),
      ...(Array.isArray(o.pendingNumbers) ? o.pendingNumbers : []),
    ].filter((n): n is string => typeof n === "string");
  }
  return [];
}

/** Sum of decimal strings in millionths (exact for the vendors' 2 to 6 decimals). */
function micros(amount: string): number | undefined {
  if (!/^-?\d+(\.\d+)?$/.test(amount.trim())) return undefined;
  return Math.round(Number(amount) * 1_000_000);
}
export function formatMoney(m: number): string {
  const sign = m < 0 ? "-" : "";
  return `${sign}${(Math.abs(m) / 1_000_000).toFixed(2)}`;
}
function add(list: Money[], vendor: Vendor, currency: string, amount: number): void {
  const found = list.find((m) => m.vendor === vendor && m.currency === currency);
  if (found) found.micros += amount;
  else list.push({ vendor, currency, micros: amount });
}

/** Fields whose value in git differs from the live value, decided by the resource's own diff rules. */
async function driftedFields(type: string, id: string, live: Props, git: Props): Promise<string[]> {
  const kind = KINDS[type]!.kind;
  const out: string[] = [];
  for (const [field, value] of Object.entries(own(git))) {
    if (field === "adopt") continue;
    let changed: boolean;
    try {
      const d = await provider(kind).diff(id, live, { [field]: value });
      changed = d.changes === true;
    } catch {
      changed = !deepEqual(live[field], value);
    }
    if (changed) out.push(field);
  }
  return out;
}

function summary(type: string, inputs: Props | undefined): string {
  const i = own(inputs);
  const parts = Object.entries(i)
    .filter(
      ([k, v]) =>
        ![
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
        ].includes(k) && v !== undefined,
    )
    .map(
      ([k, v]) => `${k} ${Array.isArray(v) ? v.join(",") : isUnknown(v) ? "(known after up)" : String(v)}`,
    );
  return `${type}${parts.length ? ` (${parts.join(", ")})` : ""}`;
}

/** Builds the report from preview JSON and the account holdings (undefined: not read). */
export async function analyzePreview(
  preview: PreviewJson,
  held: Partial<Record<Vendor, HeldNumber[] | { skipped: string }>> = {},
): Promise<DriftReport> {
  const steps = preview.steps ?? [];
  const report: DriftReport = {
    drift: [],
    released: [],
    pendingOrders: [],
    purchases: [],
    releases: [],
    replacements: [],
    otherChanges: [],
    unmanaged: [],
    rental: [],
    rentalUnknown: [],
    rentalChange: [],
    changeUnknown: [],
    refreshed: steps.some((s) => s.op === "refresh"),
  };
  // What the stack held before this preview (the refresh steps carry the stored state).
  const stored = new Map<string, ResourceState>();
  for (const s of steps) if (s.op === "refresh" && s.oldState && s.oldState.id) stored.set(s.urn, s.oldState);
  // Live values after the refresh, where the preview shows them (steps with changes).
  const gone = new Set<string>();
  const priceOf = new Map<string, HeldNumber>();
  for (const list of Object.values(held))
    if (Array.isArray(list)) for (const h of list) priceOf.set(h.number, h);

  const rentalOf = (
    type: string,
    outputs: Props | undefined,
  ): { vendor: Vendor; currency?: string; micros?: number } => {
    const vendor = KINDS[type]!.vendor;
    const o = outputs ?? {};
    if (typeof o.monthlyRental === "string" && typeof o.currency === "string") {
      const m = micros(o.monthlyRental);
      if (m !== undefined) return { vendor, currency: o.currency, micros: m };
    }
    // ApifonicaNumber states no price (yet): take the account's /balance/numbers price when read.
    const nums = numbersOf(type, outputs);
    const prices = nums.map((n) => priceOf.get(n));
    if (
      nums.length > 0 &&
      prices.every((p) => p?.monthlyRental !== undefined && p.currency === prices[0]?.currency)
    ) {
      const total = prices.reduce((acc, p) => acc + (micros(p!.monthlyRental!) ?? 0), 0);
      return { vendor, currency: prices[0]!.currency!, micros: total };
    }
    return { vendor };
  };

  const rowOf = (
    s: PreviewStep,
    type: string,
    state: ResourceState | undefined,
    detail?: string,
  ): NumberRow => {
    const r = rentalOf(type, state?.outputs);
    return {
      resource: nameOf(s.urn),
      type,
      numbers: numbersOf(type, state?.outputs),
      vendor: r.vendor,
      ...(r.micros !== undefined && { monthlyRental: formatMoney(r.micros), currency: r.currency! }),
      ...(detail !== undefined && { detail }),
    };
  };

  for (const s of steps) {
    const type = typeOf(s);
    if (!type || !KINDS[type]) continue;
    const name = nameOf(s.urn);
    const before = stored.get(s.urn);
    if (s.op === "update") {
      const live = own(s.oldState?.outputs);
      const git = own(s.newState?.inputs);
      const lastApplied = own(s.oldState?.inputs);
      let fields = await driftedFields(type, s.oldState?.id ?? "", live, git);
      if (type === "PlivoNumberOrder" && live.status === "pending") {
        const pendingCount = Array.isArray(live.pendingOrders)
          ? (live.pendingOrders as { quantity?: number }[]).reduce((a, o) => a + (o.quantity ?? 0), 0)
          : 0;
        report.pendingOrders.push(
          rowOf(
            s,
            type,
            s.oldState,
            `${pendingCount || "some"} number(s) still to come from Plivo${typeof live.pendingDetails === "string" ? `: ${live.pendingDetails}` : ""}`,
          ),
        );
        // The quantity "change" of a pending order is the wait for the vendor, not drift.
        if (live.quantity === git.quantity) fields = fields.filter((f) => f !== "quantity");
      }
      const number = numbersOf(type, s.oldState?.outputs).join(", ") || "-";
      for (const field of fields) {
        report.drift.push({
          resource: name,
          type,
          number,
          field,
          git: git[field],
          live: live[field] ?? null,
          editedInGit: !deepEqual(lastApplied[field], git[field]),
        });
      }
    } else if (s.op === "create") {
      if (before) {
        gone.add(s.urn);
        report.released.push(
          rowOf(s, type, before, "released outside Pulumi; `pulumi up` rents a replacement"),
        );
        if (type !== "ApifonicaApplication")
          report.changeUnknown.push(`${name} (replacement of a released number)`);
      } else if (type === "ApifonicaApplication") {
        report.otherChanges.push({ resource: name, type, op: "create" });
      } else {
        report.purchases.push({
          resource: name,
          type,
          numbers: [],
          vendor: KINDS[type]!.vendor,
          detail: summary(type, s.newState?.inputs),
        });
        report.changeUnknown.push(`${name} (new entry)`);
      }
    } else if (s.op === "delete" || s.op === "delete-replaced") {
      if (s.op === "delete") {
        const row = rowOf(s, type, s.oldState, "removed from the file; `pulumi up` releases it");
        report.releases.push(row);
        const r = rentalOf(type, s.oldState?.outputs);
        if (r.micros !== undefined && r.currency) add(report.rentalChange, r.vendor, r.currency, -r.micros);
        else if (type !== "ApifonicaApplication")
          report.changeUnknown.push(`${name} (release, price unknown)`);
      }
    } else if (s.op === "replace" || s.op === "create-replacement") {
      if (s.op === "replace") {
        report.replacements.push(
          rowOf(
            s,
            type,
            s.oldState,
            `no longer matches the file: \`pulumi up\` rents a new number and releases this one (${summary(type, s.newState?.inputs)})`,
          ),
        );
        const r = rentalOf(type, s.oldState?.outputs);
        if (r.micros !== undefined && r.currency) add(report.rentalChange, r.vendor, r.currency, -r.micros);
        report.changeUnknown.push(`${name} (replacement number)`);
      }
    } else if (s.op !== "same" && s.op !== "refresh" && s.op !== "read") {
      report.otherChanges.push({ resource: name, type, op: s.op });
    }
  }

  // The monthly rental of what the stack holds now (released numbers are no longer billed).
  const managed = new Set<string>();
  for (const [urn, state] of stored) {
    const type = (state.type ?? "").slice(TYPE_PREFIX.length);
    if (!KINDS[type] || gone.has(urn)) continue;
    for (const n of numbersOf(type, state.outputs)) managed.add(n);
    if (type === "ApifonicaApplication") continue;
    const r = rentalOf(type, state.outputs);
    if (r.micros !== undefined && r.currency) add(report.rental, r.vendor, r.currency, r.micros);
    else report.rentalUnknown.push(nameOf(urn));
  }
  for (const vendor of VENDORS) {
    const h = held[vendor];
    if (h === undefined) continue;
    if (!Array.isArray(h)) {
      report.unmanaged.push({ vendor, skipped: h.skipped, held: 0, managed: 0, unmanaged: [] });
      continue;
    }
    const unmanaged = h.filter((n) => !managed.has(n.number));
    report.unmanaged.push({ vendor, held: h.length, managed: h.length - unmanaged.length, unmanaged });
  }
  const order = (a: Money, b: Money) =>
    VENDORS.indexOf(a.vendor) - VENDORS.indexOf(b.vendor) || a.currency.localeCompare(b.currency);
  report.rental.sort(order);
  report.rentalChange.sort(order);
  return report;
}

/** Whether `pulumi up` would change anything (Plivo orders only waiting for the vendor excepted). */
export function hasDrift(r: DriftReport): boolean {
  return (
    r.drift.length +
      r.released.length +
      r.purchases.length +
      r.releases.length +
      r.replacements.length +
      r.otherChanges.length >
    0
  );
}

function show(v: unknown): string {
  if (v === null || v === undefined) return "(unset)";
  if (isUnknown(v)) return "(known after up)";
  if (typeof v === "string") return JSON.stringify(v);
  return JSON.stringify(v);
}

export function exportLine(u: UnmanagedReport): string {
  const numbers = u.unmanaged.map((n) => n.number).join(",");
  return `phone-numbers inventory export --vendor ${u.vendor} --only ${numbers} --out adopt-${u.vendor}.yaml`;
}

const share = (u: UnmanagedReport) => (u.held === 0 ? "100" : ((100 * u.managed) / u.held).toFixed(0));
const money = (list: Money[]) =>
  list.map((m) => `${m.vendor} ${formatMoney(m.micros)} ${m.currency}`).join("; ");

export function renderText(r: DriftReport): string {
  const lines: string[] = [];
  if (!r.refreshed)
    lines.push("warning: the preview was not run with --refresh: drift made outside Pulumi is invisible");
  for (const d of r.drift) {
    lines.push(
      `drift: ${d.resource} ${d.number} ${d.field}: git ${show(d.git)}, live ${show(d.live)}${d.editedInGit ? " (edited in git, not applied yet)" : ""}`,
    );
  }
  for (const x of r.released)
    lines.push(`released: ${x.resource} ${x.numbers.join(", ") || "-"}: ${x.detail}`);
  for (const x of r.pendingOrders)
    lines.push(`pending: ${x.resource} ${x.numbers.join(", ") || "(none yet)"}: ${x.detail}`);
  for (const x of r.purchases) lines.push(`purchase: ${x.resource}: ${x.detail}; price unknown until bought`);
  for (const x of r.releases) {
    lines.push(
      `release: ${x.resource} ${x.numbers.join(", ")}: ${x.detail}${x.monthlyRental ? ` (-${x.monthlyRental} ${x.currency}/month)` : ""}`,
    );
  }
  for (const x of r.replacements) lines.push(`replace: ${x.resource} ${x.numbers.join(", ")}: ${x.detail}`);
  for (const x of r.otherChanges) lines.push(`change: ${x.resource} (${x.type}): ${x.op}`);
  if (!hasDrift(r) && r.pendingOrders.length === 0)
    lines.push("no drift: the stack matches the file and the vendor accounts");
  for (const u of r.unmanaged) {
    if (u.skipped) {
      lines.push(`unmanaged ${u.vendor}: not checked (${u.skipped})`);
      continue;
    }
    lines.push(
      `unmanaged ${u.vendor}: ${u.unmanaged.length} of ${u.held} held number(s) not in the stack (${share(u)}% under management)${u.unmanaged.length ? `: ${u.unmanaged.map((n) => n.number).join(", ")}` : ""}`,
    );
    if (u.unmanaged.length) lines.push(`  adopt them: ${exportLine(u)}`);
  }
  lines.push(
    `monthly rental: ${money(r.rental) || "none"}${r.rentalUnknown.length ? `; unknown: ${r.rentalUnknown.join(", ")}` : ""}`,
  );
  if (hasDrift(r)) {
    lines.push(
      `after pulumi up: ${money(r.rentalChange) || "no known change"}${r.changeUnknown.length ? `; unknown: ${r.changeUnknown.join(", ")}` : ""}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

const cell = (v: string) => v.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function renderMarkdown(r: DriftReport): string {
  const out: string[] = ["## Phone number drift report", ""];
  if (!r.refreshed)
    out.push(
      "> **Warning:** the preview was not run with `--refresh`: drift made outside Pulumi is invisible.",
      "",
    );
  out.push(
    hasDrift(r)
      ? "**Drift found:** `pulumi up` would change the numbers below."
      : "**No drift:** the stack matches the file and the vendor accounts.",
    "",
  );
  if (r.drift.length) {
    out.push(
      "### Changed fields",
      "",
      "| Resource | Number | Field | Value in git | Live value |",
      "| --- | --- | --- | --- | --- |",
    );
    for (const d of r.drift) {
      out.push(
        `| ${cell(d.resource)} | ${cell(d.number)} | ${cell(d.field)}${d.editedInGit ? " (edited in git)" : ""} | ${cell(show(d.git))} | ${cell(show(d.live))} |`,
      );
    }
    out.push("");
  }
  const numberTable = (title: string, rows: NumberRow[], price: boolean) => {
    if (!rows.length) return;
    out.push(
      `### ${title}`,
      "",
      "| Resource | Type | Numbers | Monthly rental | Note |",
      "| --- | --- | --- | --- | --- |",
    );
    for (const x of rows) {
      const rent = price && x.monthlyRental ? `${x.monthlyRental} ${x.currency}` : price ? "unknown" : "-";
      out.push(
        `| ${cell(x.resource)} | ${x.type} | ${cell(x.numbers.join(", ") || "-")} | ${rent} | ${cell(x.detail ?? "")} |`,
      );
    }
    out.push("");
  };
  numberTable("Released outside Pulumi", r.released, true);
  numberTable("Pending Plivo orders", r.pendingOrders, true);
  numberTable("Proposed purchases", r.purchases, true);
  numberTable("Proposed releases", r.releases, true);
  numberTable("Replacements", r.replacements, true);
  if (r.otherChanges.length) {
    out.push("### Other changes", "", "| Resource | Type | Operation |", "| --- | --- | --- |");
    for (const x of r.otherChanges) out.push(`| ${cell(x.resource)} | ${x.type} | ${x.op} |`);
    out.push("");
  }
  if (r.unmanaged.length) {
    out.push(
      "### Numbers the accounts hold outside the stack",
      "",
      "| Vendor | Held | Managed | Share | Unmanaged numbers |",
      "| --- | --- | --- | --- | --- |",
    );
    for (const u of r.unmanaged) {
      if (u.skipped) out.push(`| ${u.vendor} | - | - | - | not checked: ${cell(u.skipped)} |`);
      else
        out.push(
          `| ${u.vendor} | ${u.held} | ${u.managed} | ${share(u)}% | ${cell(u.unmanaged.map((n) => `${n.number}${n.monthlyRental ? ` (${n.monthlyRental} ${n.currency})` : ""}`).join(", ") || "none")} |`,
        );
    }
    out.push("");
    const adopt = r.unmanaged.filter((u) => u.unmanaged.length);
    if (adopt.length)
      out.push("Adopt them into the inventory:", "", "```sh", ...adopt.map(exportLine), "```", "");
  }
  out.push(
    "### Monthly rental",
    "",
    "| Vendor | Currency | Now | After `pulumi up` |",
    "| --- | --- | --- | --- |",
  );
  const keys = [
    ...r.rental,
    ...r.rentalChange.filter(
      (c) => !r.rental.some((m) => m.vendor === c.vendor && m.currency === c.currency),
    ),
  ];
  for (const m of keys) {
    const now = r.rental.find((x) => x.vendor === m.vendor && x.currency === m.currency)?.micros ?? 0;
    const change =
      r.rentalChange.find((x) => x.vendor === m.vendor && x.currency === m.currency)?.micros ?? 0;
    out.push(
      `| ${m.vendor} | ${m.currency} | ${formatMoney(now)} | ${formatMoney(now + change)}${change ? ` (${change > 0 ? "+" : ""}${formatMoney(change)})` : ""} |`,
    );
  }
  if (!keys.length) out.push("| - | - | 0.00 | 0.00 |");
  out.push("");
  if (r.rentalUnknown.length) out.push(`Price unknown: ${r.rentalUnknown.join(", ")}.`, "");
  if (r.changeUnknown.length)
    out.push(`Not counted in the change (price unknown until bought): ${r.changeUnknown.join(", ")}.`, "");
  return `${out.join("\n")}`;
}

/** The numbers every vendor account with credentials holds; vendors without credentials are skipped. */
export async function readAccounts(): Promise<Partial<Record<Vendor, HeldNumber[] | { skipped: string }>>> {
  const out: Partial<Record<Vendor, HeldNumber[] | { skipped: string }>> = {};
  for (const vendor of VENDORS) {
    try {
      out[vendor] = await listHeldNumbers(vendor);
    } catch (err) {
      if (err instanceof MissingConfigError) continue; // not configured: not this stack's vendor
      out[vendor] = { skipped: err instanceof Error ? err.message.split("\n")[0]! : String(err) };
    }
  }
  return out;
}

function configuredSecrets(): string[] {
  const secrets: string[] = [];
  const tryAdd = (f: () => string[]) => {
    try {
      secrets.push(...f());
    } catch {
      // not configured
    }
  };
  tryAdd(() => {
    const s = exotelSettings();
    return basicAuthSecrets(s.apiKey, s.apiToken, true);
  });
  tryAdd(() => {
    const s = plivoSettings();
    return basicAuthSecrets(s.authId, s.authToken, false);
  });
  tryAdd(() => {
    const s = apifonicaSettings();
    return basicAuthSecrets(s.accountSid, s.authToken, false);
  });
  return secrets;
}

const USAGE = `usage: phone-numbers drift-report [--json FILE | --cwd DIR --stack NAME] [--markdown] [--no-accounts]

  --json FILE     read the output of \`pulumi preview --refresh --json\` from FILE (- for stdin)
  --cwd DIR       run \`pulumi preview --refresh --json\` in DIR (default: the current directory)
  --stack NAME    the stack to preview
  --markdown      a Markdown report (job summaries, PR comments) instead of one line per finding
  --no-accounts   do not list the numbers the vendor accounts hold outside the stack

Vendor accounts are read with the provider's environment variables (EXOTEL_API_KEY, PLIVO_AUTH_ID,
APIFONICA_ACCOUNT_SID, ...); vendors without credentials are skipped.
Exit code: 0 no drift, 7 drift or changes pending, 1 error, 2 usage.`;

interface Args {
  json?: string;
  cwd?: string;
  stack?: string;
  markdown: boolean;
  accounts: boolean;
}

function parseArgs(argv: string[]): Args | string {
  const a: Args = { markdown: false, accounts: true };
  for (let i = 0; i < argv.length; i++) {
    const opt = argv[i]!;
    const value = () => argv[++i];
    if (opt === "--json" || opt === "--cwd" || opt === "--stack") {
      const v = value();
      if (v === undefined) return `${opt} needs a value`;
      a[opt.slice(2) as "json" | "cwd" | "stack"] = v;
    } else if (opt === "--markdown") a.markdown = true;
    else if (opt === "--no-accounts") a.accounts = false;
    else return `unknown option ${opt}`;
  }
  if (a.json !== undefined && (a.cwd !== undefined || a.stack !== undefined))
    return "--json cannot be combined with --cwd/--stack";
  return a;
}

/** Runs `pulumi preview --refresh --json` and returns its parsed output. */
async function runPreview(cwd: string, stack: string | undefined): Promise<PreviewJson> {
  const args = ["preview", "--refresh", "--json", "--non-interactive", ...(stack ? ["--stack", stack] : [])];
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn("pulumi", args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.setEncoding("utf8").on("data", (c: string) => {
        out += c;
      });
      child.stderr.setEncoding("utf8").on("data", (c: string) => {
        err += c;
      });
      child.on("error", reject);
      child.on("close", (c) => resolve({ code: c ?? 1, stdout: out, stderr: err }));
    },
  );
  let json: PreviewJson | undefined;
  try {
    json = JSON.parse(stdout) as PreviewJson;
  } catch {
    json = undefined;
  }
  if (code !== 0 || !json) {
    const diagnostics = (json?.diagnostics ?? [])
      .filter((d) => d.severity === "error")
      .map((d) => (d.message ?? "").trim());
    const text = [...diagnostics, stderr.trim()]
      .join("\n")
      .split("\n")
      .filter((l) => l.trim() !== "" && !l.includes("__provider"))
      .slice(-20)
      .join("\n");
    throw new Error(`pulumi preview --refresh failed (exit code ${code}):\n${text}`);
  }
  return json;
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

/** Entry point of `phone-numbers drift-report`. */
export async function runDriftReport(argv: string[], io: Io = processIo): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const args = parseArgs(argv);
  if (typeof args === "string") {
    io.err(`phone-numbers drift-report: ${args}\n\n${USAGE}\n`);
    return 2;
  }
  const redact = redactor(configuredSecrets());
  try {
    const preview =
      args.json !== undefined ? await readJson(args.json) : await runPreview(args.cwd ?? ".", args.stack);
    const held = args.accounts ? await readAccounts() : {};
    const report = await analyzePreview(preview, held);
    io.out(redact(args.markdown ? renderMarkdown(report) : renderText(report)));
    return hasDrift(report) ? EXIT_DRIFT : 0;
  } catch (err) {
    io.err(redact(`phone-numbers drift-report: ${err instanceof Error ? err.message : String(err)}\n`));
    return 1;
  }
}
