/** The drift report as text (one line per finding) and as Markdown (job summaries, PR comments). */
import { isUnknown } from "../../provider/core/check.js";
import type { HeldNumber } from "../inventory.js";
import { hasChanges, type NumberRow, type StackReport } from "./analyse.js";
import { type AccountReport, type DriftReport, hasAnyChanges, tooManyReleases } from "./joint.js";
import { formatMoney, type Money } from "./money.js";

function show(v: unknown): string {
  if (v === null || v === undefined) return "(unset)";
  if (isUnknown(v)) return "(known after up)";
  return JSON.stringify(v);
}

/** An unmanaged number carrying a purchase label: a rent whose create never reached a state. */
function labelNote(n: HeldNumber): string {
  const who = n.label!.identity ?? n.label!.label;
  return `labelled: ${n.number} was rented by ${who} (a create that did not finish, or lost state): \`pulumi up\` of that stack takes it back; do not adopt it elsewhere`;
}

export function exportLine(u: AccountReport): string {
  const numbers = u.unmanaged.map((n) => n.number).join(",");
  return `phone-numbers inventory export --vendor ${u.vendor} --only ${numbers} --out adopt-${u.vendor}.yaml`;
}

const share = (u: AccountReport) => (u.held === 0 ? "100" : ((100 * u.managed) / u.held).toFixed(0));
const money = (list: Money[]) =>
  list.map((m) => `${m.vendor} ${formatMoney(m.micros)} ${m.currency}`).join("; ");
const many = (r: DriftReport) => r.stacks.length + r.stateOnly.length > 1;
/** `prod: ` in front of a finding when the report covers several stacks. */
const at = (r: DriftReport, stack: string) => (many(r) ? `${stack}: ` : "");
const rentOf = (x: NumberRow) => (x.monthlyRental ? ` (${x.monthlyRental} ${x.currency}/month)` : "");

function stackLines(r: DriftReport, s: StackReport): string[] {
  const p = at(r, s.stack);
  const lines: string[] = [];
  if (!s.refreshed)
    lines.push(`${p}warning: the preview was not run with --refresh: drift made outside Pulumi is invisible`);
  for (const d of s.drift)
    lines.push(
      `${p}drift: ${d.resource} ${d.number} ${d.field}: git ${show(d.git)}, live ${show(d.live)}${d.editedInGit ? " (edited in git, not applied yet)" : ""}`,
    );
  for (const x of s.released)
    lines.push(`${p}released: ${x.resource} ${x.numbers.join(", ") || "-"}: ${x.detail}`);
  for (const x of s.pendingOrders)
    lines.push(`${p}pending: ${x.resource} ${x.numbers.join(", ") || "(none yet)"}: ${x.detail}`);
  for (const x of s.purchases) lines.push(`${p}rent: ${x.resource}: ${x.detail}; price unknown until bought`);
  for (const x of s.adoptions) lines.push(`${p}adopt: ${x.resource} ${x.numbers.join(", ")}: ${x.detail}`);
  for (const x of s.releases)
    lines.push(`${p}release: ${x.resource} ${x.numbers.join(", ")}: ${x.detail}${rentOf(x)}`);
  for (const x of s.otherChanges) lines.push(`${p}change: ${x.resource} (${x.type}): ${x.op}`);
  if (!hasChanges(s) && s.pendingOrders.length === 0)
    lines.push(`${p}no changes: the stack matches the file`);
  return lines;
}

function accountLines(r: DriftReport): string[] {
  const lines: string[] = [];
  if (!r.accountsChecked) lines.push("accounts: not read (--no-accounts): whether they match is not checked");
  for (const u of r.accounts) {
    if (u.skipped) {
      lines.push(`accounts ${u.label}: NOT CHECKED (${u.skipped})`);
      continue;
    }
    const list = u.unmanaged.length ? `: ${u.unmanaged.map((n) => n.number).join(", ")}` : "";
    lines.push(
      `unmanaged ${u.label}: ${u.unmanaged.length} of ${u.held} held number(s) in no listed stack (${share(u)}% under management)${list}`,
    );
    if (u.unmanaged.length) lines.push(`  adopt them: ${exportLine(u)}`);
    for (const n of u.unmanaged.filter((x) => x.label)) lines.push(`  ${labelNote(n)}`);
  }
  for (const n of r.notRead) lines.push(`accounts ${n.vendor}: not read (${n.reason})`);
  return lines;
}

function conflictLines(r: DriftReport): string[] {
  return r.conflicts.map(
    (c) =>
      `conflict: ${c.number} (${c.vendor}) is managed by ${c.managers.map((m) => `${m.resource} in ${m.stack}`).join(" and ")}; keep it in one stack (in the others set retainOnDelete: true, pulumi up, then remove the entry)`,
  );
}

function guardLine(r: DriftReport): string[] {
  if (r.maxReleases === undefined) return [];
  const verdict = tooManyReleases(r) ? "FAILS" : "passes";
  return [
    `release guard ${verdict}: pulumi up would release ${r.releaseCount} number(s); allowed: ${r.maxReleases} (--max-releases)`,
  ];
}

export function renderText(r: DriftReport): string {
  const lines = [
    ...r.stacks.flatMap((s) => stackLines(r, s)),
    ...conflictLines(r),
    ...accountLines(r),
    ...guardLine(r),
  ];
  if (r.stateOnly.length)
    lines.push(`read from state only (no drift check): ${r.stateOnly.map((s) => s.stack).join(", ")}`);
  const unknown = r.stacks.flatMap((s) => s.rentalUnknown);
  lines.push(
    `monthly rental: ${money(r.rental) || "none"}${unknown.length ? `; unknown: ${unknown.join(", ")}` : ""}`,
  );
  if (hasAnyChanges(r)) {
    const changeUnknown = r.stacks.flatMap((s) => s.changeUnknown);
    lines.push(
      `after pulumi up: ${money(r.rentalChange) || "no known change"}${changeUnknown.length ? `; unknown: ${changeUnknown.join(", ")}` : ""}`,
    );
  }
  lines.push(verdictText(r));
  return `${lines.join("\n")}\n`;
}

/** The one-line verdict: never claims the accounts match unless every relevant one was read. */
export function verdictText(r: DriftReport): string {
  const skipped = r.accounts.filter((a) => a.skipped).map((a) => a.label);
  const stacks = many(r) ? "the stacks match their files" : "the stack matches the file";
  if (tooManyReleases(r)) return `result: too many releases (${r.releaseCount} > ${r.maxReleases})`;
  if (r.conflicts.length) return `result: ${r.conflicts.length} number(s) managed by more than one resource`;
  if (hasAnyChanges(r)) return "result: drift or pending changes: `pulumi up` would change the numbers above";
  if (skipped.length) return `result: ${stacks}, but the ${skipped.join(", ")} account(s) were NOT checked`;
  if (!r.accountsChecked) return `result: ${stacks}; vendor accounts not read`;
  const read = r.accounts.map((a) => a.label).join(", ");
  const outside = r.accounts.reduce((n, a) => n + a.unmanaged.length, 0);
  if (!read) return `result: no drift: ${stacks}`;
  return outside > 0
    ? `result: no drift: ${stacks}; the ${read} account(s) were read: ${outside} number(s) in no listed stack`
    : `result: no drift: ${stacks}, and the ${read} account(s) hold no number outside them`;
}

const cell = (v: string) => v.replace(/\|/g, "\\|").replace(/\n/g, " ");

function numberTable(out: string[], title: string, rows: NumberRow[]): void {
  if (!rows.length) return;
  out.push(
    `### ${title}`,
    "",
    "| Stack | Resource | Type | Numbers | Monthly rental | Note |",
    "| --- | --- | --- | --- | --- | --- |",
  );
  for (const x of rows) {
    const rent = x.monthlyRental ? `${x.monthlyRental} ${x.currency}` : "unknown";
    out.push(
      `| ${cell(x.stack)} | ${cell(x.resource)} | ${x.type} | ${cell(x.numbers.join(", ") || "-")} | ${rent} | ${cell(x.detail ?? "")} |`,
    );
  }
  out.push("");
}

function driftTable(out: string[], r: DriftReport): void {
  const rows = r.stacks.flatMap((s) => s.drift);
  if (!rows.length) return;
  out.push(
    "### Changed fields",
    "",
    "| Stack | Resource | Number | Field | Value in git | Live value |",
    "| --- | --- | --- | --- | --- | --- |",
  );
  for (const d of rows)
    out.push(
      `| ${cell(d.stack)} | ${cell(d.resource)} | ${cell(d.number)} | ${cell(d.field)}${d.editedInGit ? " (edited in git)" : ""} | ${cell(show(d.git))} | ${cell(show(d.live))} |`,
    );
  out.push("");
}

function accountTable(out: string[], r: DriftReport): void {
  if (!r.accounts.length && !r.notRead.length) return;
  out.push(
    "### Numbers the accounts hold outside the listed stacks",
    "",
    "| Account | Stacks | Held | Managed | Share | Unmanaged numbers |",
    "| --- | --- | --- | --- | --- | --- |",
  );
  for (const u of r.accounts) {
    const stacks = cell(u.stacks.join(", "));
    if (u.skipped) out.push(`| ${u.label} | ${stacks} | - | - | - | **not checked**: ${cell(u.skipped)} |`);
    else {
      const list = u.unmanaged.map(
        (n) => `${n.number}${n.monthlyRental ? ` (${n.monthlyRental} ${n.currency})` : ""}`,
      );
      out.push(
        `| ${u.label} | ${stacks} | ${u.held} | ${u.managed} | ${share(u)}% | ${cell(list.join(", ") || "none")} |`,
      );
    }
  }
  for (const n of r.notRead) out.push(`| ${n.vendor} | - | - | - | - | not read: ${cell(n.reason)} |`);
  out.push("");
  const adopt = r.accounts.filter((u) => u.unmanaged.length);
  if (adopt.length)
    out.push("Adopt them into the inventory:", "", "```sh", ...adopt.map(exportLine), "```", "");
  const labelled = r.accounts.flatMap((u) => u.unmanaged.filter((n) => n.label));
  if (labelled.length) out.push(...labelled.map((n) => `- ${labelNote(n)}`), "");
}

function conflictTable(out: string[], r: DriftReport): void {
  if (!r.conflicts.length) return;
  out.push(
    "### Conflicts: numbers managed more than once",
    "",
    "| Number | Vendor | Managed by |",
    "| --- | --- | --- |",
  );
  for (const c of r.conflicts)
    out.push(
      `| ${c.number} | ${c.vendor} | ${cell(c.managers.map((m) => `${m.resource} (${m.stack})`).join(", "))} |`,
    );
  out.push(
    "",
    "A `pulumi destroy` or a removed entry in one stack releases the number the other still uses: keep it in one stack (elsewhere set `retainOnDelete: true`, `pulumi up`, then remove the entry).",
    "",
  );
}

function rentalTable(out: string[], r: DriftReport): void {
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
    const delta = change ? ` (${change > 0 ? "+" : ""}${formatMoney(change)})` : "";
    out.push(`| ${m.vendor} | ${m.currency} | ${formatMoney(now)} | ${formatMoney(now + change)}${delta} |`);
  }
  if (!keys.length) out.push("| - | - | 0.00 | 0.00 |");
  out.push("");
  const unknown = r.stacks.flatMap((s) => s.rentalUnknown);
  const changeUnknown = r.stacks.flatMap((s) => s.changeUnknown);
  if (unknown.length) out.push(`Price unknown: ${unknown.join(", ")}.`, "");
  if (changeUnknown.length)
    out.push(`Not counted in the change (price unknown until bought): ${changeUnknown.join(", ")}.`, "");
}

/** The Markdown report's tables of numbers, in order: title, and the rows of a stack it lists. */
const NUMBER_TABLES: ReadonlyArray<readonly [string, (s: StackReport) => NumberRow[]]> = [
  ["Released outside Pulumi", (s) => s.released],
  ["Pending Plivo orders", (s) => s.pendingOrders],
  ["`pulumi up` would release", (s) => s.releases],
  ["`pulumi up` would rent", (s) => s.purchases],
  ["`pulumi up` would adopt (nothing bought)", (s) => s.adoptions],
];

export function renderMarkdown(r: DriftReport): string {
  const out: string[] = [
    "## Phone number drift report",
    "",
    `**${cell(verdictText(r).replace(/^result: /, ""))}**`,
    "",
  ];
  if (many(r))
    out.push(
      `Stacks: ${[...r.stacks.map((s) => s.stack), ...r.stateOnly.map((s) => `${s.stack} (state only)`)].join(", ")}.`,
      "",
    );
  for (const s of r.stacks)
    if (!s.refreshed)
      out.push(
        `> **Warning:** the preview of ${s.stack} was not run with \`--refresh\`: drift made outside Pulumi is invisible.`,
        "",
      );
  for (const line of guardLine(r)) out.push(`**${line}**`, "");
  conflictTable(out, r);
  driftTable(out, r);
  for (const [title, pick] of NUMBER_TABLES) numberTable(out, title, r.stacks.flatMap(pick));
  const other = r.stacks.flatMap((s) => s.otherChanges);
  if (other.length) {
    out.push("### Other changes", "", "| Stack | Resource | Type | Operation |", "| --- | --- | --- | --- |");
    for (const x of other) out.push(`| ${cell(x.stack)} | ${cell(x.resource)} | ${x.type} | ${x.op} |`);
    out.push("");
  }
  accountTable(out, r);
  if (!r.accountsChecked) out.push("Vendor accounts were not read (`--no-accounts`).", "");
  rentalTable(out, r);
  return out.join("\n");
}
