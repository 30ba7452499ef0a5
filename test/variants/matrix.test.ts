/**
 * The variant matrix: every reading of the vendor documents the sandbox can answer in (sandbox/variants.ts),
 * one short client lifecycle and one provider lifecycle per vendor, each against a sandbox in that
 * variant. A reading the clients or resources cannot cope with fails here, named by its variant.
 * (`schema-drift` is deliberately incompatible; the doctor's test covers it.)
 */
import { jest } from "@jest/globals";
import { apifonicaClient } from "../../provider/apifonica/client.js";
import { setEchoLog } from "../../provider/core/echoes.js";
import { isNotFound } from "../../provider/core/errors.js";
import { exotelClient, exotelNationalForm } from "../../provider/exotel/client.js";
import { provider } from "../../provider/index.js";
import { plivoClient } from "../../provider/plivo/client.js";
import { VARIANT_NAMES } from "../../sandbox/index.js";
import { type Sandbox, start } from "../support/sandbox.js";

const COMPATIBLE = VARIANT_NAMES.filter((v) => v !== "schema-drift");
const CASES: string[][] = [[], ...COMPATIBLE.map((v) => [v])];

const exophone = provider("exophone");
const order = provider("plivo-number-order");
const number = provider("apifonica-number");
const application = provider("apifonica-application");

async function checked(p: typeof exophone, news: Record<string, unknown>) {
  const { inputs, failures } = await p.check!({}, { __provider: "shim", ...news });
  expect(failures ?? []).toEqual([]);
  return inputs;
}

/** A full read-diff check: refresh right after a write changes nothing and the program sees no diff. */
async function steady(
  p: typeof exophone,
  id: string,
  outs: Record<string, unknown>,
  news: Record<string, unknown>,
) {
  const read = await p.read!(id, outs);
  expect(read.id).toBe(id);
  expect(await p.diff!(id, read.props!, news)).toMatchObject({ changes: false });
  return read.props!;
}

// What the resources say once about a variant (echoes, sid forms) is collected, not printed.
let lines: string[] = [];
let restoreLog: (line: string) => void;
let consoleLog: ReturnType<typeof jest.spyOn>;
beforeAll(() => {
  restoreLog = setEchoLog((line) => lines.push(line));
  consoleLog = jest
    .spyOn(console, "log")
    .mockImplementation((line?: unknown) => void lines.push(String(line)));
});
afterAll(() => {
  setEchoLog(restoreLog);
  consoleLog.mockRestore();
});

describe.each(CASES.map((variants) => [variants.join(",") || "default", variants] as const))(
  "variant %s",
  (_name, variants) => {
    let sb: Sandbox;
    beforeAll(async () => {
      lines = [];
      sb = await start({ variants: [...variants] });
    });
    afterAll(async () => {
      await sb.close();
    });

    const exotelAccount = () => ({ ...sb.accounts.exotel[0]!, baseUrl: `${sb.url}/exotel` });

    it("Exotel client: search, rent, get, details by either sid, update, list, release", async () => {
      const api = exotelClient(exotelAccount());
      const [candidate] = await api.searchAvailableNumbers({
        country: "IN",
        numberType: "Landline",
        inRegion: "KA",
      });
      expect(candidate!.rental_price).toMatch(/^\d+\.\d{6}$/);
      const rented = await api.rent({ phoneNumber: candidate!.phone_number });
      expect(rented.phone_number).toBe(candidate!.phone_number);
      expect((await api.get(rented.sid)).sid).toBe(rented.sid);
      const national = exotelNationalForm(rented.phone_number)!;
      const details = await api.getNumberDetails(rented.sid).catch(async (err: unknown) => {
        if (!isNotFound(err)) throw err;
        return api.getNumberDetails(national); // the v2 example's sid: the national number
      });
      expect(details.phone_number).toBe(rented.phone_number);
      expect(details.connectivity?.incoming_call?.status).toMatch(
        /^(active|major_outage|partial_network_outage)$/,
      );
      const updated = await api.update(rented.sid, { friendlyName: "matrix" });
      expect(updated.friendly_name).toBe("matrix");
      const listed: string[] = [];
      for await (const n of api.list()) listed.push(n.sid);
      expect(listed).toContain(rented.sid);
      await api.release(rented.sid);
      await expect(api.get(rented.sid)).rejects.toMatchObject({ status: 404 });
    });

    it("ExoPhone: create, steady refresh, update in place, steady refresh, delete, gone", async () => {
      const news = await checked(exophone, {
        region: "KA",
        voiceUrl: "http://my.exotel.com/sandbox1/exoml/start_voice/101",
        friendlyName: "matrix",
      });
      const created = await exophone.create!(news);
      expect(created.outs).toMatchObject({
        voiceUrl: "http://my.exotel.com/sandbox1/exoml/start_voice/101",
        monthlyRental: expect.stringMatching(/^\d+\.\d{6}$/),
      });
      const first = await steady(exophone, created.id, created.outs, news);
      expect(first.connectivity).toMatchObject({ incomingCall: { status: expect.any(String) } });
      const next = { ...news, voiceUrl: "http://my.exotel.com/sandbox1/exoml/start_voice/102" };
      expect(await exophone.diff!(created.id, first, next)).toMatchObject({ changes: true, replaces: [] });
      const updated = await exophone.update!(created.id, first, next);
      expect(updated.outs!.voiceUrl).toBe(next.voiceUrl);
      const second = await steady(exophone, created.id, updated.outs!, next);
      await exophone.delete!(created.id, second);
      expect((await exophone.read!(created.id, second)).id).toBe("");
    });

    it("Plivo client and PlivoNumberOrder: buy, steady refresh, re-alias, release", async () => {
      const api = plivoClient({ ...sb.accounts.plivo[0]!, baseUrl: `${sb.url}/plivo` });
      for await (const n of api.search({ countryIso: "US", limit: 1 })) {
        expect(n.monthly_rental_rate).toMatch(/^\d+\.\d+$/);
        break;
      }
      const news = await checked(order, { countryIso: "US", quantity: 1, alias: "matrix" });
      const created = await order.create!(news);
      expect(created.outs).toMatchObject({ status: "fulfilled", alias: "matrix" });
      const props = await steady(order, created.id, created.outs, news);
      const renamed = { ...news, alias: "matrix-2" };
      const updated = await order.update!(created.id, props, renamed);
      expect(updated.outs!.alias).toBe("matrix-2");
      const again = await steady(order, created.id, updated.outs!, renamed);
      await order.delete!(created.id, again);
      expect((await order.read!(created.id, again)).id).toBe("");
    });

    it("Apifonica client and resources: rent routed through an application, rename, release", async () => {
      const api = apifonicaClient({ ...sb.accounts.apifonica[0]!, baseUrl: `${sb.url}/apifonica` });
      const appNews = await checked(application, { controller: "https://example.com/ivr", method: "POST" });
      const app = await application.create!(appNews);
      await steady(application, app.id, app.outs, appNews);
      const news = await checked(number, {
        countryCode: "GB",
        type: "local",
        callAppSid: app.id,
        name: "matrix",
      });
      const created = await number.create!(news);
      expect(created.outs).toMatchObject({ callAppSid: app.id, name: "matrix" });
      const listed: string[] = [];
      for await (const n of api.list({ number: String(created.outs.number) })) listed.push(n.number_sid);
      expect(listed).toEqual([created.id]);
      const props = await steady(number, created.id, created.outs, news);
      const renamed = { ...news, name: "matrix-2" };
      const updated = await number.update!(created.id, props, renamed);
      const again = await steady(number, created.id, updated.outs!, renamed);
      await number.delete!(created.id, again);
      expect((await number.read!(created.id, again)).id).toBe("");
      await application.delete!(app.id, app.outs);
    });
  },
);
