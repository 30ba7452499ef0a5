import { provider } from "../../provider/index.js";
import {
  ALL_KINDS,
  adoptionEntry,
  exactNumbersOf,
  inPlaceFields,
  kindOf,
  kindsOf,
  replacingFields,
  VENDORS,
} from "../../provider/registry.js";

describe("provider(kind)", () => {
  it("names the missing kind and says how to fix it", () => {
    expect(() => provider("no-such-kind")).toThrow(/no resource kind "no-such-kind".*install that version/);
  });
});

describe("the registry", () => {
  it("has every kind once, each vendor with at least one kind, each inventory section once", () => {
    expect(new Set(ALL_KINDS.map((d) => d.kind)).size).toBe(ALL_KINDS.length);
    for (const v of VENDORS) expect(kindsOf(v).length).toBeGreaterThan(0);
    expect(new Set(ALL_KINDS.map((d) => d.section.join("."))).size).toBe(ALL_KINDS.length);
    expect(new Set(ALL_KINDS.map((d) => d.inventoryKey)).size).toBe(ALL_KINDS.length);
  });

  it("diff rules name only inputs, and each kind's exact, exported and reference fields are inputs", () => {
    for (const d of ALL_KINDS) {
      const inputs = Object.keys(d.inputs.shape);
      expect(Object.keys(d.rules).filter((f) => !inputs.includes(f))).toEqual([]);
      if (d.exact) expect(inputs).toContain(d.exact.field);
      expect(d.exported.filter((f) => !inputs.includes(f))).toEqual([]);
      for (const r of Object.values(d.references ?? {})) {
        expect(inputs).toContain(r.input);
        expect(kindOf(r.kind)?.outputs).toContain(r.output);
      }
      if (d.numberOutput) expect(d.outputs).toContain(d.numberOutput);
    }
  });

  it("splits the fields into in place and replacing", () => {
    const exophone = kindOf("exophone")!;
    expect(inPlaceFields(exophone)).toEqual(["friendlyName", "voiceUrl", "smsUrl"]);
    expect(replacingFields(exophone)).toEqual([
      "phoneNumber",
      "country",
      "numberType",
      "region",
      "contains",
      "incomingSms",
    ]);
  });

  it.each(ALL_KINDS.map((d) => [d.kind, d] as const))(
    "%s loads an implementation with every method",
    async (_k, d) => {
      const impl = await d.load();
      for (const m of ["configure", "check", "diff", "create", "read", "update", "delete"] as const) {
        expect(typeof impl[m]).toBe("function");
      }
    },
  );
});

describe("what the registry derives", () => {
  const exophone = kindOf("exophone")!;
  it("inPlacePatch: the in-place fields the inputs set, only those that differ from the current state", async () => {
    const { inPlacePatch } = await import("../../provider/core/diff.js");
    const inputs = { region: "KA", voiceUrl: "https://a.example/v", smsUrl: "https://a.example/s" };
    expect(inPlacePatch(exophone.rules, inputs)).toEqual({
      voiceUrl: "https://a.example/v",
      smsUrl: "https://a.example/s",
    });
    expect(inPlacePatch(exophone.rules, inputs, { voiceUrl: "https://a.example/v", smsUrl: null })).toEqual({
      smsUrl: "https://a.example/s",
    });
  });

  it("exactNumbersOf: one number or a list, in E.164, with each field path", () => {
    expect(exactNumbersOf(exophone, { phoneNumber: "+91 80 4709 1234" })).toEqual([
      { e164: "+918047091234", field: ["phoneNumber"] },
    ]);
    expect(exactNumbersOf(kindOf("plivo-number-order")!, { numbers: ["14155550100", "x"] })).toEqual([
      { e164: "+14155550100", field: ["numbers", 0] },
    ]);
    expect(exactNumbersOf(kindOf("apifonica-application")!, { controller: "x" })).toEqual([]);
  });

  it("adoptionEntry: exact number, adopt, base fields and the exported fields set, never an identity label", () => {
    const isLabel = (t: unknown) => typeof t === "string" && t.startsWith("pulumi:");
    expect(
      adoptionEntry(
        exophone,
        "+918047091234",
        { friendlyName: "pulumi:p/s/r", voiceUrl: "https://a.example/v", smsUrl: null },
        isLabel,
      ),
    ).toEqual({ phoneNumber: "+918047091234", adopt: true, voiceUrl: "https://a.example/v" });
    expect(
      adoptionEntry(kindOf("plivo-number-order")!, "+14155550100", { alias: "sales" }, isLabel, {
        countryIso: "US",
      }),
    ).toEqual({ countryIso: "US", numbers: ["+14155550100"], adopt: true, alias: "sales" });
  });
});
