/**
 * Purchase intents: a write-ahead record of a buy in flight, so a rerun after the process was killed
 * between a buy and its label recognises its own number.
 *
 * Plivo and Apifonica take no label with the buy itself (core/labels.ts): the label is written right
 * after it. A `pulumi` process killed in between (a cancelled CI job, a lost runner) leaves a number in
 * the account that carries no label and that no state holds (the engine kept only a pending create).
 * So before every buy of a create with an identity, the provider writes a small file naming the
 * create's label and the number it is about to buy, and removes it once the create has ended in a way
 * that records the number (returned, or failed with an error carrying its outputs). A rerun with the
 * same label (same identity, same inputs) finds the file before renting: the account holds the number
 * (bought at or after the intent, still without a name): it is ours, taken and labelled; the account
 * does not hold it after the settle window: the buy never landed, the file is removed and the create
 * rents as usual. While it cannot tell, the create records the candidate as uncertain instead of renting.
 *
 * The files live in PHONE_NUMBERS_INTENT_DIR, else `$XDG_STATE_HOME/pulumi-phone-numbers/intents`, else
 * `~/.local/state/pulumi-phone-numbers/intents`: the machine the run ran on. A rerun on another machine
 * (a lost CI runner) does not see them; the unlabelled-number guard (core/labels.ts) covers that case
 * by renting nothing. A file holds a hash of the account key, the label and the number: no credential.
 * A directory that cannot be written is reported once on stderr and the create goes on without intents.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PartialSuccessError } from "./outcome.js";
import { lookUntilSettled, settleOptions } from "./purchase.js";

/** A recorded buy in flight. */
export interface Intent {
  /** E.164. */
  number: string;
  /** Epoch ms when it was written, just before the buy was sent. */
  at: number;
}

/** Intents older than this are left over from long ago and ignored (and removed). */
const MAX_AGE_MS = 7 * 24 * 3_600_000;

/** Where the intent files live (see the header). */
export function intentDir(): string {
  const set = process.env["PHONE_NUMBERS_INTENT_DIR"];
  if (set !== undefined && set.trim() !== "") return set;
  const state = process.env["XDG_STATE_HOME"];
  const base =
    state !== undefined && state.trim() !== "" ? state : path.join(os.homedir(), ".local", "state");
  return path.join(base, "pulumi-phone-numbers", "intents");
}

const hash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 32);

let warned = false;
function warnOnce(what: string, err: unknown): void {
  if (warned) return;
  warned = true;
  const why = err instanceof Error ? err.message : String(err);
  process.stderr.write(
    `pulumi-phone-numbers: purchase intents could not be ${what} in ${intentDir()} (${why}); ` +
      "a rerun after a killed run falls back to the unlabelled-number guard. Set PHONE_NUMBERS_INTENT_DIR to a writable directory.\n",
  );
}

/**
 * The intents of one account and one label (one create). `record` before each buy; `done` once the
 * create's outcome is recorded in state; `pending` on a rerun, before renting.
 */
export class Intents {
  private readonly prefix: string;
  private readonly written = new Set<string>();

  constructor(account: string, label: string) {
    this.prefix = hash(`${account}\n${label}`);
  }

  private file(number: string): string {
    return path.join(intentDir(), `${this.prefix}-${number.replace(/\D/g, "")}.json`);
  }

  /** Writes the intent to buy `number`, synchronously: it is on disk before the buy is sent. */
  record(number: string): void {
    const file = this.file(number);
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify({ v: 1, number, at: Date.now() } satisfies Intent & { v: 1 }));
      this.written.add(file);
    } catch (err) {
      warnOnce("written", err);
    }
  }

  /** Removes one intent (a buy that certainly did not land, or a number taken back). */
  clear(number: string): void {
    const file = this.file(number);
    this.written.delete(file);
    fs.rmSync(file, { force: true });
  }

  /** Counts an earlier run's intent as this create's: `done` removes it too. */
  own(number: string): void {
    this.written.add(this.file(number));
  }

  /** Removes every intent this create wrote or owns: its outcome is in state now. */
  done(): void {
    for (const file of this.written) fs.rmSync(file, { force: true });
    this.written.clear();
  }

  /** Intents an earlier run of the same create left (it was killed before it could remove them). */
  pending(now = Date.now()): Intent[] {
    let names: string[];
    try {
      names = fs.readdirSync(intentDir());
    } catch {
      return [];
    }
    const found: Intent[] = [];
    for (const name of names) {
      if (!name.startsWith(`${this.prefix}-`)) continue;
      const file = path.join(intentDir(), name);
      try {
        const it = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<Intent>;
        if (typeof it.number !== "string" || typeof it.at !== "number") continue;
        if (now - it.at > MAX_AGE_MS) fs.rmSync(file, { force: true });
        else found.push({ number: it.number, at: it.at });
      } catch {
        // a file being written or removed by another process: not an intent of ours yet
      }
    }
    return found;
  }
}

/** Clock skew allowed between this machine and the vendor when comparing a rent time with an intent. */
export const SKEW_MS = 10 * 60_000;

/** What a rerun learned from the intents an earlier run of the same create left. */
export interface Recovered<T> {
  /** Numbers the account holds that the earlier run bought: take them. */
  held: Array<{ number: string; value: T }>;
  /** Numbers that may still land or could not be checked: record them as uncertain, rent nothing. */
  unknown: Array<{ number: string; reason: string }>;
}

/**
 * Settles every intent an earlier run left: `ours` reads the number and answers it when the account
 * holds it as the earlier run's purchase (rented at or after the intent, no name or our label, held by
 * no resource of this process), else undefined. An intent younger than the settle window is looked at
 * until the window has passed (the buy may still land); one found absent after it is removed.
 */
export async function recoverIntents<T>(
  intents: Intents | undefined,
  ours: (intent: Intent) => Promise<T | undefined>,
): Promise<Recovered<T>> {
  const out: Recovered<T> = { held: [], unknown: [] };
  if (intents === undefined) return out;
  const window = settleOptions().windowMs;
  for (const it of intents.pending()) {
    const remaining = Math.max(0, it.at + window - Date.now());
    const looked = await lookUntilSettled(() => ours(it), settleOptions({ windowMs: remaining }));
    if (looked.state === "absent") {
      intents.clear(it.number);
      continue;
    }
    intents.own(it.number); // removed once this create's outcome is in state
    if (looked.state === "found") out.held.push({ number: it.number, value: looked.value });
    else
      out.unknown.push({
        number: it.number,
        reason: `an earlier run was stopped while buying ${it.number}, and ${looked.reason}`,
      });
  }
  return out;
}

/**
 * One purchase attempt under an intent: written before, removed when the attempt certainly bought
 * nothing (it threw: purchase() throws only for refusals and definite errors; or someone else has it).
 */
export async function intending<O extends { outcome: string }>(
  intents: Intents | undefined,
  number: string,
  attempt: () => Promise<O>,
): Promise<O> {
  intents?.record(number);
  let out: O;
  try {
    out = await attempt();
  } catch (err) {
    intents?.clear(number);
    throw err;
  }
  if (out.outcome === "taken") intents?.clear(number);
  return out;
}

/**
 * Runs a create with intents: they are removed when it returns or fails with an error that records
 * its numbers in state (PartialSuccessError and UncertainPurchaseError); any other failure keeps them
 * for the rerun (a number bought before it would otherwise be in no state).
 */
export async function withIntents<R>(intents: Intents | undefined, run: () => Promise<R>): Promise<R> {
  try {
    const result = await run();
    intents?.done();
    return result;
  } catch (err) {
    if (err instanceof PartialSuccessError) intents?.done();
    throw err;
  }
}
