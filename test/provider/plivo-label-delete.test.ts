/**
 * A Plivo order whose create took a number by its label (a buy of an earlier run that never reached
 * state) and then failed keeps the take-by-label mark on its partial record, so its delete releases
 * the number instead of taking it for a replacement's (issue 11: "delete returned but ... is still
 * held"). Its own file: the label index is walked once per process, before any create with an identity.
 */
import { stripMeta } from "../../provider/core/check.js";
import { unclaim } from "../../provider/core/claims.js";
import { plivoSettings } from "../../provider/core/config.js";
import { labelFor } from "../../provider/core/labels.js";
import type { PartialSuccessError } from "../../provider/core/outcome.js";
import { provider } from "../../provider/index.js";
import { admin, fault, heldBy, type Sandbox, start } from "../support/sandbox.js";

const plivo = provider("plivo-number-order");
let sb: Sandbox;

beforeAll(async () => {
  sb = await start();
});
afterAll(async () => {
  await sb.close();
});

const heldPlivo = async () => (await heldBy(sb, "plivo")).map((n) => n.replace(/^\+/, ""));

it("Plivo: the delete of a failed create that took a number by its label releases that number", async () => {
  const identity = "test/label-delete";
  const { inputs: news } = await plivo.check!(
    {},
    { __provider: "shim-text", __identity: identity, countryIso: "US", quantity: 2 },
  );
  // An earlier run bought a number and labelled it, then lost it before it reached state.
  const label = labelFor(identity, stripMeta(news!));
  const { inputs: earlier } = await plivo.check!(
    {},
    { __provider: "shim-text", countryIso: "US", quantity: 1, alias: label },
  );
  const lost = await plivo.create!(earlier!);
  const x = (lost.outs.numbers as string[])[0]!;
  const s = plivoSettings();
  unclaim(`plivo:${s.baseUrl}:${s.authId}`, x); // its process is gone

  // The rerun takes it by its label; buying the second number fails (refused, not ambiguous).
  await fault(sb, {
    vendor: "plivo",
    method: "POST",
    path: "/PhoneNumber/\\d+/$",
    action: { type: "status", status: 403 },
  });
  const err = (await plivo.create!(news!).then(
    () => undefined,
    (e: unknown) => e,
  )) as PartialSuccessError | undefined;
  await admin(sb, "DELETE", "faults");
  expect(err?.name).toBe("PartialSuccessError");
  expect(err!.properties.numbers).toEqual([x]);
  expect(await heldPlivo()).toContain(x.replace(/^\+/, ""));

  await plivo.delete!(err!.id, err!.properties);
  expect(await heldPlivo()).not.toContain(x.replace(/^\+/, ""));
});
