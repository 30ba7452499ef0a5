/**
 * Defines jest tests for real-engine fault trials (test/faults/trials.ts) by name, each on one shared
 * {@link TrialBench} per test file. npm test splits its trials over two files (engine.test.ts,
 * engine-more.test.ts) so jest's two workers run them side by side; `npm run chaos` runs all of them.
 */
import { afterAll, beforeAll, expect, jest, test } from "@jest/globals";
import { TRIALS, TrialBench } from "./trials.js";

/** Every trial by name, once: a name in no list of npm test's files is left to `npm run chaos`. */
export function trialTests(names: readonly string[], knownFailing: readonly string[] = []): void {
  jest.setTimeout(10 * 60_000);
  let bench: TrialBench;
  beforeAll(async () => {
    bench = await TrialBench.create();
  });
  afterAll(async () => {
    await bench?.close();
  });
  for (const name of names.filter((n) => !knownFailing.includes(n))) {
    const trial = TRIALS.find((t) => t.name === name);
    if (!trial) throw new Error(`no trial named "${name}" in test/faults/trials.ts`);
    test(name, async () => {
      const result = await bench.run(trial);
      expect(result.faultsFired).toBeGreaterThan(0);
      expect(result.problems).toEqual([]);
    });
  }
}
