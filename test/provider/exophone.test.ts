import { provider } from "../../provider/index.js";
import { clearLog, fault, pool, requests, type Sandbox, start, vendor } from "../support/sandbox.js";

// Ambiguous purchases are looked at for 1.5 s here (60 s by default; see provider/core/purchase.ts).
process.env.PHONE_NUMBERS_SETTLE_MS ??= "1500";

const p = provider("exophone");
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

const posts = async () => (await requests(sb, "exotel")).filter((r) => r.method === "POST");

describe("ExoPhone lifecycle against the sandbox", () => {
  it("rents by criteria, reads back without drift, updates in place, and releases", async () => {
    const news = await checked({
      region: "KA",
      voiceUrl: "https://my.exotel.com/acme/exoml/start_voice/1",
      friendlyName: "support",
    });
    const created = await p.create!(news);
    expect(created.id).toMatch(/\S/);
    expect(created.outs).toMatchObject({
      region: "KA",
      country: "IN",
      numberType: "Landline",
      voiceUrl: "https://my.exotel.com/acme/exoml/start_voice/1",
      friendlyName: "support",
      currency: expect.any(String),
      // No read after the rent (one request per number): connectivity arrives with the first refresh.
      connectivity: null,
    });
    expect(created.outs.phoneNumber).toMatch(/^\+91\d{10}$/);
    expect(created.outs.monthlyRental).toMatch(/^\d+\.\d{6}$/);

    const read = await p.read!(created.id, created.outs);
    expect(read.id).toBe(created.id);
    // A refresh right after create changes nothing but filling in connectivity, which the diff ignores.
    expect(read.props).toEqual({ ...created.outs, connectivity: read.props!.connectivity });
    expect(read.props!.connectivity).toMatchObject({
      incomingCall: { status: "active", alternateExophones: [] },
      outgoingCall: expect.any(Object),
    });
    expect(await p.diff!(created.id, read.props!, news)).toMatchObject({ changes: false });

    // Drift: the voice URL changed in the dashboard.
    const oob = await vendor(sb, "exotel", "PUT", `/IncomingPhoneNumbers/${created.id}`, {
      VoiceUrl: "https://my.exotel.com/acme/exoml/start_voice/999",
    });
    expect(oob.status).toBe(200);
    const drifted = await p.read!(created.id, read.props!);
    expect(drifted.props!.voiceUrl).toBe("https://my.exotel.com/acme/exoml/start_voice/999");
    expect(await p.diff!(created.id, drifted.props!, news)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });

    // up repairs it in place.
    const updated = await p.update!(created.id, drifted.props!, news);
    expect(updated.outs!.voiceUrl).toBe("https://my.exotel.com/acme/exoml/start_voice/1");
    expect(updated.outs!.phoneNumber).toBe(created.outs.phoneNumber);

    // Criteria the number still satisfies are no change; contains the last four digits.
    const last4 = String(created.outs.phoneNumber).slice(-4);
    expect(await p.diff!(created.id, updated.outs!, { ...news, contains: last4 })).toMatchObject({
      changes: false,
    });

    await p.delete!(created.id, updated.outs!);
    expect((await p.read!(created.id, updated.outs!)).id).toBe("");
    await expect(p.delete!(created.id, updated.outs!)).resolves.toBeUndefined(); // already released: success
  });

  it("reads a number released outside Pulumi as gone", async () => {
    const created = await p.create!(await checked({ region: "DL" }));
    expect((await vendor(sb, "exotel", "DELETE", `/IncomingPhoneNumbers/${created.id}`)).status).toBe(202);
    expect(await p.read!(created.id, created.outs)).toEqual({ id: "", props: {} });
  });

  it("makes no HTTP call for bad input", async () => {
    await clearLog(sb);
    const { failures } = await p.check!({}, { region: "XX", numberType: "Fax", voiceUrl: "nope" });
    expect(failures).toHaveLength(3);
    expect(await requests(sb)).toEqual([]);
  });

  it("never buys twice when the connection drops after the rent was committed", async () => {
    await clearLog(sb);
    await fault(sb, {
      vendor: "exotel",
      method: "POST",
      path: "IncomingPhoneNumbers",
      action: { type: "reset", when: "after" },
      times: 1,
    });
    const created = await p.create!(await checked({ region: "MH" }));
    expect(created.outs.region).toBe("MH");
    expect(await posts()).toHaveLength(1);
    const held = (await vendor(sb, "exotel", "GET", "/IncomingPhoneNumbers?PageSize=100")).json as {
      incoming_phone_numbers: { phone_number: string }[];
    };
    expect(
      held.incoming_phone_numbers.filter((n) => n.phone_number === created.outs.phoneNumber),
    ).toHaveLength(1);
    await p.delete!(created.id, created.outs);
  });

  it("does not retry a rent that failed with a 500 and says so", async () => {
    await clearLog(sb);
    await fault(sb, {
      vendor: "exotel",
      method: "POST",
      path: "IncomingPhoneNumbers",
      action: { type: "status", status: 500 },
      times: 1,
    });
    // A 500 is ambiguous: the provider looks in the account, sees nothing, and moves on to the next candidate.
    const created = await p.create!(await checked({ region: "GJ" }));
    const log = await requests(sb, "exotel");
    const rents = log.filter((r) => r.method === "POST");
    expect(rents.map((r) => r.status)).toEqual([500, 200]);
    await p.delete!(created.id, created.outs);
  });

  it("adopts a number the account already holds without buying it", async () => {
    const [candidate] = (await vendor(sb, "exotel", "GET", "/AvailablePhoneNumbers/IN/Landline?InRegion=TN"))
      .json as { phone_number: string }[];
    const rented = (
      await vendor(sb, "exotel", "POST", "/IncomingPhoneNumbers", { PhoneNumber: candidate!.phone_number })
    ).json as { sid: string };
    await clearLog(sb);
    const created = await p.create!(
      await checked({ phoneNumber: candidate!.phone_number, adopt: true, friendlyName: "adopted" }),
    );
    expect(created.id).toBe(rented.sid);
    expect(created.outs.friendlyName).toBe("adopted");
    expect(await posts()).toEqual([]);
    await p.delete!(created.id, created.outs);
  });

  it("refuses to rent a number the account already holds unless adopt is set", async () => {
    const [candidate] = (await vendor(sb, "exotel", "GET", "/AvailablePhoneNumbers/IN/Landline?InRegion=KL"))
      .json as { phone_number: string }[];
    const rented = (
      await vendor(sb, "exotel", "POST", "/IncomingPhoneNumbers", { PhoneNumber: candidate!.phone_number })
    ).json as { sid: string };
    await expect(p.create!(await checked({ phoneNumber: candidate!.phone_number }))).rejects.toThrow(
      /already held.*adopt: true/,
    );
    await vendor(sb, "exotel", "DELETE", `/IncomingPhoneNumbers/${rented.sid}`);
  });

  it("fails a release loudly instead of forgetting a billed number", async () => {
    const created = await p.create!(await checked({ region: "RJ" }));
    const id = await fault(sb, {
      vendor: "exotel",
      method: "DELETE",
      action: { type: "status", status: 500 },
      times: 0,
    });
    await expect(p.delete!(created.id, created.outs)).rejects.toThrow(
      /exotel releaseNumber failed: HTTP 500/,
    );
    await fetch(`${sb.url}/__sandbox/faults/${id}`, { method: "DELETE" });
    await p.delete!(created.id, created.outs);
  });

  it("answers a refresh of many numbers from list pages instead of one GET each", async () => {
    const made = await pool(Array.from({ length: 24 }), 4, () =>
      checked({ region: "UE" }).then((n) => p.create!(n)),
    );
    await clearLog(sb);
    const reads = await pool(made, 8, (c) => p.read!(c.id, c.outs));
    expect(reads.every((r, i) => r.id === made[i]!.id)).toBe(true);
    const gets = (await requests(sb, "exotel")).filter((r) => r.method === "GET");
    expect(gets.length).toBeLessThan(made.length / 2);
    await pool(made, 4, (c) => p.delete!(c.id, c.outs));
  });
});

describe("adopting an exported inventory", () => {
  it("adopts many numbers from shared list walks, not one walk per number", async () => {
    const available = (await vendor(sb, "exotel", "GET", "/AvailablePhoneNumbers/IN/Landline?InRegion=PB"))
      .json as {
      phone_number: string;
    }[];
    const numbers = available.slice(0, 30).map((a) => a.phone_number);
    for (const n of numbers)
      expect((await vendor(sb, "exotel", "POST", "/IncomingPhoneNumbers", { PhoneNumber: n })).status).toBe(
        200,
      );
    await clearLog(sb);
    const adopted = await pool(numbers, 8, async (n) =>
      p.create!(await checked({ phoneNumber: n, adopt: true })),
    );
    expect(adopted.map((a) => a.outs.phoneNumber)).toEqual(numbers);
    const log = await requests(sb, "exotel");
    expect(log.filter((r) => r.method === "POST")).toEqual([]);
    // 30 adoptions from an account of 30+ numbers; one walk per adoption would be 30+ list requests.
    expect(
      log.filter((r) => r.method === "GET" && r.path.endsWith("/IncomingPhoneNumbers")).length,
    ).toBeLessThan(12);
    await pool(adopted, 8, (a) => p.delete!(a.id, a.outs));
  });
});
