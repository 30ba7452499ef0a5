/**
 * The take-by-label mark (core/labels.ts `TOOK_BY_LABEL`) is state only the provider writes: every
 * operation that returns props from stored props carries it through, so a refresh never drops it
 * (a delete in the same process would then release a number its replacement took).
 */
import type { Props } from "./check.js";
import { TOOK_BY_LABEL } from "./labels.js";

/** `out` with the mark when `stored` had it. */
export function keepTookByLabel<T extends Props>(stored: Props, out: T): T {
  return stored[TOOK_BY_LABEL] === true ? { ...out, [TOOK_BY_LABEL]: true } : out;
}
