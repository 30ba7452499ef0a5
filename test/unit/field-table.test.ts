/**
 * ExoPhone's field table (provider/exotel/exophone.schema.ts) is where each input is declared once:
 * the diff rules, the export list, the outputs, the client's bodies and answers are computed from it.
 * So is PlivoNumberOrder's (provider/plivo/number-order.schema.ts): its rules, export list, outputs,
 * update body, the account record's answer keys and each number's per-number fields. And
 * ApifonicaNumber's (provider/apifonica/number.schema.ts): its rules, export list, outputs, the rent
 * and update JSON bodies and the number record's answer keys; and ApifonicaApplication's
 * (provider/apifonica/application.schema.ts).
 * And its declarations carry no zod type, so the SDK's public declarations (built into dist/ by
 * `npm run build`, which `npm test` runs first) never reach zod's declaration files.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "@jest/globals";
import {
  APIFONICA_APPLICATION_FIELDS,
  APIFONICA_APPLICATION_OUTPUTS,
} from "../../provider/apifonica/application.schema.js";
import { apifonicaApplicationSchema, apifonicaNumberSchema } from "../../provider/apifonica/client.js";
import {
  APIFONICA_NUMBER_EXPORTED,
  APIFONICA_NUMBER_FIELDS,
  APIFONICA_NUMBER_OUTPUTS,
} from "../../provider/apifonica/number.schema.js";
import { outputsOf as apifonicaOutputsOf } from "../../provider/apifonica/number.state.js";
import {
  answerOf,
  echoedOf,
  exportedLive,
  fieldOutputsOf,
  formOf,
  jsonOf,
  rulesOf,
} from "../../provider/core/fields.js";
import { EXOPHONE_FIELDS, EXOPHONE_OUTPUTS } from "../../provider/exotel/exophone.schema.js";
import { plivoAccountNumberSchema } from "../../provider/plivo/client.js";
import {
  PLIVO_NUMBER_ORDER_FIELDS,
  PLIVO_NUMBER_ORDER_OUTPUTS,
  plivoNumberOrderRules,
} from "../../provider/plivo/number-order.schema.js";
import { detailOf, outputsOf } from "../../provider/plivo/number-order.state.js";
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
});

describe("ExoPhone's answers", () => {
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

describe("PlivoNumberOrder's field table", () => {
  const p = KINDS["plivo-number-order"];

  it("gives the diff rules (replacing ones first), the export list and the outputs", () => {
    expect(replacingFields(p)).toEqual([
      "countryIso",
      "numberType",
      "prefix",
      "region",
      "services",
      "groupId",
    ]);
    expect(inPlaceFields(p)).toEqual(["quantity", "numbers", "appId", "alias"]);
    expect(Object.keys(plivoNumberOrderRules)).toEqual([...replacingFields(p), ...inPlaceFields(p)]);
    expect(p.exported).toEqual(["appId", "alias"]);
    expect(PLIVO_NUMBER_ORDER_OUTPUTS.slice(0, 4)).toEqual(["numbers", "quantity", "appId", "alias"]);
    expect(Object.keys(p.inputs.shape)).toEqual(Object.keys(PLIVO_NUMBER_ORDER_FIELDS));
    // countryIso stays required in the zod object built from the table.
    expect(p.inputs.safeParse({ quantity: 1 }).success).toBe(false);
  });

  it("a per-number field is satisfied only when every held number has the value", () => {
    const olds = {
      details: [
        { appId: "1", alias: "a" },
        { appId: "1", alias: "b" },
      ],
    };
    expect(plivoNumberOrderRules.appId!.satisfied!({ appId: "1" }, olds)).toBe(true);
    expect(plivoNumberOrderRules.alias!.satisfied!({ alias: "a" }, olds)).toBe(false);
  });
});

describe("PlivoNumberOrder's per-number fields", () => {
  it("gives the update's JSON body (null clears, undefined leaves the key out of the JSON)", () => {
    const clear = (v: unknown) => (v === null ? "" : (v as string | undefined));
    expect(jsonOf(PLIVO_NUMBER_ORDER_FIELDS, { appId: "123", alias: null, quantity: 2 }, clear)).toEqual({
      app_id: "123",
      alias: "",
    });
    expect(JSON.stringify(jsonOf(PLIVO_NUMBER_ORDER_FIELDS, { alias: "desk" }))).toBe('{"alias":"desk"}');
  });

  it("reads each number's fields from its record and reports the common value", () => {
    const record = (number: string, alias: string | null) =>
      plivoAccountNumberSchema.parse({
        number,
        alias,
        application: "/v1/Account/MA1/Application/777/",
        added_on: "2026-12-01",
        number_type: "local",
        monthly_rental_rate: "0.80000",
      });
    // The record's schema requires every answer key of the table.
    expect(
      plivoAccountNumberSchema.safeParse({
        number: "1",
        added_on: "",
        number_type: "local",
        monthly_rental_rate: "1",
      }).success,
    ).toBe(false);
    const one = detailOf(record("14155550100", "desk"));
    expect([one.appId, one.alias]).toEqual(["777", "desk"]);
    const out = outputsOf({ countryIso: "US" }, [one, detailOf(record("14155550101", null))], [], []);
    expect([out.appId, out.alias]).toEqual(["777", "mixed"]);
    expect(outputsOf({ countryIso: "US" }, [], [], [])).toMatchObject({ appId: null, alias: null });
  });
});

describe("ApifonicaNumber's field table", () => {
  const a = KINDS["apifonica-number"];
  const record = {
    number_sid: "sid1",
    number: "447480600503",
    country_code: "gb",
    type: "local",
    call_controller: null,
    call_method: null,
    msg_controller: null,
    msg_method: null,
    call_app_sid: "app1",
    msg_app_sid: "default_msg_app_sid",
    created: "",
    voice: true,
    messaging: false,
    mode: "sip_phone",
  };

  it("gives the diff rules, the export list and the outputs", () => {
    expect(replacingFields(a)).toEqual(["number", "countryCode", "type", "voice", "messaging"]);
    expect(inPlaceFields(a)).toEqual(["callAppSid", "msgAppSid", "name", "mode"]);
    expect(Object.keys(rulesOf(APIFONICA_NUMBER_FIELDS))).not.toContain("adopt");
    expect(a.exported).toEqual(["callAppSid", "msgAppSid", "mode"]);
    expect(APIFONICA_NUMBER_EXPORTED).toEqual(a.exported);
    expect(APIFONICA_NUMBER_OUTPUTS.slice(7, 11)).toEqual(["callAppSid", "msgAppSid", "name", "mode"]);
    expect(Object.keys(a.inputs.shape)).toEqual(Object.keys(APIFONICA_NUMBER_FIELDS));
  });

  it("gives the JSON bodies of the rent and the update (undefined is left out)", () => {
    const body = jsonOf(APIFONICA_NUMBER_FIELDS, { mode: "xml", name: "desk", countryCode: "GB" });
    expect(JSON.parse(JSON.stringify(body))).toEqual({ mode: "xml", name: "desk" });
    expect(JSON.parse(JSON.stringify(jsonOf(APIFONICA_NUMBER_FIELDS, { callAppSid: "app1" })))).toEqual({
      call_app_sid: "app1",
    });
  });

  it("reads the outputs from a record: a default application is none, a left-out name keeps the input's", () => {
    const parsed = apifonicaNumberSchema.parse(record);
    const out = apifonicaOutputsOf(parsed, { name: "desk" }, undefined);
    expect(out).toMatchObject({
      callAppSid: "app1",
      msgAppSid: null,
      name: "desk",
      mode: "sip_phone",
      number: "+447480600503",
      countryCode: "GB",
    });
    expect(apifonicaOutputsOf({ ...parsed, name: null }, { name: "desk" }, undefined).name).toBeNull();
    expect(apifonicaOutputsOf(parsed, {}, undefined).name).toBeNull();
    // The record's answer keys of the in-place fields are checked: a name is a string or null.
    expect(apifonicaNumberSchema.safeParse({ ...record, name: 7 }).success).toBe(false);
    expect(apifonicaNumberSchema.safeParse({ ...record, call_app_sid: undefined }).success).toBe(false);
  });
});

describe("ApifonicaApplication's field table", () => {
  const k = KINDS["apifonica-application"];

  it("gives the rules, the outputs, the JSON body and the record's keys; controller and method stay required", () => {
    expect(inPlaceFields(k)).toEqual(["controller", "method", "name", "events"]);
    expect(replacingFields(k)).toEqual([]);
    expect(APIFONICA_APPLICATION_OUTPUTS).toEqual([
      "applicationSid",
      "controller",
      "method",
      "name",
      "events",
    ]);
    expect(Object.keys(k.inputs.shape)).toEqual(Object.keys(APIFONICA_APPLICATION_FIELDS));
    expect(k.inputs.safeParse({ controller: "https://example.com/x" }).success).toBe(false);
    expect(k.inputs.safeParse({ controller: "https://example.com/x", method: "GET" }).success).toBe(true);
    const body = jsonOf(APIFONICA_APPLICATION_FIELDS, { controller: "https://example.com/x", events: "all" });
    expect(JSON.parse(JSON.stringify(body))).toEqual({ controller: "https://example.com/x", events: "all" });
    const app = {
      application_sid: "a1",
      name: null,
      controller: "https://example.com/x",
      method: "GET",
      events: null,
    };
    expect(apifonicaApplicationSchema.safeParse(app).success).toBe(true);
    expect(apifonicaApplicationSchema.safeParse({ ...app, events: 3 }).success).toBe(false);
    expect(apifonicaApplicationSchema.safeParse({ ...app, method: undefined }).success).toBe(false);
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
    expect(files).toContain(path.join(root, "provider/plivo/number-order.schema.d.ts"));
    expect(files).toContain(path.join(root, "provider/apifonica/number.schema.d.ts"));
    expect(files).toContain(path.join(root, "provider/apifonica/application.schema.d.ts"));
    expect([...packages].sort()).toEqual(["@pulumi"]);
  });
});

describe("the inventory export's live values", () => {
  it("are the exported fields' answer keys, under the inputs' names, and nothing else", () => {
    const answer = { friendly_name: "Support", voice_url: "https://x.example/v", sms_url: null, sid: "s1" };
    expect(exportedLive(EXOPHONE_FIELDS, answer)).toEqual({
      friendlyName: "Support",
      voiceUrl: "https://x.example/v",
      smsUrl: null,
    });
    expect(
      exportedLive(PLIVO_NUMBER_ORDER_FIELDS, { alias: "a", application: "/App/1/", number: "1" }),
    ).toEqual({
      appId: "/App/1/",
      alias: "a",
    });
  });
});
