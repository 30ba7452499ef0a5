/**
 * Steps every one-number kind (ExoPhone, ApifonicaNumber) takes the same way, written once: taking a
 * number its identity label names, settling an uncertain record before an update, and the delete.
 */
import type { Props } from "./check.js";
import { claim, unclaim } from "./claims.js";
import { forgetTakenByLabel, tookByLabel, wasTakenByLabel } from "./labels.js";
import { unlessGone } from "./outcome.js";
import { lookUntilSettled, release, settleOptions } from "./purchase.js";
import { reportNotHeld, type UncertainMark, uncertainOf, vendorId } from "./settle.js";

/** What a delete needs of a kind. */
export interface NumberRelease {
  /** The SDK type name, for the message when the number is kept (`ExoPhone`). */
  typeName: string;
  /** The vendor's name in the release's description (`Exotel`). */
  vendorName: string;
  /** The account key (claims, labels). */
  key: string;
  /** The engine's id of the resource and the stored vendor id (`sid`), as `vendorId` reads them. */
  rawId: string;
  storedId: unknown;
  /** The stored number (E.164), when state has one. */
  number: unknown;
  /** The vendor id of the number an uncertain record stands for, if the account holds it. */
  settle: (number: string) => Promise<string | undefined>;
  /** Marks the id as changed for the account's batched reader. */
  invalidate: (id: string) => void;
  /** The vendor's release and get-one. */
  release: (id: string) => Promise<void>;
  get: (id: string) => Promise<unknown>;
}

/**
 * The first of `candidates` (numbers carrying this resource's label, left by a create the process was
 * killed in) that is the exact number asked for, if one is, and no other resource of the process
 * claimed: claimed and marked as taken by its label.
 */
export function takeByLabel<T>(
  key: string,
  candidates: readonly T[],
  numberOf: (n: T) => string,
  exact: string | undefined,
): T | undefined {
  for (const n of candidates) {
    const e164 = numberOf(n);
    if (exact !== undefined && e164 !== exact) continue;
    if (!claim(key, e164)) continue;
    tookByLabel(key, e164);
    return n;
  }
  return undefined;
}

/**
 * The state an update starts from: `stored` as it is, or, for a rent left uncertain, the outputs of
 * the number if the account holds it. Undefined when it does not (the claim is dropped and the user
 * told): the caller rents now (the id stays the placeholder; read, update and delete use the vendor id
 * output).
 */
export async function settledState<T>(
  key: string,
  typeName: string,
  stored: Props,
  settle: (mark: UncertainMark) => Promise<T | undefined>,
  outputsOf: (held: T) => Props,
): Promise<Props | undefined> {
  const mark = uncertainOf(stored);
  if (!mark) return stored;
  const held = await settleMark(typeName, mark, () => settle(mark));
  if (held) return outputsOf(held);
  unclaim(key, mark.number);
  reportNotHeld(typeName, mark);
  return undefined;
}

/**
 * What an uncertain record stands for: the held number, or undefined when the account does not hold
 * it. The failed rent may still land until the settle window since it failed has passed, so a record
 * younger than that is looked at until then (an answer of "not held" given before the rent landed
 * would leave a billed number in no state). Throws, naming the number, when the account cannot be
 * checked: the record stays as it is.
 */
export async function settleMark<T>(
  typeName: string,
  mark: UncertainMark,
  look: () => Promise<T | undefined>,
): Promise<T | undefined> {
  const since = Date.parse(mark.since);
  const windowMs = settleOptions().windowMs;
  const remaining = Number.isNaN(since) ? windowMs : Math.max(0, since + windowMs - Date.now());
  const looked = await lookUntilSettled(look, settleOptions({ windowMs: remaining }));
  if (looked.state === "unknown")
    throw new Error(
      `${typeName}: ${mark.number} was recorded as uncertain and ${looked.reason}; it stays recorded`,
    );
  return looked.state === "found" ? looked.value : undefined;
}

/**
 * The delete of a one-number resource: settle an uncertain record first (a failed look fails the
 * delete: nothing is forgotten), keep a number its replacement took by its label, then release
 * through the release engine (core/purchase.ts) and drop the claim.
 */
export async function releaseNumber(r: NumberRelease, props: Props): Promise<void> {
  const mark = uncertainOf(props);
  let id = vendorId(r.rawId, r.storedId);
  if (mark) {
    const held = await settleMark(r.typeName, mark, () => r.settle(mark.number));
    if (held === undefined) {
      unclaim(r.key, mark.number);
      return;
    }
    id = held; // claimed until it is released (a failed release leaves the record naming it)
  }
  const e164 = mark?.number ?? r.number;
  if (typeof e164 === "string" && wasTakenByLabel(r.key, e164, props)) {
    // Replaced with unchanged inputs: the new resource took this number by its label; keep it.
    process.stderr.write(`${r.typeName}: ${e164} is now held by its replacement; not released.\n`);
    forgetTakenByLabel(r.key, e164);
    return;
  }
  r.invalidate(id);
  await release({
    what: `${r.vendorName} release of ${e164 ?? id}`,
    release: () => r.release(id),
    isHeld: async () => (await unlessGone(r.get(id))) !== undefined,
  });
  if (typeof e164 === "string") {
    unclaim(r.key, e164);
    forgetTakenByLabel(r.key, e164);
  }
}
