/**
 * An update that releases a number its own order took by its label in this process releases it. The
 * take-by-label entry (core/labels.ts) is there so the delete of a *replaced* order keeps the number
 * its replacement took; an update's releases are never a replaced order's, yet they asked with no
 * props, so a number taken by its label was kept held and dropped from the state: billed and in no
 * state. Its own file: the label index is walked once per process, before any create with an identity.
 */
import { stripMeta } from "../../provider/core/check.js";
import { unclaim } from "../../provider/core/claims.js";
import { plivoSettings } from "../../provider/core/config.js";
import { labelFor } from "../../provider/core/labels.js";
import { provider } from "../../provider/index.js";
import { heldBy, type Sandbox, start, vendor } from "../support/sandbox.js";

const plivo = provider("plivo-number-order");
let sb: Sandbox;

beforeAll(async () => {
  sb = await start();
});
afterAll(async () => {
  await sb.close();
});

const heldPlivo = async () => (await heldBy(sb, "plivo")).map((n) => `+${n.replace(/^\+/, "")}`);

it("Plivo: an update that drops a number the order took by its label releases it", async () => {
  const search = (await vendor(sb, "plivo", "GET", "/PhoneNumber/?country_iso=US&pattern=415&limit=2"))
    .json as { objects: { number: string }[] };
  const [x, y] = search.objects.map((o) => `+${o.number}`) as [string, string];
  const identity = "test/label-update";
  const { inputs: news } = await plivo.check!(
    {},
    { __provider: "shim-text", __identity: identity, countryIso: "US", numbers: [x] },
  );
  // An earlier run bought x and labelled it, then lost it before it reached state.
  const label = labelFor(identity, stripMeta(news!));
  const { inputs: earlier } = await plivo.check!(
    {},
    { __provider: "shim-text", countryIso: "US", numbers: [x], alias: label },
  );
  await plivo.create!(earlier!);
  const s = plivoSettings();
  unclaim(`plivo:${s.baseUrl}:${s.authId}`, x); // its process is gone

  // The rerun takes x by its label instead of buying it again.
  const created = await plivo.create!(news!);
  expect(created.outs.numbers).toEqual([x]);
  expect(created.outs.__tookByLabel).toBe(true);

  // The program now wants y instead: x leaves the order, so it must be released.
  const { inputs: next } = await plivo.check!(created.outs, {
    __provider: "shim-text",
    __identity: identity,
    countryIso: "US",
    numbers: [y],
  });
  const updated = await plivo.update!(created.id, created.outs, next!);
  expect(updated.outs!.numbers).toEqual([y]);
  const held = await heldPlivo();
  expect(held).toContain(y);
  expect(held).not.toContain(x); // kept as a "replacement's" before: held, and named by no state

  await plivo.delete!(created.id, updated.outs!);
  expect(await heldPlivo()).not.toContain(y);
});
