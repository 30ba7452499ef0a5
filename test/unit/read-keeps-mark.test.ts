/**
 * A refresh keeps the take-by-label mark (`__tookByLabel`) of every number kind: read returns it
 * when the stored props had it (core/marks.ts), as update does, so a delete in the same process
 * still knows the number was taken by its label. Against the sandbox, through provider(kind).
 */
import { TOOK_BY_LABEL } from "../../provider/core/labels.js";
import { provider } from "../../provider/index.js";
import { type Sandbox, start } from "../support/sandbox.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await start();
});
afterAll(async () => {
  await sb.close();
});

it.each([
  ["exophone", { region: "KA" }],
  ["plivo-number-order", { countryIso: "US" }],
  ["apifonica-number", { countryCode: "GB" }],
])("%s: read carries the mark through, and adds none", async (kind, fields) => {
  const p = provider(kind);
  const { inputs, failures } = await p.check!({}, { __provider: "shim", ...fields });
  expect(failures ?? []).toEqual([]);
  const created = await p.create!(inputs);
  const marked = await p.read!(created.id!, { ...created.outs, [TOOK_BY_LABEL]: true });
  expect(marked.props?.[TOOK_BY_LABEL]).toBe(true);
  const plain = await p.read!(created.id!, created.outs);
  expect(plain.props?.[TOOK_BY_LABEL]).toBeUndefined();
  await p.delete!(created.id!, created.outs);
});
