import {
  exotelSettings,
  MissingConfigError,
  plivoSettings,
  setConfigSource,
} from "../../provider/core/config.js";

const ENV = [
  "EXOTEL_API_KEY",
  "EXOTEL_API_TOKEN",
  "EXOTEL_ACCOUNT_SID",
  "EXOTEL_REGION",
  "EXOTEL_BASE_URL",
  "PLIVO_AUTH_ID",
  "PLIVO_AUTH_TOKEN",
];
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

afterEach(() => {
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  setConfigSource(() => undefined);
});

describe("provider configuration", () => {
  beforeEach(() => {
    for (const k of ENV) delete process.env[k];
  });

  it("names every missing setting, its config key and its environment variable, in one error", () => {
    setConfigSource((k) => (k === "exotel:accountSid" ? "acme" : undefined));
    let err: unknown;
    try {
      exotelSettings();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MissingConfigError);
    const message = (err as Error).message;
    expect(message).toContain(
      "exotel:apiKey (pulumi config set --secret exotel:apiKey <value>) or EXOTEL_API_KEY",
    );
    expect(message).toContain(
      "exotel:apiToken (pulumi config set --secret exotel:apiToken <value>) or EXOTEL_API_TOKEN",
    );
    expect(message).not.toContain("exotel:accountSid");
  });

  it("prefers stack config over the environment and defaults to the vendor's real host", () => {
    process.env.PLIVO_AUTH_ID = "MAENV000000000000000";
    process.env.PLIVO_AUTH_TOKEN = "env-token";
    setConfigSource((k) => (k === "plivo:authId" ? "MASTACK0000000000000" : undefined));
    expect(plivoSettings()).toEqual({
      authId: "MASTACK0000000000000",
      authToken: "env-token",
      baseUrl: "https://api.plivo.com",
    });
  });

  it("picks the Mumbai host for exotel:region mumbai and rejects unknown regions", () => {
    const cfg: Record<string, string> = {
      "exotel:apiKey": "k",
      "exotel:apiToken": "t",
      "exotel:accountSid": "s",
      "exotel:region": "mumbai",
    };
    setConfigSource((k) => cfg[k]);
    expect(exotelSettings().baseUrl).toBe("https://api.in.exotel.com");
    cfg["exotel:region"] = "tokyo";
    expect(() => exotelSettings()).toThrow(/"singapore" or "mumbai", got "tokyo"/);
  });

  it("reads a rate limit override", () => {
    const cfg: Record<string, string> = {
      "exotel:apiKey": "k",
      "exotel:apiToken": "t",
      "exotel:accountSid": "s",
      "exotel:rateLimit": "50/60s",
    };
    setConfigSource((k) => cfg[k]);
    expect(exotelSettings().rateLimit).toEqual({ requests: 50, windowMs: 60_000 });
    cfg["exotel:rateLimit"] = "fast";
    expect(() => exotelSettings()).toThrow(
      /must be requests per seconds, got .*; allowed: "<requests>\/<seconds>s", such as "300\/5s"/,
    );
  });
});
