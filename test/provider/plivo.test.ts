import { PartialSuccessError } from "../../provider/core/outcome.js";
import { provider } from "../../provider/index.js";
import { admin, clearLog, fault, requests, type Sandbox, start, vendor } from "../support/sandbox.js";

// Ambiguous purchases are looked at for 1.5 s here (60 s by default; see provider/core/purchase.ts).
process.env.PHONE_NUMBERS_SETTLE_MS ??= "1500";

const p = provider("plivo-number-order");
let sb: Sandbox;

beforeAll(async () => {
  sb = await start();
});
afterAll(async () => {
  await sb.close();
});

async function checked(news: Record<string, unknown>) {
  const { inputs, failures } = await p.check!({}, { __provider: "shim", ...news });
  expect(failures ?? []).toEqual([]);
  return inputs;
}

async function held(): Promise<string[]> {
  const out: string[] = [];
  let path: string | null = "/Number/?limit=20&offset=0";
  while (path) {
    const page = (await vendor(sb, "plivo", "GET", path)).json as {
      meta: { next: string | null };
      objects: { number: string }[];
    };
    out.push(...page.objects.map((o) => `+${o.number}`));
    path = page.meta.next ? page.meta.next.replace(/^.*\/Number\//, "/Number/") : null;
  }
  return out;
}

describe("PlivoNumberOrder lifecycle against the sandbox", () => {
  it("buys three numbers, reads without drift, changes quantity up and down in place, and releases", async () => {
    const news = await checked({ countryIso: "US", quantity: 3, alias: "sales" });
    const created = await p.create!(news);
    const numbers = created.outs.numbers as string[];
    expect(numbers).toHaveLength(3);
    expect(created.outs).toMatchObject({ status: "fulfilled", quantity: 3, alias: "sales", currency: "USD" });
    for (const n of numbers) expect(n).toMatch(/^\+1\d{10}$/);

    const read = await p.read!(created.id, created.outs);
    expect(read.props!.numbers).toEqual(numbers);
    expect(await p.diff!(created.id, read.props!, news)).toMatchObject({ changes: false });

    // Drift: an alias changed in the console.
    expect(
      (await vendor(sb, "plivo", "POST", `/Number/${numbers[1]!.slice(1)}/`, { alias: "renamed" })).status,
    ).toBe(202);
    const drifted = await p.read!(created.id, read.props!);
    expect(drifted.props!.alias).toBe("mixed");
    expect(await p.diff!(created.id, drifted.props!, news)).toMatchObject({ changes: true, replaces: [] });

    const up = await p.update!(created.id, drifted.props!, { ...news, quantity: 4 });
    expect(up.outs!.numbers).toHaveLength(4);
    expect((up.outs!.numbers as string[]).slice(0, 3)).toEqual(numbers);
    expect(up.outs!.alias).toBe("sales");

    // Down releases the most recently added first.
    const down = await p.update!(created.id, up.outs!, { ...news, quantity: 2 });
    expect(down.outs!.numbers).toEqual(numbers.slice(0, 2));
    const account = await held();
    expect(account).not.toContain(numbers[2]);

    await p.delete!(created.id, down.outs!);
    const after = await held();
    for (const n of numbers) expect(after).not.toContain(n);
    expect((await p.read!(created.id, down.outs!)).id).toBe("");
  });

  it("completes a pending group order when its numbers arrive", async () => {
    const groups = (await vendor(sb, "plivo", "GET", "/AvailableNumberGroup/?country_iso=FR&limit=5"))
      .json as {
      objects: { group_id: string }[];
    };
    const groupId = groups.objects[0]!.group_id;
    const created = await p.create!(await checked({ countryIso: "FR", groupId, quantity: 2 }));
    expect(created.outs).toMatchObject({ status: "pending", numbers: [], quantity: 2 });
    expect(created.outs.pendingDetails).toMatch(/Order for 2 numbers/);

    const before = await p.read!(created.id, created.outs);
    expect(before.props).toMatchObject({ status: "pending", numbers: [] });

    const { orders } = await admin<{ orders: { id: string; status: string }[] }>(sb, "GET", "plivo/orders");
    const open = orders.filter((o) => o.status === "pending");
    expect(open).toHaveLength(1);
    await admin(sb, "POST", `plivo/orders/${open[0]!.id}/complete`);

    const after = await p.read!(created.id, before.props!);
    expect(after.props).toMatchObject({ status: "fulfilled", quantity: 2 });
    expect(after.props!.numbers as string[]).toHaveLength(2);
    for (const n of after.props!.numbers as string[]) expect(n).toMatch(/^\+33/);
    await p.delete!(created.id, after.props!);
  });

  it("adopts numbers the account holds without buying", async () => {
    const search = (await vendor(sb, "plivo", "GET", "/PhoneNumber/?country_iso=GB&limit=2")).json as {
      objects: { number: string }[];
    };
    for (const o of search.objects)
      expect((await vendor(sb, "plivo", "POST", `/PhoneNumber/${o.number}/`, {})).status).toBe(201);
    await clearLog(sb);
    const numbers = search.objects.map((o) => `+${o.number}`);
    const created = await p.create!(await checked({ countryIso: "GB", numbers, adopt: true }));
    expect(created.outs.numbers).toEqual(numbers);
    expect(
      (await requests(sb, "plivo")).filter((r) => r.path.includes("/PhoneNumber/") && r.method === "POST"),
    ).toEqual([]);
    await p.delete!(created.id, created.outs);
  });

  it("keeps what was bought when a later purchase of the order fails", async () => {
    const search = (await vendor(sb, "plivo", "GET", "/PhoneNumber/?country_iso=US&pattern=212&limit=2"))
      .json as {
      objects: { number: string }[];
    };
    const [a, b] = search.objects.map((o) => `+${o.number}`);
    // Someone takes the second number between the plan and the purchase.
    expect((await vendor(sb, "plivo", "POST", `/PhoneNumber/${b!.slice(1)}/`, {})).status).toBe(201);
    const err = (await p.create!(await checked({ countryIso: "US", numbers: [a, b] })).catch(
      (e: unknown) => e,
    )) as PartialSuccessError;
    expect(err).toBeInstanceOf(PartialSuccessError);
    expect(err.id).toMatch(/^plivo-order-/);
    expect(err.properties).toMatchObject({ numbers: [a], status: "partial" });
    expect(err.message).toMatch(/already held by this Plivo account; set adopt: true/);
    await p.delete!(err.id, err.properties);
    await vendor(sb, "plivo", "DELETE", `/Number/${b!.slice(1)}/`);
  });

  it("never orders twice after an ambiguous buy failure", async () => {
    await clearLog(sb);
    await fault(sb, {
      vendor: "plivo",
      method: "POST",
      path: "/PhoneNumber/",
      action: { type: "reset", when: "after" },
      times: 1,
    });
    const created = await p.create!(await checked({ countryIso: "US", quantity: 1 }));
    expect(created.outs.numbers).toHaveLength(1);
    const buys = (await requests(sb, "plivo")).filter(
      (r) => r.method === "POST" && r.path.includes("/PhoneNumber/"),
    );
    expect(buys).toHaveLength(1);
    await p.delete!(created.id, created.outs);
  });
});
