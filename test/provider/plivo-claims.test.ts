/**
 * A Plivo order's pending numbers (buys whose outcome was not known) stay its own until the state
 * stops naming them. The fault campaign caught one number named by two orders: a refresh dropped a
 * pending number Plivo offered again (ending its in-process claim), then failed on the next pending
 * number, so the state kept naming the first; another order bought it, and the first order's next
 * read took it as its own arrival. Claims now end only once the outcome is recorded, and pending
 * numbers in state are claimed like held ones.
 */
import { provider } from "../../provider/index.js";
import { admin, clearLog, fault, requests, type Sandbox, start, vendor } from "../support/sandbox.js";
import { pendingPlivoOrder } from "../support/states.js";

process.env.PHONE_NUMBERS_SETTLE_MS ??= "1000";

const plivo = provider("plivo-number-order");
let sb: Sandbox;

beforeAll(async () => {
  sb = await start();
});
afterAll(async () => {
  await sb.close();
});

const buys = async () =>
  (await requests(sb, "plivo")).filter((r) => r.method === "POST" && /\/PhoneNumber\//.test(r.path));

test("a refresh that fails part way keeps the pending numbers the state still names", async () => {
  const search = (await vendor(sb, "plivo", "GET", "/PhoneNumber/?country_iso=US&limit=2")).json as {
    objects: { number: string }[];
  };
  const [x, y] = search.objects.map((o) => `+${o.number}`) as [string, string];
  const a = pendingPlivoOrder("US", [x, y]);
  await plivo.diff!("plivo-order-a", a, { ...a }); // the engine diffs every resource of the stack first

  // The read finds x offered again (its buy never landed) and fails on y.
  await fault(sb, {
    vendor: "plivo",
    method: "GET",
    path: `/v1/Account/[^/]+/Number/${y.slice(1)}/$`,
    times: 50,
    action: { type: "status", status: 503 },
  });
  await expect(plivo.read!("plivo-order-a", a)).rejects.toThrow(/503/);
  await admin(sb, "DELETE", "faults");

  // The state still names x: no other order of this process may buy it.
  await clearLog(sb);
  const b = await plivo.check!({}, { __provider: "shim", countryIso: "US", numbers: [x] });
  await expect(plivo.create!(b.inputs)).rejects.toThrow(/already declared by another PlivoNumberOrder/);
  expect(await buys()).toEqual([]);

  // A read that completes drops both (Plivo offers them), and then x may be bought.
  const settled = await plivo.read!("plivo-order-a", a);
  expect(settled.id).toBe("");
  const created = await plivo.create!(b.inputs);
  expect(created.outs.numbers).toEqual([x]);
  await plivo.delete!(created.id, created.outs);
});
