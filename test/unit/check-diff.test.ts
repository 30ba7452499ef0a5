import { UNKNOWN } from "../../provider/core/check.js";
import { provider } from "../../provider/index.js";

const check = (kind: string, news: Record<string, unknown>) =>
  provider(kind).check!({}, { __provider: "x", ...news });
const diff = (kind: string, olds: Record<string, unknown>, news: Record<string, unknown>) =>
  provider(kind).diff!("id", olds, { __provider: "x", ...news });

describe("check: every problem at once, naming the field and what is allowed", () => {
  it("reports all ExoPhone problems together", async () => {
    const { failures } = await check("exophone", {
      numberType: "Cellular",
      region: "ZZ",
      voiceUrl: "ftp://flows.example.com/1",
      contains: "12a",
      colour: "blue",
    });
    const byField = Object.fromEntries((failures ?? []).map((f) => [f.property, f.reason]));
    expect(byField.numberType).toMatch(/"Cellular".*allowed: "Landline", "Mobile", "TollFree"/);
    expect(byField.region).toMatch(/not an Indian telecom circle; allowed: AP, AS/);
    expect(byField.voiceUrl).toMatch(/not an http\(s\) URL/);
    expect(byField.contains).toMatch(/digits/);
    expect(byField.colour).toMatch(/unknown field; allowed fields: phoneNumber/);
  });

  it("rejects an exact number combined with search criteria, and adopt without a number", async () => {
    const { failures } = await check("exophone", { phoneNumber: "+918047091234", region: "KA" });
    expect(failures).toEqual([
      expect.objectContaining({
        property: "region",
        reason: expect.stringMatching(/cannot be combined with phoneNumber/),
      }),
    ]);
    const adopt = await check("exophone", { adopt: true });
    expect(adopt.failures?.[0]?.property).toBe("adopt");
  });

  it("parses numbers with a phone-number library and normalises them to E.164", async () => {
    const ok = await check("apifonica-number", { number: "447480600503" });
    expect(ok.failures ?? []).toEqual([]);
    expect(ok.inputs.number).toBe("+447480600503");
    const bad = await check("apifonica-number", { number: "+44 12" });
    expect(bad.failures?.[0]).toEqual(
      expect.objectContaining({ property: "number", reason: expect.stringMatching(/not a possible/) }),
    );
  });

  it("bounds Plivo quantities and checks numbers belong to countryIso", async () => {
    const { failures } = await check("plivo-number-order", {
      countryIso: "US",
      quantity: 0,
      services: ["fax"],
    });
    const props = (failures ?? []).map((f) => f.property).sort();
    expect(props).toEqual(["quantity", "services"]);
    const mixed = await check("plivo-number-order", {
      countryIso: "US",
      numbers: ["+14155550100", "+442071838750"],
    });
    expect(mixed.failures).toEqual([
      expect.objectContaining({
        property: "numbers",
        reason: expect.stringMatching(/^numbers\[1\]: .*GB number/),
      }),
    ]);
    const missing = await check("plivo-number-order", {});
    expect(missing.failures).toEqual([
      expect.objectContaining({ property: "countryIso", reason: expect.stringMatching(/required/) }),
    ]);
  });

  it("accepts values not yet known during preview", async () => {
    const { failures, inputs } = await check("apifonica-number", { countryCode: "GB", callAppSid: UNKNOWN });
    expect(failures ?? []).toEqual([]);
    expect(inputs.callAppSid).toBe(UNKNOWN);
    const app = await check("apifonica-application", { controller: UNKNOWN, method: "POST" });
    expect(app.failures ?? []).toEqual([]);
  });

  it("requires an Apifonica application's controller and method", async () => {
    const { failures } = await check("apifonica-application", { method: "PUT" });
    const byField = Object.fromEntries((failures ?? []).map((f) => [f.property, f.reason]));
    expect(byField.controller).toMatch(/required/);
    expect(byField.method).toMatch(/allowed: "GET", "POST"/);
  });
});

describe("diff: declared replacements, no re-buy when criteria still hold", () => {
  const held = {
    sid: "abc",
    phoneNumber: "+918047091234",
    country: "IN",
    region: "KA",
    numberType: "Landline",
    incomingSms: true,
    voiceUrl: "https://a.example/1",
    smsUrl: null,
    friendlyName: "support",
  };

  it("reports no change when nothing differs", async () => {
    expect(await diff("exophone", held, { region: "KA", voiceUrl: "https://a.example/1" })).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("keeps the held number when new criteria are still satisfied", async () => {
    const d = await diff("exophone", held, { region: "KA", contains: "8047", incomingSms: true });
    expect(d.changes).toBe(false);
  });

  it("replaces when criteria are no longer satisfied, and releases first for a new exact number", async () => {
    expect((await diff("exophone", held, { region: "DL" })).replaces).toEqual(["region"]);
    const exact = await diff("exophone", held, { phoneNumber: "+918047099999" });
    expect(exact).toEqual({ changes: true, replaces: ["phoneNumber"], deleteBeforeReplace: true });
  });

  it("updates routing in place", async () => {
    expect(await diff("exophone", held, { voiceUrl: "https://b.example/2" })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("treats an unknown replacement field as a replacement and an unknown routing field as an update", async () => {
    expect((await diff("exophone", held, { region: UNKNOWN })).replaces).toEqual(["region"]);
    const d = await diff(
      "apifonica-number",
      { number: "+447480600503", callAppSid: "app1" },
      { callAppSid: UNKNOWN },
    );
    expect(d).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it("updates a Plivo order's quantity and numbers in place", async () => {
    const olds = {
      countryIso: "US",
      quantity: 2,
      status: "fulfilled",
      numbers: ["+14155550100", "+14155550101"],
      details: [
        {
          number: "+14155550100",
          appId: "a",
          alias: null,
          voiceEnabled: true,
          smsEnabled: true,
          mmsEnabled: false,
        },
        {
          number: "+14155550101",
          appId: "a",
          alias: null,
          voiceEnabled: true,
          smsEnabled: true,
          mmsEnabled: false,
        },
      ],
    };
    expect(await diff("plivo-number-order", olds, { countryIso: "US", quantity: 3 })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(
      (
        await diff("plivo-number-order", olds, {
          countryIso: "US",
          quantity: 2,
          appId: "a",
          services: ["voice", "sms"],
        })
      ).changes,
    ).toBe(false);
    expect(
      (await diff("plivo-number-order", olds, { countryIso: "US", quantity: 2, services: ["mms"] })).replaces,
    ).toEqual(["services"]);
    expect(
      (await diff("plivo-number-order", { ...olds, status: "pending" }, { countryIso: "US", quantity: 2 }))
        .changes,
    ).toBe(true);
  });
});
