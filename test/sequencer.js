// Jest starts the suites that took longest in earlier runs first, from its cache. A fresh clone (CI)
// has no cache, and jest then orders by file size, which starts the longest suites late (the fault
// campaign's test file is small: its driver is campaign.ts), leaving one worker to run them alone
// at the end. Here a suite without a cached duration gets its typical one (seconds, measured on the
// 2-core machine, 2026-12-02; new or unlisted suites count as short), so the longest start first.
import TestSequencer from "@jest/test-sequencer";

const TYPICAL_S = {
  "faults/campaign.test.ts": 380,
  "faults/engine.test.ts": 190,
  "faults/engine-more.test.ts": 180,
  "inventory/team.test.ts": 180,
  "consumers/matrix.test.ts": 165,
  "e2e/lifecycle.test.ts": 90,
  "e2e/examples.test.ts": 90,
  "e2e/consumer.test.ts": 60,
  "e2e/engine-smoke.test.ts": 50,
  "inventory/engine.test.ts": 40,
  "e2e/demo.test.ts": 30,
  "provider/purchase-safety.test.ts": 20,
};

function typicalMs(path) {
  const key = Object.keys(TYPICAL_S).find((k) => path.replaceAll("\\", "/").endsWith(`/test/${k}`));
  return key ? TYPICAL_S[key] * 1000 : 1000;
}

export default class TypicalDurations extends TestSequencer {
  sort(tests) {
    const ms = new Map(tests.map((t) => [t, this.time(t) ?? typicalMs(t.path)]));
    return [...tests].sort((a, b) => ms.get(b) - ms.get(a));
  }
}
