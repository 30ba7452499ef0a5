/**
 * The provider-level fault campaign in npm test: every fault kind on every vendor and operation,
 * 180 resources with 60 operations in parallel (the engine modelled as test/faults/campaign.ts
 * describes; 10% of matching requests per kind, client timeout 600 ms), until every kind has fired
 * 1,000 times (about six minutes alone; the test fails if the 15-minute budget ends first);
 * then the vendors' default rate limits
 * with no injected fault, where no 429 may reach the caller. Reproduce a run with its seed:
 * `FAULTS_SEED=<seed> npm run jest -- test/faults/campaign.test.ts`; narrow it to one fault cell with
 * `FAULTS_ONLY=<vendor>:<operation>:<kind>` (e.g. exotel:rent:latency-apply-end). `npm run chaos`
 * runs it longer and writes bench/RELIABILITY.md.
 */
import { expect, jest, test } from "@jest/globals";
import { type CampaignResult, FAULT_KINDS, INVARIANTS, runCampaign, runRateLimitCheck } from "./campaign.js";

/** The seed of the campaign in npm test. */
const SEED = Number(process.env["FAULTS_SEED"] ?? 20261201);
const TARGET_PER_KIND = Number(process.env["FAULTS_TARGET"] ?? 1000);
/** Operations at once (the engine's --parallel), and resources per kind as a multiple of 20/15/15/10. */
const CONCURRENCY = Number(process.env["FAULTS_CONCURRENCY"] ?? 60);
const SCALE = Number(process.env["FAULTS_SCALE"] ?? 3);
/** `FAULTS_ONLY=<vendor>:<operation>:<kind>,...`: inject these cells only. */
const ONLY = process.env["FAULTS_ONLY"]?.split(",");

/**
 * KNOWN FAILURES kept out of npm test (fault cells not injected here; `npm run chaos` injects them
 * and reports what breaks). None today; `FAULTS_INCLUDE_KNOWN=1` injects listed cells anyway.
 */
const KNOWN_FAILING_CELLS: string[] = [];

jest.setTimeout(20 * 60_000);

let result: CampaignResult;

test(`seed ${SEED}: held numbers are all in state, reruns converge, no double purchase`, async () => {
  result = await runCampaign({
    seed: SEED,
    rounds: Number(process.env["FAULTS_ROUNDS"] ?? 40),
    concurrency: CONCURRENCY,
    slots: {
      exophone: 20 * SCALE,
      "plivo-number-order": 15 * SCALE,
      "apifonica-number": 15 * SCALE,
      "apifonica-application": 10 * SCALE,
    },
    probability: Number(process.env["FAULTS_P"] ?? 0.1),
    // Narrowed to cells, the kinds of those cells only: the run ends when they reach the target (a
    // kind that never fires would run every round, and 40 rounds exhaust the sandbox's stock).
    kinds: ONLY
      ? FAULT_KINDS.filter((k) => ONLY.some((cell) => [undefined, "*", k].includes(cell.split(":")[2])))
      : FAULT_KINDS,
    timeoutMs: Number(process.env["FAULTS_TIMEOUT_MS"] ?? 600),
    opProbability: { search: 0.25, list: 0.25, "app-create": 0.12 },
    opsPerRound: Number(process.env["FAULTS_OPS"] ?? 6),
    targetPerKind: TARGET_PER_KIND,
    budgetMs: Number(process.env["FAULTS_BUDGET_S"] ?? 900) * 1000,
    ...(ONLY ? { only: ONLY } : {}),
    ...(KNOWN_FAILING_CELLS.length > 0 && !process.env["FAULTS_INCLUDE_KNOWN"]
      ? { exclude: KNOWN_FAILING_CELLS }
      : {}),
    ...(process.env["FAULTS_VERBOSE"] ? { log: (l: string) => process.stderr.write(`${l}\n`) } : {}),
  });
  const broken = result.failures.filter((f) => INVARIANTS.includes(f.class));
  expect(broken.map((f) => `${f.class}: seed ${f.seed} round ${f.round} ${f.slot}: ${f.detail}`)).toEqual([]);
});

test(`the campaign injected every fault kind at least ${TARGET_PER_KIND} times, on every vendor`, () => {
  if (!process.env["FAULTS_ONLY"])
    for (const kind of FAULT_KINDS)
      expect({ kind, enough: (result.faults[kind] ?? 0) >= TARGET_PER_KIND }).toEqual({ kind, enough: true });
  for (const kind of FAULT_KINDS) {
    for (const vendor of ["exotel", "plivo", "apifonica"]) {
      const fired = result.cells
        .filter((c) => c.kind === kind && c.vendor === vendor)
        .reduce((n, c) => n + c.fired, 0);
      expect({ kind, vendor, fired: fired > 0 }).toEqual({ kind, vendor, fired: true });
    }
  }
  // Every operation of every vendor met faults. Exotel's search is left out here: creates share one
  // search pool per criteria, so a 2.5-minute run makes only a handful of Exotel searches (the soak
  // faults them, and the real-engine trial "Exotel search 429 with Retry-After" does).
  const ops = new Set(result.cells.filter((c) => c.fired > 0).map((c) => `${c.vendor} ${c.op}`));
  const expected = [
    "apifonica app-create", "apifonica list", "apifonica read", "apifonica release", "apifonica rent",
    "apifonica search", "apifonica update", "exotel read", "exotel release", "exotel rent",
    "exotel update", "plivo read", "plivo release", "plivo rent", "plivo search", "plivo update",
  ]; // biome-ignore format: a list
  expect(expected.filter((op) => !ops.has(op))).toEqual([]);
});

test.each(["plivo", "apifonica"] as const)(
  "no 429 reaches the caller under %s's default limits",
  async (vendor) => {
    const r = await runRateLimitCheck(vendor, vendor === "plivo" ? 40 : 16);
    expect(r.requests).toBeGreaterThan(vendor === "plivo" ? 300 : 100); // more than one window allows
    expect({ surfaced: r.surfaced, errors: r.errors, leftHeld: r.leftHeld }).toEqual({
      surfaced: [],
      errors: [],
      leftHeld: 0,
    });
  },
);
