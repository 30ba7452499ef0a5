/** Exotel endpoints of the sandbox over real HTTP, with contract checks against the seed examples. */
import { type SandboxHandle, startSandbox } from "../../sandbox/index.js";

// biome-ignore lint/suspicious/noExplicitAny: test responses are checked field by field
type Loose = any;

// --- fixtures copied from the vendor seed documents 000, 001 and 002 ---------------------------------------
const SEED_COUNTRIES = {
  uri: "/v2_beta/Accounts/Exotel/AvailablePhoneNumbers",
  countries: [
    {
      country_code: "IN",
      country: "India",
      uri: "/v2_beta/Accounts/Exotel/AvailablePhoneNumbers/IN",
      subresource_uris: {
        Landline: "/v2_beta/Accounts/Exotel/AvailablePhoneNumbers/IN/Landline",
        Mobile: "/v2_beta/Accounts/Exotel/AvailablePhoneNumbers/IN/Mobile",
        TollFree: "/v2_beta/Accounts/Exotel/AvailablePhoneNumbers/IN/TollFree",
      },
    },
  ],
};
const SEED_AVAILABLE = [
  {
    friendly_name: "+60XXXXXXX1",
    phone_number: "+60XXXXXXXX1",
    capabilities: { sms: false, voice: true },
    country: "MY",
    region: "MY",
    one_time_price: "0.000000",
    rental_price: "0.000000",
    incoming_rate: "0.000000",
    incoming_pulse: "60",
    number_type: "Landline",
    vanity_number: false,
  },
];
const SEED_IPN = {
  sid: "9eeafc8ab479a386dc95f854f9d7cd8a",
  date_created: "2016-11-09 13:48:12",
  date_updated: "2017-03-30 14:19:02",
  account_sid: "Exotel",
  friendly_name: "XXXXX30240",
  phone_number: "+91XXXX30240",
  capabilities: { voice: true, sms: true },
  country: "IN",
  region: "WB",
  one_time_price: "0.000000",
  rental_price: "499.000000",
  incoming_rate: "0.000000",
  incoming_pulse: "60",
  currency: "INR",
  number_type: "Landline",
  vanity_number: false,
  voice_url: "https://my.exotel.in/Exotel/exoml/start_voice/12XX48",
  sms_url: "https://my.exotel.in/Exotel/exoml/start_sms/22XX39",
  uri: "/v2_beta/Accounts/Exotel/IncomingPhoneNumbers/9eeafc8ab479a386dc95f854f9d7cd8a",
};
const SEED_V2 = {
  request_id: "0f403dff8d854ca08c570a94717aa7d9",
  method: "GET",
  http_code: 200,
  metadata: { page_size: 1, page: 0 },
  response: [
    {
      code: 200,
      error_data: null,
      status: "success",
      data: {
        sid: "01139585476",
        date_created: "2018-08-22T12:22:49Z",
        date_updated: "2018-08-24T11:25:49Z",
        friendly_name: "01139585476",
        account_sid: "Exotel",
        phone_number: "+911139585476",
        capabilities: { voice: true },
        country: "IN",
        region: "DL",
        one_time_price: "0.000000",
        rental_price: "499.000000",
        incoming_rate: "0.000000",
        incoming_pulse: "60",
        currency: "INR",
        number_type: "Landline",
        vanity_number: false,
        voice_url: "https://my.exotel.com/Exotel/exoml/start_voice/XXX",
        sms_url: "https://my.exotel.com/Exotel/exoml/start_sms/XXX",
        uri: "/v2/accounts/Exotel/incoming-phone-numbers/01139585476",
        connectivity: {
          incoming_call: {
            status: "active",
            last_check_time: "2018-08-24T11:25:49Z",
            alternate_exophone: null,
          },
          outgoing_call: {
            status: "active",
            last_check_time: "2018-08-24T11:25:49Z",
            alternate_exophone: null,
          },
        },
      },
    },
  ],
};

// --- contract helper --------------------------------------------------------------------------------
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const FORMATS: Array<[string, RegExp]> = [
  ["exotel-date", /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/],
  ["rfc3339", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/],
  ["hex32", /^[0-9a-f]{32}$/],
];
function formatOf(s: string): string | undefined {
  const dec = /^-?\d+\.(\d+)$/.exec(s);
  if (dec) return `decimal/${dec[1]?.length}`;
  return FORMATS.find(([, re]) => re.test(s))?.[0];
}
function kind(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}
/** Same keys, same JSON types, same string formats; `nullable` keys may be null where the seed has a string. */
function expectShape(
  actual: unknown,
  seed: Json,
  path = "$",
  nullable: string[] = [],
  skipFormat: string[] = [],
): void {
  const key = path.split(".").pop() ?? "";
  if (actual === null && nullable.includes(key)) return;
  expect(`${path}: ${kind(actual)}`).toBe(`${path}: ${kind(seed)}`);
  if (Array.isArray(seed) && Array.isArray(actual)) {
    if (seed[0] !== undefined && actual[0] !== undefined)
      expectShape(actual[0], seed[0], `${path}[0]`, nullable, skipFormat);
  } else if (seed && typeof seed === "object" && !Array.isArray(seed)) {
    const a = actual as Record<string, unknown>;
    expect(`${path}: ${Object.keys(a).sort().join(",")}`).toBe(
      `${path}: ${Object.keys(seed).sort().join(",")}`,
    );
    for (const k of Object.keys(seed))
      expectShape(a[k], seed[k] as Json, `${path}.${k}`, nullable, skipFormat);
  } else if (typeof seed === "string" && !skipFormat.includes(key)) {
    expect(`${path}: ${formatOf(actual as string)}`).toBe(`${path}: ${formatOf(seed)}`);
  }
}

// --- client helper ----------------------------------------------------------------------------------
let sb: SandboxHandle;
const AUTH1 = `Basic ${Buffer.from("sandbox-exotel-key-1:sandbox-exotel-token-1").toString("base64")}`;
const AUTH2 = `Basic ${Buffer.from("sandbox-exotel-key-2:sandbox-exotel-token-2").toString("base64")}`;
const B1 = "/exotel/v2_beta/Accounts/sandbox1";

async function call(
  method: string,
  path: string,
  opts: { auth?: string; form?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { authorization: opts.auth ?? AUTH1 };
  let body: string | undefined;
  if (opts.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(opts.form).toString();
  }
  const res = await fetch(sb.url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: test responses are checked field by field
  const json: any = text ? JSON.parse(text) : undefined;
  return { status: res.status, json, headers: res.headers };
}

async function rentFirst(type = "Landline", query = "", auth = AUTH1, account = "sandbox1") {
  const base = `/exotel/v2_beta/Accounts/${account}`;
  const search = await call("GET", `${base}/AvailablePhoneNumbers/IN/${type}${query}`, { auth });
  const phone = search.json[0].phone_number as string;
  const rent = await call("POST", `${base}/IncomingPhoneNumbers`, { auth, form: { PhoneNumber: phone } });
  expect(rent.status).toBe(200);
  return rent.json;
}

beforeAll(async () => {
  sb = await startSandbox({ port: 0, quiet: true, seed: 7 });
});
afterAll(async () => {
  await sb.close();
});

describe("Exotel AvailablePhoneNumbers", () => {
  it("lists countries like the seed (IN and MY)", async () => {
    const r = await call("GET", `${B1}/AvailablePhoneNumbers`);
    expect(r.status).toBe(200);
    expectShape(r.json, SEED_COUNTRIES);
    expect(r.json.countries.map((c: { country_code: string }) => c.country_code)).toEqual(["IN", "MY"]);
    expect(r.json.uri).toBe("/v2_beta/Accounts/sandbox1/AvailablePhoneNumbers");
    expect(r.json.countries[0].subresource_uris.TollFree).toBe(
      "/v2_beta/Accounts/sandbox1/AvailablePhoneNumbers/IN/TollFree",
    );
  });

  it("returns a bare array shaped like the seed, at most 50, MY region MY", async () => {
    const r = await call("GET", `${B1}/AvailablePhoneNumbers/MY/Landline`);
    expect(r.status).toBe(200);
    expect(Array.isArray(r.json)).toBe(true);
    expect(r.json.length).toBe(50);
    expectShape(r.json, SEED_AVAILABLE);
    expect(r.json[0].region).toBe("MY");
    expect(r.json[0].phone_number).toMatch(/^\+60\d{9}$/);
  });

  it("covers all 22 circles with realistic Indian numbers", async () => {
    const circles = [
      "AP",
      "AS",
      "BR",
      "DL",
      "GJ",
      "HP",
      "HR",
      "JK",
      "KA",
      "KL",
      "KO",
      "MH",
      "MP",
      "MU",
      "NE",
      "OR",
      "PB",
      "RJ",
      "TN",
      "UE",
      "UW",
      "WB",
    ];
    for (const c of circles) {
      const r = await call("GET", `${B1}/AvailablePhoneNumbers/IN/Landline?InRegion=${c}`);
      expect(r.json.length).toBeGreaterThan(0);
      expect(r.json.every((n: { region: string }) => n.region === c)).toBe(true);
    }
    const ka = await call("GET", `${B1}/AvailablePhoneNumbers/IN/Landline?InRegion=KA`);
    expect(ka.json[0].phone_number).toMatch(/^\+9180\d{8}$/);
    const mob = await call("GET", `${B1}/AvailablePhoneNumbers/IN/Mobile`);
    expect(mob.json[0].phone_number).toMatch(/^\+91[6-9]\d{9}$/);
    expect(mob.json[0].capabilities.sms).toBe(true);
    const tf = await call("GET", `${B1}/AvailablePhoneNumbers/IN/TollFree`);
    expect(tf.json[0].phone_number).toMatch(/^\+911800\d{6}$/);
    expect(tf.json[0].region).toBe("AP");
  });

  it("filters IncomingSMS and Contains", async () => {
    const sms = await call("GET", `${B1}/AvailablePhoneNumbers/IN/Landline?IncomingSMS=true`);
    expect(sms.json.every((n: { capabilities: { sms: boolean } }) => n.capabilities.sms)).toBe(true);
    const all = await call("GET", `${B1}/AvailablePhoneNumbers/IN/Landline?InRegion=DL`);
    const digits = (all.json[3].phone_number as string).slice(-5);
    const c = await call("GET", `${B1}/AvailablePhoneNumbers/IN/Landline?Contains=${digits}`);
    expect(c.json.length).toBeGreaterThan(0);
    expect(c.json.every((n: { phone_number: string }) => n.phone_number.includes(digits))).toBe(true);
  });

  it("answers 404 RestException for an unknown country or type, 400 for an unknown circle", async () => {
    const a = await call("GET", `${B1}/AvailablePhoneNumbers/ZZ/Landline`);
    expect(a.status).toBe(404);
    expect(a.json.RestException).toMatchObject({ Status: 404, Code: "NOT_FOUND" });
    expect(typeof a.json.RestException.Message).toBe("string");
    const b = await call("GET", `${B1}/AvailablePhoneNumbers/IN/Satellite`);
    expect(b.status).toBe(404);
    const c = await call("GET", `${B1}/AvailablePhoneNumbers/IN/Landline?InRegion=XX`);
    expect(c.status).toBe(400);
    expect(c.json.RestException.Code).toBe("INVALID_PARAMETER");
  });
});

describe("Exotel IncomingPhoneNumbers", () => {
  it("rents with 200 and an IPN object shaped like the seed", async () => {
    const search = await call("GET", `${B1}/AvailablePhoneNumbers/IN/Landline?InRegion=WB&IncomingSMS=true`);
    const phone = search.json[0].phone_number;
    const r = await call("POST", `${B1}/IncomingPhoneNumbers`, {
      form: {
        PhoneNumber: phone,
        VoiceUrl: "http://my.exotel.com/sandbox1/exoml/start_voice/1",
        SMSUrl: "http://my.exotel.com/sandbox1/exoml/start_sms/2",
      },
    });
    expect(r.status).toBe(200);
    expectShape(r.json, SEED_IPN);
    expect(r.json).toMatchObject({
      phone_number: phone,
      account_sid: "sandbox1",
      region: "WB",
      rental_price: "499.000000",
      currency: "INR",
    });
    expect(r.json.uri).toBe(`/v2_beta/Accounts/sandbox1/IncomingPhoneNumbers/${r.json.sid}`);
    expect(r.json.friendly_name).toBe(`0${phone.slice(3)}`);
    // Renting removes it from sale.
    const again = await call("GET", `${B1}/AvailablePhoneNumbers/IN/Landline?InRegion=WB&IncomingSMS=true`);
    expect(again.json.map((n: { phone_number: string }) => n.phone_number)).not.toContain(phone);
  });

  it("accepts the national form and rejects a number that is not for sale", async () => {
    const search = await call("GET", `${B1}/AvailablePhoneNumbers/IN/Landline?InRegion=KA`);
    const phone = search.json[0].phone_number as string;
    const r = await call("POST", `${B1}/IncomingPhoneNumbers`, {
      form: { PhoneNumber: `0${phone.slice(3)}` },
    });
    expect(r.status).toBe(200);
    expect(r.json.phone_number).toBe(phone);
    const twice = await call("POST", `${B1}/IncomingPhoneNumbers`, { form: { PhoneNumber: phone } });
    expect(twice.status).toBe(400);
    expect(twice.json.RestException.Code).toBe("NUMBER_NOT_AVAILABLE");
    const missing = await call("POST", `${B1}/IncomingPhoneNumbers`, { form: {} });
    expect(missing.status).toBe(400);
    expect(missing.json.RestException.Code).toBe("INVALID_PARAMETER");
  });

  it("rejects a JSON body (Exotel takes form bodies)", async () => {
    const res = await fetch(`${sb.url}${B1}/IncomingPhoneNumbers`, {
      method: "POST",
      headers: { authorization: AUTH1, "content-type": "application/json" },
      body: JSON.stringify({ PhoneNumber: "+918012345678" }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Loose).RestException.Code).toBe("INVALID_PARAMETER");
  });

  it("gets, updates partially (empty clears), and releases with 202", async () => {
    const ipn = await rentFirst("Mobile");
    const get = await call("GET", `${B1}/IncomingPhoneNumbers/${ipn.sid}`);
    expect(get.status).toBe(200);
    expect(get.json).toEqual(ipn);
    const up = await call("PUT", `${B1}/IncomingPhoneNumbers/${ipn.sid}`, {
      form: { VoiceUrl: "https://my.exotel.com/exoml/start/9", FriendlyName: "support" },
    });
    expect(up.status).toBe(200);
    expect(up.json).toMatchObject({
      voice_url: "https://my.exotel.com/exoml/start/9",
      friendly_name: "support",
      sms_url: null,
    });
    const up2 = await call("PUT", `${B1}/IncomingPhoneNumbers/${ipn.sid}`, {
      form: { SMSUrl: "https://x.example/sms" },
    });
    expect(up2.json).toMatchObject({
      voice_url: "https://my.exotel.com/exoml/start/9",
      friendly_name: "support",
      sms_url: "https://x.example/sms",
    });
    const clear = await call("PUT", `${B1}/IncomingPhoneNumbers/${ipn.sid}`, { form: { VoiceUrl: "" } });
    expect(clear.json.voice_url).toBeNull();
    expect(clear.json.friendly_name).toBe("support");
    const del = await call("DELETE", `${B1}/IncomingPhoneNumbers/${ipn.sid}`);
    expect(del.status).toBe(202);
    expect(del.json).toEqual({ Status: 202, Message: "Accepted" });
    expect((await call("GET", `${B1}/IncomingPhoneNumbers/${ipn.sid}`)).status).toBe(404);
    expect((await call("DELETE", `${B1}/IncomingPhoneNumbers/${ipn.sid}`)).status).toBe(404);
    // Quarantine: a released number is not offered or rentable again.
    const rerent = await call("POST", `${B1}/IncomingPhoneNumbers`, {
      form: { PhoneNumber: ipn.phone_number },
    });
    expect(rerent.status).toBe(400);
    const search = await call(
      "GET",
      `${B1}/AvailablePhoneNumbers/IN/Mobile?Contains=${ipn.phone_number.slice(3)}`,
    );
    expect(search.json).toEqual([]);
  });

  it("keeps accounts apart: another account's sid is 404", async () => {
    const ipn = await rentFirst("TollFree", "", AUTH2, "sandbox2");
    expect((await call("GET", `${B1}/IncomingPhoneNumbers/${ipn.sid}`)).status).toBe(404);
    const own = await call("GET", `/exotel/v2_beta/Accounts/sandbox2/IncomingPhoneNumbers/${ipn.sid}`, {
      auth: AUTH2,
    });
    expect(own.status).toBe(200);
    expect(own.json.rental_price).toMatch(/^\d+\.\d{6}$/);
  });

  it("pages the list with Page/PageSize and absolute next_page_uri", async () => {
    const B3 = "/exotel/v2_beta/Accounts/sandbox2";
    for (let i = 0; i < 4; i++) await rentFirst("Landline", "?InRegion=RJ", AUTH2, "sandbox2");
    const sids: string[] = [];
    let url: string | null = `${sb.url}${B3}/IncomingPhoneNumbers?Page=0&PageSize=2`;
    let pages = 0;
    while (url) {
      const q = new URL(url).searchParams;
      const r = await call(
        "GET",
        `${B3}/IncomingPhoneNumbers?Page=${q.get("Page")}&PageSize=${q.get("PageSize")}`,
        { auth: AUTH2 },
      );
      expect(r.status).toBe(200);
      expect(r.json.page_size).toBe(2);
      expect(r.json.page).toBe(pages);
      expect(r.json.first_page_uri).toBe(`${sb.url}${B3}/IncomingPhoneNumbers?Page=0&PageSize=2`);
      if (pages === 0) expect(r.json.previous_page_uri).toBeNull();
      else expect(r.json.previous_page_uri).toContain(`Page=${pages - 1}`);
      for (const n of r.json.incoming_phone_numbers) {
        expectShape(n, SEED_IPN, "$", ["voice_url", "sms_url"]);
        sids.push(n.sid);
      }
      url = r.json.next_page_uri;
      pages++;
    }
    expect(pages).toBe(3); // 1 toll free + 4 landlines = 5 numbers
    expect(new Set(sids).size).toBe(5);
    const bad = await call("GET", `${B3}/IncomingPhoneNumbers?PageSize=101`, { auth: AUTH2 });
    expect(bad.status).toBe(400);
  });
});

describe("Exotel v2 incoming-phone-numbers details", () => {
  it("answers the v2 envelope with connectivity, shaped like the seed", async () => {
    const search = await call("GET", `${B1}/AvailablePhoneNumbers/IN/Landline?InRegion=DL`);
    const voiceOnly = search.json.find((n: { capabilities: { sms: boolean } }) => !n.capabilities.sms);
    const landline = (
      await call("POST", `${B1}/IncomingPhoneNumbers`, { form: { PhoneNumber: voiceOnly.phone_number } })
    ).json;
    const r = await call("GET", `/exotel/v2/accounts/sandbox1/incoming-phone-numbers/${landline.sid}`);
    expect(r.status).toBe(200);
    // The seed's sid is the national number; the brief fixes 32-hex sids, so sid formats are not compared.
    expectShape(r.json, SEED_V2, "$", ["voice_url", "sms_url"], ["sid", "uri", "friendly_name"]);
    const data = r.json.response[0].data;
    expect(data.sid).toBe(landline.sid);
    expect(data.capabilities).toEqual({ voice: true });
    expect(data.uri).toBe(`/v2/accounts/sandbox1/incoming-phone-numbers/${landline.sid}`);
    expect(data.connectivity.incoming_call.status).toBe("active");
    expect(data.connectivity.outgoing_call.last_check_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00Z$/);
    expect(data.date_created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it("answers 404 in the v2 error envelope", async () => {
    const r = await call(
      "GET",
      "/exotel/v2/accounts/sandbox1/incoming-phone-numbers/00000000000000000000000000000000",
    );
    expect(r.status).toBe(404);
    expect(r.json.http_code).toBe(404);
    expect(r.json.response[0]).toMatchObject({
      code: 404,
      status: "failure",
      data: null,
      error_data: { code: 1000, description: "Not Found", message: "Not Found" },
    });
  });
});
