/**
 * One case per place where the vendor documents disagree or leave something open (issue 12): each
 * alternative is a sandbox variant, and each test pins what the clients and resources do with it.
 */
import { jest } from "@jest/globals";
import { apifonicaClient } from "../../provider/apifonica/client.js";
import { setEchoLog } from "../../provider/core/echoes.js";
import type { VendorApiError } from "../../provider/core/errors.js";
import { exotelClient, exotelNationalForm, otherRentForm } from "../../provider/exotel/client.js";
import { provider } from "../../provider/index.js";
import { plivoClient } from "../../provider/plivo/client.js";
import { admin, clearLog, fault, requests, type Sandbox, start, vendor } from "../support/sandbox.js";

const exophone = provider("exophone");
const order = provider("plivo-number-order");
const number = provider("apifonica-number");

async function checked(p: typeof exophone, news: Record<string, unknown>) {
  const { inputs, failures } = await p.check!({}, { __provider: "shim", ...news });
  expect(failures ?? []).toEqual([]);
  return inputs;
}

/** Runs `fn` with a sandbox in `variants`, closed afterwards. */
async function inVariant(variants: string[], fn: (sb: Sandbox) => Promise<void>): Promise<void> {
  const sb = await start({ variants });
  try {
    await fn(sb);
  } finally {
    await sb.close();
  }
}

/** The numbers each account holds, per vendor (admin API). */
function holdings(sb: Sandbox): Promise<{ exotel: Record<string, string[]> }> {
  return admin(sb, "GET", "holdings");
}

const exotel = (sb: Sandbox) => exotelClient({ ...sb.accounts.exotel[0]!, baseUrl: `${sb.url}/exotel` });

async function firstKA(sb: Sandbox) {
  const [c] = await exotel(sb).searchAvailableNumbers({
    country: "IN",
    numberType: "Landline",
    inRegion: "KA",
  });
  return c!;
}

async function rentPosts(sb: Sandbox) {
  return (await requests(sb, "exotel")).filter(
    (r) => r.method === "POST" && r.path.endsWith("/IncomingPhoneNumbers"),
  );
}

/** A v2 details answer fetched raw, as curl would. */
async function rawV2(sb: Sandbox, sid: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const a = sb.accounts.exotel[0]!;
  const res = await fetch(`${sb.url}/exotel/v2/accounts/${a.accountSid}/incoming-phone-numbers/${sid}`, {
    headers: { authorization: `Basic ${Buffer.from(`${a.apiKey}:${a.apiToken}`).toString("base64")}` },
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe("the other documented form of the rent's PhoneNumber", () => {
  it("computes both forms: E.164 and the national number with its trunk 0", () => {
    expect(otherRentForm("+918047091234")).toBe("08047091234");
    expect(otherRentForm("08047091234")).toBe("+918047091234");
    expect(exotelNationalForm("+911139585476")).toBe("01139585476"); // the v2 example's sid
    expect(otherRentForm("not a number")).toBeUndefined();
  });

  it("national-only account: the search's E.164 is refused (400), the national form is sent once and rents", async () => {
    await inVariant(["exotel-rent-national-only"], async (sb) => {
      const c = await firstKA(sb);
      await clearLog(sb);
      const rented = await exotel(sb).rent({ phoneNumber: c.phone_number });
      expect(rented.phone_number).toBe(c.phone_number);
      expect((await rentPosts(sb)).map((r) => r.status)).toEqual([400, 200]);
    });
  });

  it("E.164-only account: the search's form rents at once, with one request", async () => {
    await inVariant(["exotel-rent-e164-only"], async (sb) => {
      const c = await firstKA(sb);
      await clearLog(sb);
      await exotel(sb).rent({ phoneNumber: c.phone_number });
      expect((await rentPosts(sb)).map((r) => r.status)).toEqual([200]);
      // A national number given by a user is refused there and rented in E.164.
      const [, d] = await exotel(sb).searchAvailableNumbers({
        country: "IN",
        numberType: "Landline",
        inRegion: "KA",
      });
      const rented = await exotel(sb).rent({ phoneNumber: exotelNationalForm(d!.phone_number)! });
      expect(rented.phone_number).toBe(d!.phone_number);
    });
  });

  it("a number refused in both forms is reported with the first answer; nothing else is sent", async () => {
    await inVariant(["exotel-rent-national-only"], async (sb) => {
      const c = await firstKA(sb);
      await exotel(sb).rent({ phoneNumber: c.phone_number });
      await clearLog(sb);
      const err = (await exotel(sb)
        .rent({ phoneNumber: c.phone_number })
        .catch((e: unknown) => e)) as VendorApiError;
      expect(err.status).toBe(400);
      expect(err.ambiguous).toBe(false);
      expect(err.vendorMessage).toMatch(/national number/);
      expect((await rentPosts(sb)).map((r) => r.status)).toEqual([400, 400]);
    });
  });

  it("an ambiguous answer to the second form reaches the caller as ambiguous (it may have rented)", async () => {
    await inVariant(["exotel-rent-national-only"], async (sb) => {
      const c = await firstKA(sb);
      await fault(sb, {
        vendor: "exotel",
        method: "POST",
        path: "IncomingPhoneNumbers$",
        skip: 1,
        times: 1,
        action: { type: "reset", when: "after" },
      });
      const err = (await exotel(sb)
        .rent({ phoneNumber: c.phone_number })
        .catch((e: unknown) => e)) as VendorApiError;
      expect(err.ambiguous).toBe(true);
      expect((await holdings(sb)).exotel[sb.accounts.exotel[0]!.accountSid]).toEqual([c.phone_number]);
    });
  });

  it("ExoPhone rents an exact number on a national-only account without buying twice", async () => {
    await inVariant(["exotel-rent-national-only"], async (sb) => {
      const c = await firstKA(sb);
      const created = await exophone.create!(await checked(exophone, { phoneNumber: c.phone_number }));
      expect(created.outs.phoneNumber).toBe(c.phone_number);
      expect((await rentPosts(sb)).map((r) => r.status)).toEqual([400, 200]);
    });
  });
});

describe("the v2 details sid", () => {
  it("national-sid account: v2 answers by the national number only; ExoPhone reads, updates and releases by the rent sid", async () => {
    await inVariant(["exotel-v2-national-sid"], async (sb) => {
      const lines: string[] = [];
      const spy = jest
        .spyOn(console, "log")
        .mockImplementation((line?: unknown) => void lines.push(String(line)));
      try {
        const news = await checked(exophone, { region: "KA", friendlyName: "v2-sid" });
        const created = await exophone.create!(news);
        expect(created.id).toMatch(/^[0-9a-f]{32}$/);
        const national = exotelNationalForm(String(created.outs.phoneNumber))!;
        expect((await rawV2(sb, created.id)).status).toBe(404);
        expect((await rawV2(sb, national)).status).toBe(200);

        const read = await exophone.read!(created.id, created.outs);
        expect(read.id).toBe(created.id);
        expect(read.props).toMatchObject({
          sid: created.id,
          connectivity: { incomingCall: { status: "active" } },
        });
        await exophone.read!(created.id, read.props!);
        expect(lines.filter((l) => l.includes("by its national number"))).toHaveLength(1);

        const updated = await exophone.update!(created.id, read.props!, { ...news, friendlyName: "renamed" });
        expect(updated.outs).toMatchObject({ sid: created.id, friendlyName: "renamed" });
        await exophone.delete!(created.id, updated.outs!);
        expect((await holdings(sb)).exotel).toEqual({});
      } finally {
        spy.mockRestore();
      }
    });
  });
});

describe("gone only when a second source agrees", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await start();
  });
  afterAll(async () => {
    await sb.close();
  });

  it("ExoPhone: a 404 from the v2 details alone keeps the number; gone once v2_beta agrees", async () => {
    const created = await exophone.create!(await checked(exophone, { region: "KA" }));
    const before = await exophone.read!(created.id, created.outs);
    await fault(sb, {
      vendor: "exotel",
      method: "GET",
      path: "incoming-phone-numbers/",
      times: 0,
      action: { type: "status", status: 404 },
    });
    const spy = jest.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      const kept = await exophone.read!(created.id, before.props!);
      expect(kept.id).toBe(created.id);
      expect(kept.props).toMatchObject({
        phoneNumber: created.outs.phoneNumber,
        connectivity: before.props!.connectivity,
      });
      // Released by hand: both sources say so.
      expect((await vendor(sb, "exotel", "DELETE", `/IncomingPhoneNumbers/${created.id}`)).status).toBe(202);
      expect((await exophone.read!(created.id, kept.props!)).id).toBe("");
    } finally {
      spy.mockRestore();
      await admin(sb, "DELETE", "faults");
    }
  });

  it("PlivoNumberOrder: a 404 from the number's GET keeps it while the account's list holds it", async () => {
    const created = await order.create!(await checked(order, { countryIso: "US", quantity: 1 }));
    const [held] = created.outs.numbers as string[];
    await fault(sb, {
      vendor: "plivo",
      method: "GET",
      path: `/Number/${held!.slice(1)}/$`,
      times: 0,
      action: { type: "status", status: 404 },
    });
    const spy = jest.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      const kept = await order.read!(created.id, created.outs);
      expect(kept.props).toMatchObject({ numbers: [held], status: "fulfilled" });
      expect((await vendor(sb, "plivo", "DELETE", `/Number/${held!.slice(1)}/`)).status).toBe(204);
      expect((await order.read!(created.id, kept.props!)).id).toBe("");
    } finally {
      spy.mockRestore();
      await admin(sb, "DELETE", "faults");
    }
  });

  it("ApifonicaNumber: a 404 from the get-one path keeps it while the filtered list holds it", async () => {
    const created = await number.create!(await checked(number, { countryCode: "GB" }));
    await fault(sb, {
      vendor: "apifonica",
      method: "GET",
      path: `/numbers/${created.id}$`,
      times: 0,
      action: { type: "status", status: 404 },
    });
    const spy = jest.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      const kept = await number.read!(created.id, created.outs);
      expect(kept.id).toBe(created.id);
      expect(kept.props).toMatchObject({ numberSid: created.id, number: created.outs.number });
      expect((await vendor(sb, "apifonica", "DELETE", `/numbers/${created.id}`)).status).toBe(200);
      expect((await number.read!(created.id, kept.props!)).id).toBe("");
    } finally {
      spy.mockRestore();
    }
  });
});

describe("liberal reading", () => {
  it("prices as numbers are read as the documented decimal strings", async () => {
    await inVariant(["exotel-prices-as-numbers"], async (sb) => {
      const a = sb.accounts.exotel[0]!;
      const raw = await fetch(
        `${sb.url}/exotel/v2_beta/Accounts/${a.accountSid}/AvailablePhoneNumbers/IN/Landline?InRegion=KA`,
        {
          headers: { authorization: `Basic ${Buffer.from(`${a.apiKey}:${a.apiToken}`).toString("base64")}` },
        },
      );
      const [first] = (await raw.json()) as Array<Record<string, unknown>>;
      expect(typeof first!.rental_price).toBe("number");
      const c = await firstKA(sb);
      expect(c).toMatchObject({
        rental_price: "499.000000",
        incoming_pulse: "60",
        one_time_price: "0.000000",
      });
      const created = await exophone.create!(await checked(exophone, { phoneNumber: c.phone_number }));
      expect(created.outs).toMatchObject({ monthlyRental: "499.000000", incomingPulse: "60" });
    });
  });

  it("a v2 partial success (207 beside http_code, error_data beside data) is read", async () => {
    await inVariant(["exotel-v2-207"], async (sb) => {
      const c = await firstKA(sb);
      const rented = await exotel(sb).rent({ phoneNumber: c.phone_number });
      const raw = await rawV2(sb, rented.sid);
      expect(raw.status).toBe(207);
      expect(raw.json).toMatchObject({
        http_code: 207,
        response: [{ code: 207, error_data: { code: 1003 } }],
      });
      const details = await exotel(sb).getNumberDetails(rented.sid);
      expect(details.phone_number).toBe(c.phone_number);
    });
  });

  it("outages: every connectivity status and alternate ExoPhones in either shape, as E.164 lists", async () => {
    await inVariant(["exotel-outage"], async () => {
      const created = await exophone.create!(await checked(exophone, { region: "KA" }));
      const read = await exophone.read!(created.id, created.outs);
      const conn = read.props!.connectivity as {
        incomingCall: { status: string; alternateExophones: string[] };
        outgoingCall: { status: string; alternateExophones: string[] };
      };
      expect(conn.incomingCall.status).toBe("major_outage");
      expect(conn.outgoingCall.status).toBe("partial_network_outage");
      expect(conn.incomingCall.alternateExophones).toHaveLength(2);
      expect(conn.incomingCall.alternateExophones.every((n) => /^\+91\d{10}$/.test(n))).toBe(true);
      expect(conn.outgoingCall.alternateExophones).toEqual(conn.incomingCall.alternateExophones); // objects
      expect(await exophone.diff!(created.id, read.props!, { region: "KA" })).toMatchObject({
        changes: false,
      });
    });
  });

  it("Apifonica list items without name keep the name a batched refresh cannot see", async () => {
    await inVariant(["apifonica-list-without-name"], async (sb) => {
      const made = [];
      for (const name of ["a", "b", "c", "d", "e"]) {
        made.push(await number.create!(await checked(number, { countryCode: "GB", name: `pool-${name}` })));
      }
      await clearLog(sb);
      // A burst of reads (a refresh) is answered from list pages, whose items have no name.
      const reads = await Promise.all(made.map((m) => number.read!(m.id, m.outs)));
      expect(
        (await requests(sb, "apifonica")).some((r) => r.path.endsWith("/numbers") && r.method === "GET"),
      ).toBe(true);
      expect(reads.map((r) => r.props!.name)).toEqual(["pool-a", "pool-b", "pool-c", "pool-d", "pool-e"]);
    });
  });

  it("Apifonica strict number filter: the client sends E.164 without +, which finds the number; + would not", async () => {
    await inVariant(["apifonica-strict-number-filter"], async (sb) => {
      const created = await number.create!(await checked(number, { countryCode: "GB" }));
      const e164 = String(created.outs.number);
      const api = apifonicaClient({ ...sb.accounts.apifonica[0]!, baseUrl: `${sb.url}/apifonica` });
      const found: string[] = [];
      for await (const n of api.list({ number: e164 })) found.push(n.number_sid);
      expect(found).toEqual([created.id]);
      const withPlus = await vendor(sb, "apifonica", "GET", `/numbers?number=${encodeURIComponent(e164)}`);
      expect((withPlus.json as { numbers: unknown[] }).numbers).toEqual([]);
      // Adoption looks the number up with that filter: a number rented in the console is found.
      const offer = await api.searchAvailableNumbers("GB");
      const other = offer.find((o) => o.number !== e164)!.number;
      expect((await vendor(sb, "apifonica", "POST", "/numbers", { number: other })).status).toBe(201);
      const adopted = await number.create!(await checked(number, { number: other, adopt: true }));
      expect(adopted.outs.number).toBe(other);
    });
  });

  it("Plivo default application: a number bought without appId shows it, with no drift; appId still updates", async () => {
    await inVariant(["plivo-default-app"], async (sb) => {
      const news = await checked(order, { countryIso: "US", quantity: 1 });
      const created = await order.create!(news);
      const [n] = created.outs.numbers as string[];
      const api = plivoClient({ ...sb.accounts.plivo[0]!, baseUrl: `${sb.url}/plivo` });
      expect((await api.get(n!)).application).toMatch(/\/Application\/2\d{16}\/$/);
      const read = await order.read!(created.id, created.outs);
      expect(read.props!.appId).toMatch(/^2\d{16}$/);
      expect(await order.diff!(created.id, read.props!, news)).toMatchObject({ changes: false });
      const routed = { ...news, appId: "12345678901234567" };
      expect(await order.diff!(created.id, read.props!, routed)).toMatchObject({ changes: true });
      const updated = await order.update!(created.id, read.props!, routed);
      expect(updated.outs!.appId).toBe("12345678901234567");
    });
  });
});

describe("abridged answers", () => {
  it("an update answered with a subset of the object keeps every other output as it was", async () => {
    await inVariant(["exotel-abridged-answers"], async (sb) => {
      const news = await checked(exophone, { region: "KA", voiceUrl: "https://example.com/a" });
      const created = await exophone.create!(news);
      const read = await exophone.read!(created.id, created.outs);
      const changed = { ...news, voiceUrl: "https://example.com/b" };
      const updated = await exophone.update!(created.id, read.props!, changed);
      expect(updated.outs).toEqual({ ...read.props, voiceUrl: "https://example.com/b" });
      const raw = await vendor(sb, "exotel", "GET", `/IncomingPhoneNumbers/${created.id}`);
      expect(raw.json).not.toHaveProperty("rental_price");
      expect(await exotel(sb).get(created.id)).toMatchObject({
        sid: created.id,
        voice_url: "https://example.com/b",
      });
    });
  });
});

describe("vendor-normalised echoes", () => {
  it("a flow URL Exotel stores as https://my.exotel.in is no drift, said once; a real change still is", async () => {
    await inVariant(["exotel-url-rewrite"], async (sb) => {
      const lines: string[] = [];
      const restore = setEchoLog((l) => lines.push(l));
      try {
        const sent = "http://my.exotel.com/sandbox1/exoml/start_voice/7";
        const news = await checked(exophone, { region: "KA", voiceUrl: sent });
        const created = await exophone.create!(news);
        expect(created.outs).toMatchObject({
          voiceUrl: sent,
          echoes: { voiceUrl: { sent, stored: "https://my.exotel.in/sandbox1/exoml/start_voice/7" } },
        });
        const r1 = await exophone.read!(created.id, created.outs);
        const r2 = await exophone.read!(created.id, r1.props!);
        expect(r2.props!.voiceUrl).toBe(sent);
        expect(await exophone.diff!(created.id, r2.props!, news)).toMatchObject({ changes: false });
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(
          'stored voiceUrl "http://my.exotel.com/sandbox1/exoml/start_voice/7" as "https://my.exotel.in/',
        );

        // Changed in the dashboard: drift, repaired by update, quiet again.
        await vendor(sb, "exotel", "PUT", `/IncomingPhoneNumbers/${created.id}`, {
          VoiceUrl: "https://example.com/x",
        });
        const drifted = await exophone.read!(created.id, r2.props!);
        expect(drifted.props!.voiceUrl).toBe("https://example.com/x");
        expect(await exophone.diff!(created.id, drifted.props!, news)).toMatchObject({ changes: true });
        const repaired = await exophone.update!(created.id, drifted.props!, news);
        expect(repaired.outs!.voiceUrl).toBe(sent);
        const after = await exophone.read!(created.id, repaired.outs!);
        expect(await exophone.diff!(created.id, after.props!, news)).toMatchObject({ changes: false });
        expect(lines).toHaveLength(1);

        // Old state without echoes reads as before (the stored form, under the input key).
        const { echoes: _e, ...old } = after.props!;
        expect((await exophone.read!(created.id, old)).props!.voiceUrl).toMatch(
          /^https:\/\/my\.exotel\.in\//,
        );
      } finally {
        setEchoLog(restore);
      }
    });
  });

  it("the default sandbox stores URLs verbatim: no echoes recorded", async () => {
    await inVariant([], async () => {
      const created = await exophone.create!(
        await checked(exophone, {
          region: "KA",
          voiceUrl: "http://my.exotel.com/sandbox1/exoml/start_voice/7",
        }),
      );
      expect(created.outs.echoes).toBeUndefined();
    });
  });
});
