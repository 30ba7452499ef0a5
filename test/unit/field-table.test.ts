/**
 * ExoPhone's field table (provider/exotel/exophone.schema.ts) is where each input is declared once:
 * the diff rules, the export list, the outputs, the client's bodies and answers are computed from it.
 * And its declarations carry no zod type, so the SDK's public declarations (built into dist/ by
 * `npm run build`, which `npm test` runs first) never reach zod's declaration files.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "@jest/globals";
import { answerOf, echoedOf, fieldOutputsOf, formOf, rulesOf } from "../../provider/core/fields.js";
import { EXOPHONE_FIELDS, EXOPHONE_OUTPUTS } from "../../provider/exotel/exophone.schema.js";
import { inPlaceFields, KINDS, replacingFields } from "../../provider/registry.js";

const d = KINDS.exophone;

describe("ExoPhone's field table", () => {
  it("gives the diff rules, the export list and the outputs", () => {
    expect(inPlaceFields(d)).toEqual(["friendlyName", "voiceUrl", "smsUrl"]);
    expect(replacingFields(d)).toEqual([
      "phoneNumber",
      "country",
      "numberType",
      "region",
      "contains",
      "incomingSms",
    ]);
    expect(Object.keys(rulesOf(EXOPHONE_FIELDS))).not.toContain("adopt");
    expect(d.exported).toEqual(["friendlyName", "voiceUrl", "smsUrl"]);
    expect(EXOPHONE_OUTPUTS.slice(0, 5)).toEqual([
      "sid",
      "phoneNumber",
      "friendlyName",
      "voiceUrl",
      "smsUrl",
    ]);
    expect(Object.keys(d.inputs.shape)).toEqual(Object.keys(EXOPHONE_FIELDS));
  });

  it("gives the rent and update form fields (null clears, undefined omits)", () => {
    expect(formOf(EXOPHONE_FIELDS, { voiceUrl: "https://v.example", region: "KA" })).toEqual({
      FriendlyName: undefined,
      VoiceUrl: "https://v.example",
      SMSUrl: undefined,
    });
    const clearable = (v: unknown) => (v === null ? "" : typeof v === "string" ? v : undefined);
    expect(formOf(EXOPHONE_FIELDS, { smsUrl: null, friendlyName: "desk" }, clearable)).toEqual({
      FriendlyName: "desk",
      VoiceUrl: undefined,
      SMSUrl: "",
    });
  });

  it("reads the outputs from an answer: an abridged answer keeps the last value, URLs go through echoes", () => {
    const echoes = { voiceUrl: { sent: "http://my.exotel.com/a", stored: "https://my.exotel.in/a" } };
    const previous = { friendlyName: "desk", smsUrl: "https://s.example" };
    expect(
      fieldOutputsOf(
        EXOPHONE_FIELDS,
        { voice_url: "https://my.exotel.in/a", friendly_name: null },
        previous,
        echoes,
      ),
    ).toEqual({ friendlyName: null, voiceUrl: "http://my.exotel.com/a", smsUrl: "https://s.example" });
    expect(answerOf(EXOPHONE_FIELDS, { voiceUrl: "https://v.example" })).toEqual({
      friendly_name: null,
      voice_url: "https://v.example",
      sms_url: null,
    });
    // Only the URLs record echoes: Exotel stores the rest as sent.
    expect(
      echoedOf(EXOPHONE_FIELDS, { friendlyName: "desk", voiceUrl: "https://v.example", smsUrl: null }),
    ).toEqual({
      voiceUrl: "https://v.example",
      smsUrl: null,
    });
  });
});

describe("the SDK's public declarations", () => {
  const root = path.resolve(import.meta.dirname, "../../dist");

  /** Every declaration file `file` reaches through its imports and re-exports, and every package it names. */
  function reach(file: string, files = new Set<string>(), packages = new Set<string>()) {
    if (files.has(file)) return { files, packages };
    files.add(file);
    const text = fs.readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:from\s+|import\()\s*"([^"]+)"/g)) {
      const spec = m[1]!;
      if (spec.startsWith("."))
        reach(path.resolve(path.dirname(file), spec.replace(/\.js$/, ".d.ts")), files, packages);
      else packages.add(spec.split("/")[0]!);
    }
    return { files, packages };
  }

  it("reach no zod declaration file (zod's fail a consumer's check without skipLibCheck)", () => {
    const { files, packages } = reach(path.join(root, "sdk/index.d.ts"));
    expect(files).toContain(path.join(root, "provider/exotel/exophone.schema.d.ts"));
    expect([...packages].sort()).toEqual(["@pulumi"]);
  });
});
