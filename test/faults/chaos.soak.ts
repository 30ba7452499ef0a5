/**
 * `npm run chaos` (scripts/chaos.sh): the long soak. The provider-level campaign with every fault
 * cell (known failures included) for a bounded number of rounds and minutes, then every real-engine
 * trial, then the totals written to bench/RELIABILITY.md. Traffic goes to loopback sandboxes only.
 * Not part of npm test (its name does not end in .test.ts).
 */
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { afterAll, expect, jest, test } from "@jest/globals";
import { repoRoot } from "../e2e/harness.js";
import {
  type CampaignResult,
  FAULT_KINDS,
  INVARIANTS,
  NOTED,
  type RateLimitResult,
  runCampaign,
  runRateLimitCheck,
} from "./campaign.js";
import { TRIALS, TrialBench, type TrialResult } from "./trials.js";

const SEED = Number(process.env["FAULTS_SEED"] ?? 20261201);
const ROUNDS = Number(process.env["CHAOS_ROUNDS"] ?? 60);
const MINUTES = Number(process.env["CHAOS_MINUTES"] ?? 12);
const TRIAL_FILTER = process.env["CHAOS_TRIALS"];
/** Operations at once in the provider-level soak. */
const CONCURRENCY = 60;

jest.setTimeout((MINUTES + 40) * 60_000);

let campaign: CampaignResult | undefined;
const trials: TrialResult[] = [];
const rates: RateLimitResult[] = [];

test(`provider-level soak, seed ${SEED}`, async () => {
  campaign = await runCampaign({
    seed: SEED,
    rounds: ROUNDS,
    concurrency: CONCURRENCY,
    slots: { exophone: 60, "plivo-number-order": 45, "apifonica-number": 45, "apifonica-application": 30 },
    probability: 0.1,
    kinds: FAULT_KINDS,
    timeoutMs: 600,
    opProbability: { search: 0.25, list: 0.25, "app-create": 0.12 },
    opsPerRound: 4,
    budgetMs: MINUTES * 60_000,
    log: (l) => process.stderr.write(`${l}\n`),
  });
  expect(campaign.rounds).toBeGreaterThan(0);
});

test("no 429 reaches the caller under each vendor's default limits", async () => {
  for (const [vendor, n] of [
    ["plivo", 40],
    ["apifonica", 16],
    ["exotel", 45],
  ] as const)
    rates.push(await runRateLimitCheck(vendor, n));
  expect(rates.length).toBe(3);
});

test("every real-engine trial", async () => {
  const bench = await TrialBench.create();
  try {
    for (const t of TRIALS) {
      if (TRIAL_FILTER && !t.name.includes(TRIAL_FILTER)) continue;
      const r = await bench.run(t);
      process.stderr.write(
        `trial ${r.ok ? "ok  " : "FAIL"} ${t.name}${r.ok ? "" : `: ${r.problems.join(" | ")}`}\n`,
      );
      trials.push(r);
    }
  } finally {
    await bench.close();
  }
  expect(trials.length).toBeGreaterThan(0);
});

afterAll(async () => {
  await fs.writeFile(path.join(repoRoot, "bench", "RELIABILITY.md"), report(campaign, rates, trials));
});

function report(c: CampaignResult | undefined, rates: RateLimitResult[], t: TrialResult[]): string {
  const lines: string[] = [];
  const date = new Date().toISOString().slice(0, 16).replace("T", " ");
  lines.push("# Reliability: the fault campaign's latest soak", "");
  lines.push(
    `Written by \`npm run chaos\` (test/faults/chaos.soak.ts) on ${date} UTC. Seed ${SEED}. Package: ${process.env["FAULTS_PACKAGE_DIR"] ? "the build in FAULTS_PACKAGE_DIR" : "this repository's dist/"}. Every fault is`,
    "injected by the sandbox on loopback; the invariants are checked against the sandbox's own record of",
    "what each account holds (`GET /__sandbox/holdings`). How the campaign works: test/faults/README.md.",
    "",
  );
  if (c) {
    lines.push(
      `## Provider level (the provider module driven directly, ${CONCURRENCY} operations in parallel)`,
      "",
    );
    lines.push(
      `${c.rounds} rounds, ${c.operations} operations, ${c.requests} vendor requests, ${Math.round(c.durationMs / 1000)} s.`,
      "",
      "| Fault kind | Injected |",
      "| --- | ---: |",
    );
    for (const k of FAULT_KINDS) lines.push(`| ${k} | ${c.faults[k] ?? 0} |`);
    lines.push(`| **all** | ${Object.values(c.faults).reduce((a, b) => a + b, 0)} |`, "");
    lines.push("| Vendor | Operation | " + FAULT_KINDS.join(" | ") + " |");
    lines.push(`| --- | --- |${FAULT_KINDS.map(() => " ---: |").join("")}`);
    const byCell = new Map<string, number>();
    for (const cell of c.cells) byCell.set(`${cell.vendor} ${cell.op} ${cell.kind}`, cell.fired);
    const rows = new Set(c.cells.map((cell) => `${cell.vendor} ${cell.op}`));
    for (const row of [...rows].sort())
      lines.push(
        `| ${row.replace(" ", " | ")} | ${FAULT_KINDS.map((k) => byCell.get(`${row} ${k}`) ?? 0).join(" | ")} |`,
      );
    lines.push("", "| Invariant | Times broken |", "| --- | ---: |");
    for (const cls of INVARIANTS) lines.push(`| ${cls} | ${c.totals[cls]} |`);
    lines.push("", "| Noted (not invariants; see test/faults/README.md) | Count |", "| --- | ---: |");
    for (const cls of NOTED) lines.push(`| ${cls} | ${c.totals[cls]} |`);
    lines.push("");
    const shown = [
      ...c.failures.filter((f) => INVARIANTS.includes(f.class)).slice(0, 20),
      ...NOTED.flatMap((cls) => c.failures.filter((f) => f.class === cls).slice(0, 2)),
    ];
    if (shown.length > 0) {
      lines.push("Failures (every broken invariant up to 20, then two of each noted class):", "");
      for (const f of shown)
        lines.push(
          `- ${f.class}: seed ${f.seed} round ${f.round} ${f.slot}: ${f.detail.slice(0, 300).replace(/\n/g, " ")}`,
        );
      lines.push("");
    }
  }
  if (rates.length > 0) {
    lines.push("## 429s under the vendors' default limits (no injected fault)", "");
    lines.push(
      "| Vendor | Requests | Refused by the vendor (429) | 429s that reached the caller | Other errors | Left held |",
    );
    lines.push("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (const r of rates)
      lines.push(
        `| ${r.vendor} | ${r.requests} | ${r.refusedBySandbox} | ${r.surfaced.length} | ${r.errors.length} | ${r.leftHeld} |`,
      );
    lines.push("");
  }
  if (t.length > 0) {
    lines.push("## Real engine (`pulumi` CLI, one fault rule per trial)", "");
    lines.push(
      "| Trial | Result | Faults fired | Double purchases | In no state | Converged | Delete error swallowed | Orphan applications |",
    );
    lines.push("| --- | --- | ---: | ---: | ---: | --- | --- | ---: |");
    for (const r of t)
      lines.push(
        `| ${r.name} | ${r.ok ? (r.faultsFired > 0 ? "held" : "held (fault never fired: not exercised)") : "**broken**"} | ${r.faultsFired} | ${r.doublePurchases} | ${r.inNoState} | ${r.nonConverging ? "no" : "yes"} | ${r.swallowedDelete ? "yes" : "no"} | ${r.orphanApplications} |`,
      );
    const sum = (f: (r: TrialResult) => number) => t.reduce((a, r) => a + f(r), 0);
    lines.push(
      "",
      `Totals over ${t.length} trials: ${t.filter((r) => r.ok).length} held every invariant; ${sum((r) => r.doublePurchases)} double purchases, ${sum((r) => r.inNoState)} numbers in no state, ${sum((r) => (r.nonConverging ? 1 : 0))} non-converging reruns, ${sum((r) => (r.swallowedDelete ? 1 : 0))} swallowed delete errors.`,
      "",
    );
    const broken = t.filter((r) => !r.ok);
    if (broken.length > 0) {
      lines.push("Broken trials (reproduce with `CHAOS_TRIALS='<name>' npm run chaos`):", "");
      for (const r of broken)
        lines.push(`- ${r.name}: ${r.problems.join("; ").slice(0, 500).replace(/\n/g, " ")}`);
      lines.push("");
    }
  }
  return `${lines.join("\n")}\n`;
}
