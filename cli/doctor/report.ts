/** The doctor's run over the vendors (credentials, then each vendor's check) and its text report. */
import { resolveVendors } from "../command.js";
import { type ConfigSource, secretsOf, VENDORS, type Vendor, type VendorSettings } from "../credentials.js";
import { apifonica } from "./apifonica.js";
import { exotel } from "./exotel.js";
import { plivo } from "./plivo.js";
import { Session, type VendorReport } from "./session.js";

/** What `phone-numbers doctor` found. */
export interface DoctorReport {
  /** Each vendor checked. */
  vendors: VendorReport[];
  /** Vendors not checked, and why (no credentials). */
  skipped: Array<{ vendor: Vendor; reason: string }>;
  /** Every answer matched and every call answered (and something was checked). */
  ok: boolean;
}

/** Runs the check of the vendor of `s` in one session with its account. */
async function check(s: VendorSettings, wanted: string | undefined): Promise<VendorReport> {
  const c = new Session(s);
  if (s.vendor === "exotel") await exotel(c, s.settings, wanted);
  else if (s.vendor === "plivo") await plivo(c, s.settings, wanted);
  else await apifonica(c, s.settings, wanted);
  return c.report;
}

/** Runs the checks; credentials from `source` (a stack's config) then the environment. */
export async function doctor(opts: {
  vendors?: Vendor[];
  source: ConfigSource;
  number?: string;
}): Promise<{ report: DoctorReport; secrets: string[] }> {
  const report: DoctorReport = { vendors: [], skipped: [], ok: true };
  const explicit = opts.vendors !== undefined;
  const { resolved, gaps } = resolveVendors(opts.vendors ?? VENDORS, opts.source);
  for (const gap of gaps) {
    report.skipped.push({ vendor: gap.vendor, reason: gap.message });
    if (explicit || gap.partial) report.ok = false;
  }
  for (const s of resolved) {
    const r = await check(s, opts.number);
    report.vendors.push(r);
    if (r.calls.some((c) => c.outcome === "failed" || c.outcome === "mismatch")) report.ok = false;
  }
  if (report.vendors.length === 0 && !explicit) report.ok = false;
  return { report, secrets: resolved.flatMap(secretsOf) };
}

const TAGS = { ok: "ok  ", mismatch: "MISMATCH", failed: "FAILED", skipped: "skip" } as const;

function vendorLines(v: VendorReport): string[] {
  const lines = [`${v.vendor} (account ${v.account} at ${v.baseUrl})`];
  for (const c of v.calls) {
    const status = c.status === null ? "" : ` HTTP ${c.status} in ${c.ms} ms`;
    lines.push(`  ${TAGS[c.outcome].padEnd(8)} ${c.check}${c.path ? `: GET /${c.path}` : ""}${status}`);
    if (c.detail) lines.push(`           ${c.detail}`);
    for (const m of c.mismatches)
      lines.push(`           - ${m.field}: ${m.problem} (received ${m.received})`);
  }
  for (const n of v.notes) lines.push(`  note     ${n}`);
  lines.push("");
  return lines;
}

/** The report as text to paste into an issue. */
export function formatReport(report: DoctorReport): string {
  const lines = [
    "phone-numbers doctor: read-only check (GET requests only; nothing was rented, updated or released)",
    "",
    ...report.vendors.flatMap(vendorLines),
  ];
  for (const s of report.skipped) lines.push(`${s.vendor}: not checked: ${s.reason}`);
  const mismatches = report.vendors.reduce(
    (n, v) => n + v.calls.reduce((m, c) => m + c.mismatches.length, 0),
    0,
  );
  const failed = report.vendors.reduce((n, v) => n + v.calls.filter((c) => c.outcome === "failed").length, 0);
  if (report.skipped.length) lines.push("");
  lines.push(
    report.ok
      ? "result: every answer matched the provider's schemas"
      : `result: ${mismatches} mismatched field(s), ${failed} failed call(s)${report.vendors.length === 0 ? ", no vendor checked" : ""}`,
  );
  return lines.join("\n");
}
