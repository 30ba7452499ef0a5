/**
 * Records a purchase whose outcome is not known yet, and settles it later.
 *
 * When a rent failed ambiguously and the account could not be checked for long enough, create records
 * the candidate in state (through `UncertainPurchaseError`): its outputs are complete (the candidate's
 * number, the inputs under their keys, placeholders elsewhere) and carry an `__uncertain` mark. The id
 * is a placeholder (`uncertain-<digits>`) because the vendor's id is not known. Then:
 * - read (refresh) looks for the number: held, it returns the normal outputs under the vendor's id;
 *   not held, it returns gone (and says so on stderr), so the next `up` rents again;
 * - update (the next `up`: the engine updates a resource with init errors) looks likewise: held, it is
 *   kept and routed; not held, it is rented again;
 * - delete looks and releases what it finds;
 * - diff never proposes a replacement for it (that would rent a second number while one may be held).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Props } from "./check.js";

export const UNCERTAIN_KEY = "__uncertain";

export interface UncertainMark {
  /** The candidate, E.164. */
  number: string;
  /** Why it is uncertain. */
  reason: string;
  /** ISO time of the failed purchase. */
  since: string;
}

export function uncertainMark(number: string, reason: string): { [UNCERTAIN_KEY]: UncertainMark } {
  return { [UNCERTAIN_KEY]: { number, reason, since: new Date().toISOString() } };
}

export function uncertainOf(props: Props | undefined): UncertainMark | undefined {
  const m = props?.[UNCERTAIN_KEY];
  if (m && typeof m === "object" && typeof (m as UncertainMark).number === "string")
    return m as UncertainMark;
  return undefined;
}

export function placeholderId(e164: string): string {
  return `uncertain-${e164.replace(/^\+/, "")}`;
}

/** The vendor id of a record: the stored id output when present (settled by update), else the id. */
export function vendorId(id: string, stored: unknown): string {
  return typeof stored === "string" && stored !== "" ? stored : id;
}

/** The diff of an uncertain record: a change (so `up` settles it in update), never a replacement. */
export function uncertainDiff(olds: Props): pulumi.dynamic.DiffResult | undefined {
  return uncertainOf(olds) ? { changes: true, replaces: [], deleteBeforeReplace: false } : undefined;
}

/** Says, where the CLI shows it, that an uncertain record turned out not to be held. */
export function reportNotHeld(kind: string, mark: UncertainMark): void {
  process.stderr.write(
    `${kind}: ${mark.number} was recorded as uncertain (${mark.reason}); the account does not hold it, so it was not rented. It reads as gone; the next \`pulumi up\` rents a number.\n`,
  );
}
