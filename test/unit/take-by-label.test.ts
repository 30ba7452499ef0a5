/**
 * The take-by-label entry of a number (core/labels.ts) protects it from the delete of the resource it
 * was taken from, and only until the number leaves the resource that took it: the fault campaign
 * caught a later holder of the same number (released, rented again in the same process) whose delete
 * kept the number because the entry outlived its purpose.
 */
import {
  forgetTakenByLabel,
  TOOK_BY_LABEL,
  tookByLabel,
  wasTakenByLabel,
} from "../../provider/core/labels.js";

test("a delete keeps a number taken by its label only until the entry is forgotten", () => {
  tookByLabel("acct", "+14155550100");
  expect(wasTakenByLabel("acct", "+14155550100", {})).toBe(true); // the replaced resource: keep it
  expect(wasTakenByLabel("acct", "+14155550100", { [TOOK_BY_LABEL]: true })).toBe(false); // the taker
  expect(wasTakenByLabel("other", "+14155550100", {})).toBe(false);
  forgetTakenByLabel("acct", "+14155550100");
  expect(wasTakenByLabel("acct", "+14155550100", {})).toBe(false); // a later holder releases it
});
