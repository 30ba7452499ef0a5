/**
 * A handful of the real-engine fault trials (test/faults/trials.ts) in npm test, chosen to prove the
 * most: the pulumi process killed mid-rent, rents that land after the timeout, a buy whose answer is
 * lost after commit, a partial create (refresh and destroy must work on its record), and a destroy
 * whose release answer is lost. `npm run chaos` runs all of them.
 */
import { afterAll, beforeAll, expect, jest, test } from "@jest/globals";
import { TRIALS, TrialBench } from "./trials.js";

jest.setTimeout(10 * 60_000);

/** The trials in npm test, by name. */
const IN_NPM_TEST = [
  "kill pulumi during an Exotel rent that then lands",
  "kill pulumi during an Apifonica rent that then lands",
  "kill pulumi during a Plivo buy that then lands",
  "Exotel rent lands after the client timed out",
  "Plivo buy answer lost after commit",
  "Plivo buy lands after the client timed out",
  "Apifonica routing after the rent fails (partial create)",
  "Apifonica partial create, then refresh and destroy (no up between)",
  "Plivo release answer lost after commit (destroy)",
];

/**
 * KNOWN FAILURES, kept out of npm test (not skipped tests: they are simply not chosen here); each runs
 * in `npm run chaos`, whose report (bench/RELIABILITY.md) lists what broke. None today.
 */
const KNOWN_FAILING: string[] = [];

let bench: TrialBench;
beforeAll(async () => {
  bench = await TrialBench.create();
});
afterAll(async () => {
  await bench?.close();
});

for (const name of IN_NPM_TEST.filter((n) => !KNOWN_FAILING.includes(n))) {
  const trial = TRIALS.find((t) => t.name === name)!;
  test(name, async () => {
    const result = await bench.run(trial);
    expect(result.faultsFired).toBeGreaterThan(0);
    expect(result.problems).toEqual([]);
  });
}
