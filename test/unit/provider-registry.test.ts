import { provider } from "../../provider/index.js";
import {
  ALL_KINDS,
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
