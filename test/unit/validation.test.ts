/**
 * The validation gaps of issue 13, one test each: every failure names the field, what was wrong and
 * what is allowed, and nested places are reported on their top-level field (the engine prints
 * `property <p> value {<inputs[p]>}`, so `numbers.0` printed as `value {<nil>}`).
 */
import { describe, expect, it } from "@jest/globals";
import { provider } from "../../provider/index.js";

type Failure = { property: string; reason: string };

const check = async (kind: string, news: Record<string, unknown>): Promise<Failure[]> =>
  ((await provider(kind).check!({}, { __provider: "x", ...news })).failures ?? []) as Failure[];

describe("an exact ExoPhone number must belong to `country`", () => {
  it("rejects a US number with country IN", async () => {
    expect(await check("exophone", { phoneNumber: "+14155550100", country: "IN" })).toEqual([
      {
        property: "phoneNumber",
        reason:
          '"+14155550100" is a number of US, not of IN; allowed: a number of IN, or country: "US" with this number',
      },
    ]);
  });

  it("rejects it with country unset, naming the default", async () => {
    const [failure] = await check("exophone", { phoneNumber: "+6531581234" });
    expect(failure?.property).toBe("phoneNumber");
    expect(failure?.reason).toMatch(
      /is a number of SG, not of IN \(country is unset: it defaults to "IN"\); allowed: /,
    );
  });

  it("accepts a number of the given country, and an Indian number by default", async () => {
    expect(await check("exophone", { phoneNumber: "+6531581234", country: "sg" })).toEqual([]);
    expect(await check("exophone", { phoneNumber: "+918047091234" })).toEqual([]);
  });
});

describe("Plivo quantity", () => {
  it("2.5 says it must be a whole number, the value and the range (not zod's `a int`)", async () => {
    expect(await check("plivo-number-order", { countryIso: "US", quantity: 2.5 })).toEqual([
      { property: "quantity", reason: "must be a whole number, got number 2.5; allowed: 1 to 100" },
    ]);
  });

  it('"3" (a string) says the same', async () => {
    expect(await check("plivo-number-order", { countryIso: "US", quantity: "3" })).toEqual([
      { property: "quantity", reason: 'must be a whole number, got the string "3"; allowed: 1 to 100' },
    ]);
  });
});

describe("nested places are reported on their top-level field", () => {
  it("a bad service: property services, reason starts with services[0]", async () => {
    const failures = await check("plivo-number-order", { countryIso: "US", services: ["voice", "fax"] });
    expect(failures).toEqual([
      {
        property: "services",
        reason: 'services[1]: the string "fax" is not allowed; allowed: "voice", "sms", "mms"',
      },
    ]);
  });

  it("a bad number in a list: property numbers, reason starts with numbers[1]", async () => {
    const failures = await check("plivo-number-order", { countryIso: "US", numbers: ["+14155550100", "12"] });
    expect(failures).toHaveLength(1);
    expect(failures[0]?.property).toBe("numbers");
    expect(failures[0]?.reason).toMatch(
      /^numbers\[1\]: the string "12" is not a possible Plivo number; allowed: /,
    );
  });

  it("no failure of any kind names a nested property", async () => {
    const all = [
      ...(await check("plivo-number-order", { countryIso: "US", numbers: [5, "+442071838750"] })),
      ...(await check("plivo-number-order", { countryIso: "US", services: [1] })),
    ];
    expect(all.length).toBeGreaterThan(0);
    for (const f of all) expect(f.property).toMatch(/^[A-Za-z]+$/);
  });
});

describe("every message names what is allowed", () => {
  const cases: [string, Record<string, unknown>][] = [
    [
      "exophone",
      {
        phoneNumber: 5,
        country: "ZZZ",
        numberType: "Cellular",
        contains: "12a",
        incomingSms: "yes",
        friendlyName: "",
        voiceUrl: "ftp://x",
        smsUrl: 7,
        adopt: "no",
      },
    ],
    ["exophone", { region: "ZZ", friendlyName: "x".repeat(101) }],
    ["exophone", { country: "SG", region: "IN", adopt: true }],
    [
      "plivo-number-order",
      {
        countryIso: 1,
        numberType: "fixed",
        prefix: "41a",
        region: "",
        services: "voice",
        quantity: 0,
        appId: "",
        alias: 3,
        adopt: 1,
      },
    ],
    ["plivo-number-order", { countryIso: "US", quantity: 101, groupId: "abc" }],
    ["plivo-number-order", { countryIso: "US", numbers: [] }],
    ["plivo-number-order", { countryIso: "US", services: [] }],
    ["plivo-number-order", {}],
    [
      "apifonica-number",
      { number: "+44 12", type: "pager", voice: "y", mode: "fax", name: "", callAppSid: "", msgAppSid: 4 },
    ],
    ["apifonica-number", {}],
    ["apifonica-application", { controller: "mailto:x", method: "PUT", events: "ANSWERED", name: "" }],
    ["apifonica-application", {}],
  ];

  it.each(cases)("%s %j", async (kind, news) => {
    const failures = await check(kind, news);
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) {
      expect(f.property).toMatch(/^[A-Za-z]+$/);
      expect(f.reason).toMatch(/allowed( fields)?: \S/);
      expect(f.reason).not.toMatch(/a int\b|Invalid input|expected [a-z]+, received/);
    }
  });

  it("a missing required field says so and what is allowed", async () => {
    expect(await check("apifonica-application", { method: "GET" })).toEqual([
      { property: "controller", reason: "is required; allowed: a string" },
    ]);
  });
});
