import { PartialSuccessError } from "../../provider/core/outcome.js";
import { provider } from "../../provider/index.js";
import { clearLog, fault, pool, requests, type Sandbox, start, vendor } from "../support/sandbox.js";

// Ambiguous purchases are looked at for 1.5 s here (60 s by default; see provider/core/purchase.ts).
process.env.PHONE_NUMBERS_SETTLE_MS ??= "1500";

const num = provider("apifonica-number");
const app = provider("apifonica-application");
let sb: Sandbox;

beforeAll(async () => {
  sb = await start();
});
afterAll(async () => {
  await sb.close();
});

async function checked(p: typeof num, news: Record<string, unknown>) {
  const { inputs, failures } = await p.check!({}, { __provider: "shim", ...news });
  expect(failures ?? []).toEqual([]);
  return inputs;
}

describe("ApifonicaApplication and ApifonicaNumber against the sandbox", () => {
  it("routes a number through an application, detects drift in both, repairs, and cleans up", async () => {
    const appNews = await checked(app, {
      controller: "https://example.com/ivr",
      method: "POST",
      name: "ivr",
    });
    const application = await app.create!(appNews);
    expect(application.outs).toMatchObject({
      applicationSid: application.id,
      controller: "https://example.com/ivr",
      method: "POST",
    });

    const news = await checked(num, {
      countryCode: "GB",
      type: "local",
      callAppSid: application.id,
      name: "uk-support",
    });
    const created = await num.create!(news);
    expect(created.outs).toMatchObject({
      countryCode: "GB",
      callAppSid: application.id,
      name: "uk-support",
      monthlyRental: expect.stringMatching(/^\d+\.\d{2}$/),
      currency: expect.stringMatching(/^[A-Z]{3}$/),
    });
    expect(created.outs.number).toMatch(/^\+44/);
    expect(created.outs).not.toHaveProperty("callController");
    const read = await num.read!(created.id, created.outs);
    expect(await num.diff!(created.id, read.props!, news)).toMatchObject({ changes: false });

    // The controller changed in the console: the application drifts; the number copies no URL of it
    // (it would go stale), so only the application shows the change.
    expect(
      (
        await vendor(sb, "apifonica", "PUT", `/applications/${application.id}`, {
          controller: "https://evil.example/x",
        })
      ).status,
    ).toBe(200);
    const appRead = await app.read!(application.id, application.outs);
    expect(appRead.props!.controller).toBe("https://evil.example/x");
    expect(await app.diff!(application.id, appRead.props!, appNews)).toMatchObject({
      changes: true,
      replaces: [],
    });
    expect((await num.read!(created.id, read.props!)).props!).not.toHaveProperty("callController");
    const repaired = await app.update!(application.id, appRead.props!, appNews);
    expect(repaired.outs!.controller).toBe("https://example.com/ivr");

    // The number was unlinked by hand: drift on callAppSid, repaired in place.
    expect(
      (
        await vendor(sb, "apifonica", "PUT", `/numbers/${created.id}`, {
          call_app_sid: "default_call_app_sid",
        })
      ).status,
    ).toBe(200);
    const unlinked = await num.read!(created.id, read.props!);
    expect(unlinked.props!.callAppSid).toBeNull();
    expect(await num.diff!(created.id, unlinked.props!, news)).toMatchObject({ changes: true, replaces: [] });
    const relinked = await num.update!(created.id, unlinked.props!, news);
    expect(relinked.outs!.callAppSid).toBe(application.id);

    await num.delete!(created.id, relinked.outs!);
    expect((await num.read!(created.id, relinked.outs!)).id).toBe("");
    await app.delete!(application.id, repaired.outs!);
    expect((await app.read!(application.id, repaired.outs!)).id).toBe("");
    await app.delete!(application.id, repaired.outs!); // gone already: success
  });

  it("an application whose read after the create fails has the outputs it was sent", async () => {
    await fault(sb, {
      vendor: "apifonica",
      method: "GET",
      path: "/applications/",
      action: { type: "status", status: 400 },
      times: 1,
    });
    const news = await checked(app, { controller: "https://example.com/cb", method: "GET", events: "all" });
    const created = await app.create!(news);
    expect(created.outs).toEqual({
      stateVersion: 1,
      applicationSid: created.id,
      controller: "https://example.com/cb",
      method: "GET",
      name: null,
      events: "all",
    });
    // The first refresh fills in the vendor's defaults (the sandbox names it after the account).
    expect((await app.read!(created.id, created.outs)).props).toEqual({
      ...created.outs,
      name: expect.stringMatching(/^acc/),
    });
    await app.delete!(created.id, created.outs);
  });

  it("keeps a rented number in state when linking its routing fails", async () => {
    const application = await app.create!(
      await checked(app, { controller: "https://example.com/sms", method: "GET" }),
    );
    await fault(sb, {
      vendor: "apifonica",
      method: "PUT",
      path: "/numbers/",
      action: { type: "status", status: 400 },
      times: 1,
    });
    const news = await checked(num, {
      countryCode: "IE",
      msgAppSid: application.id,
      mode: "xml",
      name: "ie",
    });
    // msgAppSid is linked at rent; `name` needs the PUT that fails.
    const err = (await num.create!(news).catch((e: unknown) => e)) as PartialSuccessError;
    expect(err).toBeInstanceOf(PartialSuccessError);
    expect(err.id).toMatch(/\S/);
    expect(err.properties).toMatchObject({ numberSid: err.id });
    // The next up finishes the job through update.
    const fixed = await num.update!(err.id, err.properties, news);
    expect(fixed.outs).toMatchObject({ msgAppSid: application.id, name: "ie" });
    await num.delete!(err.id, fixed.outs!);
    await app.delete!(application.id, {});
  });

  it("never rents twice when the connection drops after the rent", async () => {
    await clearLog(sb);
    await fault(sb, {
      vendor: "apifonica",
      method: "POST",
      path: "/numbers$",
      action: { type: "reset", when: "after" },
      times: 1,
    });
    const created = await num.create!(await checked(num, { countryCode: "US" }));
    const rents = (await requests(sb, "apifonica")).filter(
      (r) => r.method === "POST" && /\/numbers$/.test(r.path),
    );
    expect(rents).toHaveLength(1);
    await num.delete!(created.id, created.outs);
  });

  it("creates by search with a rent and one labelling PUT each, no read back, outputs as a read gives them", async () => {
    await clearLog(sb);
    const made = await pool(
      Array.from({ length: 12 }, (_, i) => i),
      12,
      async (i) =>
        num.create!(
          await checked(num, {
            countryCode: i % 2 ? "GB" : "IE",
            type: "local",
            __identity: `shop/prod/n${i}`,
          }),
        ),
    );
    const log = await requests(sb, "apifonica");
    const shapes = log.map((r) => `${r.method} ${r.path.replace(/\/numbers\/[^/?]+/, "/numbers/:id")}`);
    const count = (shape: string) => shapes.filter((x) => x.startsWith(shape)).length;
    expect(count("POST") + count("PUT")).toBe(24); // a rent and a PUT (label) per number
    expect(shapes.filter((x) => /^GET .*\/numbers\/:id/.test(x))).toEqual([]);
    // The cost list is walked by lookups shared between the creates, not once per create.
    expect(shapes.filter((x) => x.includes("/balance/numbers")).length).toBeLessThanOrEqual(6);
    for (const m of made) {
      expect(m.outs.name).toMatch(/^pulumi:shop\/prod\/n/);
      expect(m.outs.monthlyRental).toMatch(/^\d+\.\d{2}$/);
      const read = await num.read!(m.id, m.outs);
      expect(read.props).toEqual(m.outs);
    }
    await pool(made, 6, (m) => num.delete!(m.id, m.outs));
  });

  it("adopts a held number from its list record: no read back, outputs as a read gives them", async () => {
    const avail = (await vendor(sb, "apifonica", "GET", "/availableNumbers/GB")).json as {
      available_numbers: Array<{ number: string }>;
    };
    const number = avail.available_numbers[0]!.number;
    expect((await vendor(sb, "apifonica", "POST", "/numbers", { number })).status).toBe(201);
    await clearLog(sb);
    const adopted = await num.create!(await checked(num, { number, adopt: true }));
    const log = await requests(sb, "apifonica");
    expect(log.filter((r) => r.method === "GET" && /\/numbers\/[^/]+$/.test(r.path))).toEqual([]);
    expect(log.filter((r) => r.method !== "GET")).toEqual([]);
    expect((await num.read!(adopted.id, adopted.outs)).props).toEqual(adopted.outs);
    await num.delete!(adopted.id, adopted.outs);
  });
});
