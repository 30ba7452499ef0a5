/**
 * The delete of a one-number resource, written once for every vendor: settle an uncertain record
 * first (a failed look fails the delete: nothing is forgotten), keep a number its replacement took by
 * its label, then release through the release engine (core/purchase.ts) and drop the claim.
 */
import type { Props } from "./check.js";
import { unclaim } from "./claims.js";
import { wasTakenByLabel } from "./labels.js";
import { unlessGone } from "./outcome.js";
import { release } from "./purchase.js";
import { uncertainOf, vendorId } from "./settle.js";

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

/** Deletes a one-number resource (see the module comment). */
export async function releaseNumber(r: NumberRelease, props: Props): Promise<void> {
  const mark = uncertainOf(props);
  let id = vendorId(r.rawId, r.storedId);
  if (mark) {
    const held = await r.settle(mark.number);
    unclaim(r.key, mark.number);
    if (held === undefined) return;
    id = held;
  }
  const e164 = mark?.number ?? r.number;
  if (typeof e164 === "string" && wasTakenByLabel(r.key, e164, props)) {
    // Replaced with unchanged inputs: the new resource took this number by its label; keep it.
    process.stderr.write(`${r.typeName}: ${e164} is now held by its replacement; not released.\n`);
    return;
  }
  r.invalidate(id);
  await release({
    what: `${r.vendorName} release of ${e164 ?? id}`,
    release: () => r.release(id),
    isHeld: async () => (await unlessGone(r.get(id))) !== undefined,
  });
  if (typeof e164 === "string") unclaim(r.key, e164);
}
