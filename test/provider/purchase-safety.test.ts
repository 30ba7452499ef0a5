/**
 * Purchase safety against the sandbox's injected faults (issue 11): a rent that lands after the client
 * timed out, an ambiguous rent whose look-ups fail (recorded as uncertain, settled by read or update),
 * complete outputs with __provider on partial errors, failed read-backs after a buy, ambiguous
 * releases, part-way multi-number deletes, pending Plivo orders on destroy, and shared searches.
 */
import type { PartialSuccessError } from "../../provider/core/outcome.js";
import { provider } from "../../provider/index.js";
import { admin, clearLog, fault, pool, requests, type Sandbox, start } from "../support/sandbox.js";

// The client gives up after 300 ms; an ambiguous purchase is looked at for 1.5 s.
process.env.PHONE_NUMBERS_RESPONSE_TIMEOUT_MS = "300";
process.env.PHONE_NUMBERS_SETTLE_MS = "1500";

const exo = provider("exophone");
const plivo = provider("plivo-number-order");
const num = provider("apifonica-number");
const app = provider("apifonica-application");
let sb: Sandbox;

beforeAll(async () => {
  sb = await start();
});
afterAll(async () => {
  await sb.close();
});
afterEach(async () => {
  await admin(sb, "DELETE", "faults");
});

type Holdings = Record<"exotel" | "plivo" | "apifonica" | "apifonicaApplications", Record<string, string[]>>;
const holdings = () => admin<Holdings>(sb, "GET", "holdings");
const heldCount = async (v: keyof Holdings) =>
  Object.values((await holdings())[v]).reduce((n, l) => n + l.length, 0);

async function checked(kind: ReturnType<typeof provider>, news: Record<string, unknown>) {
  const { inputs, failures } = await kind.check!({}, { __provider: "shim-text", ...news });
  expect(failures ?? []).toEqual([]);
  return inputs;
}

async function failure(p: Promise<unknown>): Promise<PartialSuccessError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!err) throw new Error("expected the operation to fail");
  return err as PartialSuccessError;
}

describe("rents that fail ambiguously", () => {
  it("Exotel: a rent that times out and then lands is found, and no second number is rented", async () => {
    const before = await heldCount("exotel");
    await clearLog(sb);
    await fault(sb, {
      vendor: "exotel",
      method: "POST",
      path: "IncomingPhoneNumbers$",
      action: { type: "latency", ms: 700, apply: "end" },
    });
    const created = await exo.create!(await checked(exo, { region: "KA" }));
    const rents = (await requests(sb, "exotel")).filter((r) => r.method === "POST");
    expect(rents).toHaveLength(1);
    expect(await heldCount("exotel")).toBe(before + 1);
    expect((await holdings()).exotel.sandbox1).toContain(created.outs.phoneNumber);
    await exo.delete!(created.id, created.outs);
    expect(await heldCount("exotel")).toBe(before);
  });

  it("Apifonica: a rent that times out and then lands is found, and no second number is rented", async () => {
    const before = await heldCount("apifonica");
    await fault(sb, {
      vendor: "apifonica",
      method: "POST",
      path: "/numbers$",
      action: { type: "latency", ms: 700, apply: "end" },
    });
    const created = await num.create!(await checked(num, { countryCode: "GB" }));
    expect(await heldCount("apifonica")).toBe(before + 1);
    await num.delete!(created.id, created.outs);
    expect(await heldCount("apifonica")).toBe(before);
  });

  it("Exotel: while the account cannot be checked the candidate is recorded as uncertain; refresh keeps it", async () => {
    const news = await checked(exo, { region: "DL", voiceUrl: "https://example.com/v" });
    await fault(sb, {
      vendor: "exotel",
      method: "POST",
      path: "IncomingPhoneNumbers$",
      action: { type: "reset", when: "after" },
    });
    await fault(sb, {
      vendor: "exotel",
      method: "GET",
      path: "IncomingPhoneNumbers$",
      action: { type: "status", status: 403 },
      times: 0,
    });
    const before = await heldCount("exotel");
    const err = await failure(exo.create!(news));
    expect(err.name).toBe("UncertainPurchaseError");
    expect(err.message).toMatch(/recorded in the stack's state as uncertain/);
    expect(await heldCount("exotel")).toBe(before + 1); // rented once, never a second candidate
    expect(err.id).toMatch(/^uncertain-91\d{10}$/);
    const props = err.properties;
    expect(props.__provider).toBe("shim-text");
    expect(props.__uncertain).toMatchObject({ number: expect.stringMatching(/^\+91/) });
    // Every output key a normal create writes.
    for (const k of [
      "sid",
      "phoneNumber",
      "region",
      "country",
      "numberType",
      "voiceUrl",
      "monthlyRental",
      "connectivity",
    ])
      expect(props).toHaveProperty(k);
    // The next diff never replaces it (that would rent a second number).
    expect(await exo.diff!(err.id, props, news)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });

    await admin(sb, "DELETE", "faults");
    const read = await exo.read!(err.id, props);
    expect(read.id).toMatch(/\S/);
    expect(read.id).not.toBe(err.id); // the vendor's sid replaces the placeholder
    expect(read.props).not.toHaveProperty("__uncertain");
    expect(read.props!.phoneNumber).toBe((props.__uncertain as { number: string }).number);
    expect(await exo.diff!(read.id!, read.props!, news)).toMatchObject({ changes: false });
    await exo.delete!(read.id!, read.props!);
    expect(await heldCount("exotel")).toBe(before);
  });

  it("Exotel: an uncertain candidate that was not held reads as gone, and update rents again", async () => {
    const news = await checked(exo, { region: "GJ" });
    // A 500 that applied nothing, and an account that cannot be listed during the window.
    await fault(sb, {
      vendor: "exotel",
      method: "POST",
      path: "IncomingPhoneNumbers$",
      action: { type: "status", status: 500 },
    });
    await fault(sb, {
      vendor: "exotel",
      method: "GET",
      path: "IncomingPhoneNumbers$",
      action: { type: "status", status: 403 },
      times: 0,
    });
    const before = await heldCount("exotel");
    const err = await failure(exo.create!(news));
    expect(err.name).toBe("UncertainPurchaseError");
    expect(await heldCount("exotel")).toBe(before);
    await admin(sb, "DELETE", "faults");
    expect(await exo.read!(err.id, err.properties)).toEqual({ id: "", props: {} });
    // Or, without a refresh, the next up's update settles it by renting.
    const updated = await exo.update!(err.id, err.properties, news);
    expect(updated.outs).not.toHaveProperty("__uncertain");
    expect(await heldCount("exotel")).toBe(before + 1);
    // Read and delete use the sid output, not the placeholder id.
    const read = await exo.read!(err.id, updated.outs!);
    expect(read.props!.phoneNumber).toBe(updated.outs!.phoneNumber);
    await exo.delete!(err.id, updated.outs!);
    expect(await heldCount("exotel")).toBe(before);
  });
});

describe("Plivo buys that fail ambiguously", () => {
  it("records an uncertain buy as pending without buying another, and a refresh claims it", async () => {
    const before = await heldCount("plivo");
    await fault(sb, {
      vendor: "plivo",
      method: "POST",
      path: "/PhoneNumber/\\d+/$",
      action: { type: "reset", when: "after" },
    });
    await fault(sb, {
      vendor: "plivo",
      method: "GET",
      path: "/Number/\\d+/$",
      action: { type: "status", status: 403 },
      times: 0,
    });
    const news = await checked(plivo, { countryIso: "US", quantity: 1 });
    const err = await failure(plivo.create!(news));
    expect(err.name).toBe("PartialSuccessError");
    expect(err.message).toMatch(/Recorded as pending, and no other number was bought/);
    expect(err.properties).toMatchObject({ status: "pending", numbers: [], __provider: "shim-text" });
    expect(await heldCount("plivo")).toBe(before + 1);
    expect((await plivo.diff!(err.id, err.properties, news)).replaces).toEqual([]);
    await admin(sb, "DELETE", "faults");
    const read = await plivo.read!(err.id, err.properties);
    expect(read.props).toMatchObject({ status: "fulfilled", pendingNumbers: [] });
    expect(read.props!.numbers).toEqual(err.properties.pendingNumbers);
    await plivo.delete!(err.id, read.props!);
    expect(await heldCount("plivo")).toBe(before);
  });
});

describe("partial results keep complete outputs", () => {
  it("Apifonica: a rent whose routing fails is kept with every output and __provider, and no replacement follows", async () => {
    const application = await app.create!(
      await checked(app, { controller: "https://example.com/c", method: "GET" }),
    );
    const news = await checked(num, {
      countryCode: "IE",
      callAppSid: application.id,
      msgAppSid: application.id,
      name: "desk",
    });
    const normal = await num.create!(await checked(num, { countryCode: "IE" }));
    await fault(sb, {
      vendor: "apifonica",
      method: "PUT",
      path: "/numbers/",
      action: { type: "status", status: 400 },
    });
    const err = await failure(num.create!(news));
    expect(err.name).toBe("PartialSuccessError");
    expect(err.properties.__provider).toBe("shim-text");
    expect(Object.keys(err.properties).sort()).toEqual([...Object.keys(normal.outs), "__provider"].sort());
    expect((await num.diff!(err.id, err.properties, news)).replaces).toEqual([]);
    const fixed = await num.update!(err.id, err.properties, news);
    expect(fixed.outs).toMatchObject({ name: "desk", callAppSid: application.id, msgAppSid: application.id });
    await num.delete!(err.id, fixed.outs!);
    await num.delete!(normal.id, normal.outs);
    await app.delete!(application.id, {});
  });

  it("Plivo: a failed read-back after a buy never buys again or forgets the number", async () => {
    const before = await heldCount("plivo");
    await clearLog(sb);
    await fault(sb, {
      vendor: "plivo",
      method: "GET",
      path: "/Number/\\d+/$",
      action: { type: "status", status: 403 },
      times: 0,
    });
    const created = await plivo.create!(await checked(plivo, { countryIso: "US", quantity: 2 }));
    expect(created.outs.numbers).toHaveLength(2);
    const buys = (await requests(sb, "plivo")).filter(
      (r) => r.method === "POST" && /PhoneNumber\/\d+\/$/.test(r.path),
    );
    expect(buys).toHaveLength(2);
    expect(await heldCount("plivo")).toBe(before + 2);
    await admin(sb, "DELETE", "faults");
    const read = await plivo.read!(created.id, created.outs);
    expect(read.props!.numbers).toEqual(created.outs.numbers);
    await plivo.delete!(created.id, read.props!);
    expect(await heldCount("plivo")).toBe(before);
  });
});

describe("deletes", () => {
  it("Exotel: a release whose answer was lost counts as released once the number is gone", async () => {
    const created = await exo.create!(await checked(exo, { region: "MH" }));
    const before = await heldCount("exotel");
    await fault(sb, { vendor: "exotel", method: "DELETE", action: { type: "reset", when: "after" } });
    await exo.delete!(created.id, created.outs);
    expect(await heldCount("exotel")).toBe(before - 1);
  });

  it("Plivo: a multi-number delete that fails part way names released and held numbers and converges", async () => {
    const created = await plivo.create!(await checked(plivo, { countryIso: "US", quantity: 3 }));
    const [a, b, c] = created.outs.numbers as string[];
    await fault(sb, {
      vendor: "plivo",
      method: "DELETE",
      path: `/Number/${b!.slice(1)}/`,
      action: { type: "status", status: 403 },
      times: 0,
    });
    const err = await failure(plivo.delete!(created.id, created.outs));
    expect(err.message).toContain(`still held:\n  ${b}`);
    expect(err.message).toContain(`released: ${a}, ${c}`);
    expect(err.message).toMatch(/pulumi up --refresh/);
    await admin(sb, "DELETE", "faults");
    // The refresh drops the released numbers; the next delete releases the rest.
    const read = await plivo.read!(created.id, created.outs);
    expect(read.props!.numbers).toEqual([b]);
    await plivo.delete!(created.id, read.props!);
    expect((await holdings()).plivo.MASANDBOX00000000001 ?? []).not.toContain(b!.slice(1));
  });

  it("Plivo: destroying a pending order claims what arrived, or fails naming the order", async () => {
    const groups = (await fetchJson(
      `${sb.url}/plivo/v1/Account/MASANDBOX00000000001/AvailableNumberGroup/?country_iso=FR`,
    )) as { objects?: { group_id: string }[] } | undefined;
    const groupId = groups?.objects?.[0]?.group_id;
    expect(groupId).toBeDefined();
    const created = await plivo.create!(await checked(plivo, { countryIso: "FR", groupId, quantity: 1 }));
    expect(created.outs.status).toBe("pending");
    const err = await failure(plivo.delete!(created.id, created.outs));
    expect(err.message).toMatch(new RegExp(`number group ${groupId}`));
    const { orders } = await admin<{ orders: { id: string }[] }>(sb, "GET", "plivo/orders?status=pending");
    for (const o of orders) await admin(sb, "POST", `plivo/orders/${o.id}/complete`);
    const before = await heldCount("plivo");
    await plivo.delete!(created.id, created.outs); // claims the arrival and releases it
    expect(await heldCount("plivo")).toBe(before - 1);
  });
});

async function fetchJson(url: string): Promise<unknown> {
  const auth = Buffer.from("MASANDBOX00000000001:sandbox-plivo-token-1").toString("base64");
  const res = await fetch(url, { headers: { authorization: `Basic ${auth}` } });
  return res.ok ? res.json() : undefined;
}

describe("shared searches", () => {
  it("Apifonica: 40 parallel creates with the same criteria all rent, one rent each, searching again as stock frees", async () => {
    await clearLog(sb);
    const news = await checked(num, { countryCode: "US", type: "local" });
    const before = await heldCount("apifonica");
    const made = await pool(Array.from({ length: 40 }), 40, () => num.create!(news));
    expect(new Set(made.map((m) => m.outs.number)).size).toBe(40);
    const log = await requests(sb, "apifonica");
    expect(log.filter((r) => r.method === "POST" && /\/numbers$/.test(r.path))).toHaveLength(40);
    const searches = log.filter((r) => r.path.includes("/availableNumbers/")).length;
    expect(searches).toBeLessThanOrEqual(12); // a search answers at most 10: 4 is the floor
    expect(await heldCount("apifonica")).toBe(before + 40);
    await pool(made, 8, (m) => num.delete!(m.id, m.outs));
  });

  it("ApifonicaApplication: an ambiguous create is not repeated and says why", async () => {
    const before = (await holdings()).apifonicaApplications;
    const count = (h: Holdings["apifonicaApplications"]) =>
      Object.values(h).reduce((n, l) => n + l.length, 0);
    await fault(sb, {
      vendor: "apifonica",
      method: "POST",
      path: "/applications$",
      action: { type: "reset", when: "after" },
    });
    const err = await failure(
      app.create!(
        await checked(app, { controller: "https://example.com/y", method: "POST", __identity: "p/s/app" }),
      ),
    );
    expect(err.message).toMatch(/no list of applications/);
    expect(err.message).toMatch(/named "pulumi:p\/s\/app#[0-9a-f]{8}"/);
    expect(count((await holdings()).apifonicaApplications)).toBe(count(before) + 1); // one, never two
  });

  it("ApifonicaApplication: a create refused with 429 is asked again after Retry-After", async () => {
    await fault(sb, {
      vendor: "apifonica",
      method: "POST",
      path: "/applications$",
      action: { type: "status", status: 429, retryAfter: 1 },
    });
    const created = await app.create!(
      await checked(app, { controller: "https://example.com/x", method: "POST" }),
    );
    expect(created.id).toMatch(/\S/);
    await app.delete!(created.id, created.outs);
  });
});
