/**
 * Real-engine fault trials in npm test, first half: the `pulumi` process killed mid-rent on every
 * vendor, rents and buys that land after the client timed out or whose answer was lost, and the
 * destroys. engine-more.test.ts runs the second half (partial creates, searches, routing, lists,
 * applications) in jest's other worker; together 20 of the trials in test/faults/trials.ts (the rest,
 * and the soak, run in `npm run chaos`).
 */
import { trialTests } from "./engine-suite.js";

/** The trials of this file, by name. */
const ENGINE_TRIALS_A = [
  "kill pulumi during an Exotel rent that then lands",
  "kill pulumi during an Apifonica rent that then lands",
  "kill pulumi during a Plivo buy that then lands",
  "Exotel rent lands after the client timed out",
  "Exotel rent applied, answer later than the timeout",
  "Exotel rent answer lost after commit",
  "Plivo buy answer lost after commit",
  "Plivo buy lands after the client timed out",
  "Plivo release answer lost after commit (destroy)",
  "Exotel release 503 (destroy fails loudly, then empties)",
];

/**
 * KNOWN FAILURES, kept out of npm test (not skipped tests: they are simply not chosen here); each runs
 * in `npm run chaos`, whose report (bench/RELIABILITY.md) lists what broke. None today.
 */
const KNOWN_FAILING: string[] = [];

trialTests(ENGINE_TRIALS_A, KNOWN_FAILING);
