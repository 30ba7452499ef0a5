/**
 * `pulumi preview` runs each used kind's `configure` (the host configures a provider before its
 * first check), so missing credentials fail the preview with the error `up` gives, instead of a
 * green preview in CI that only `up` turns red. Kinds of other vendors need nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import type * as pulumi from "@pulumi/pulumi";
import { setConfigSource } from "../../provider/core/config.js";
import { provider } from "../../provider/index.js";

const VARS = [
  "EXOTEL_API_KEY",
  "EXOTEL_API_TOKEN",
  "EXOTEL_ACCOUNT_SID",
  "EXOTEL_REGION",
  "EXOTEL_BASE_URL",
  "EXOTEL_RATE_LIMIT",
  "PLIVO_AUTH_ID",
  "PLIVO_AUTH_TOKEN",
  "PLIVO_BASE_URL",
  "PLIVO_RATE_LIMIT",
  "APIFONICA_ACCOUNT_SID",
  "APIFONICA_AUTH_TOKEN",
  "APIFONICA_BASE_URL",
  "APIFONICA_RATE_LIMIT",
];
const saved = Object.fromEntries(VARS.map((k) => [k, process.env[k]]));

/** What the host hands `configure`: the stack's config, `<namespace>:<key>`. */
const request = (config: Record<string, string>) =>
  ({ config: { get: (key: string) => config[key] } }) as unknown as pulumi.dynamic.ConfigureRequest;

const rejection = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("it succeeded");
};

beforeEach(() => {
  for (const k of VARS) delete process.env[k];
});
afterEach(() => {
  for (const k of VARS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  setConfigSource(() => undefined);
});

describe("configure (run by preview) requires the kind's vendor credentials", () => {
  it("fails an ExoPhone preview without Exotel credentials, with the error up gives", async () => {
    const preview = await rejection(provider("exophone").configure(request({})));
    expect(preview).toMatch(
      /^Exotel credentials are missing\. Set:\n {2}- exotel:apiKey \(pulumi config set --secret/,
    );
    expect(preview).toContain("EXOTEL_API_TOKEN");
    expect(preview).toContain("EXOTEL_ACCOUNT_SID");
    // up: create reads the same settings before any API call.
    const up = await rejection(provider("exophone").create({ region: "KA" }));
    expect(up).toBe(preview);
  });

  it("names only what is missing, from stack config or the environment", async () => {
    process.env.EXOTEL_API_TOKEN = "t";
    const message = await rejection(provider("exophone").configure(request({ "exotel:accountSid": "acme" })));
    expect(message).toContain("exotel:apiKey");
    expect(message).not.toContain("exotel:apiToken");
    expect(message).not.toContain("exotel:accountSid");
  });

  it("fails each vendor's kinds on their own: a Plivo-only stack needs no Exotel keys", async () => {
    const plivo = { "plivo:authId": "MA0000000000000000", "plivo:authToken": "secret" };
    await expect(provider("plivo-number-order").configure(request(plivo))).resolves.toBeUndefined();
    expect(await rejection(provider("apifonica-number").configure(request(plivo)))).toMatch(
      /^Apifonica credentials are missing\. Set:\n.*apifonica:accountSid.*APIFONICA_ACCOUNT_SID/,
    );
    expect(await rejection(provider("apifonica-application").configure(request(plivo)))).toMatch(
      /^Apifonica credentials are missing/,
    );
  });

  it("also fails on an invalid setting (a rate limit that does not parse)", async () => {
    const config = {
      "plivo:authId": "MA0000000000000000",
      "plivo:authToken": "s",
      "plivo:rateLimit": "fast",
    };
    expect(await rejection(provider("plivo-number-order").configure(request(config)))).toMatch(
      /plivo:rateLimit \(or PLIVO_RATE_LIMIT\) must be requests per seconds, got "fast"; allowed: /,
    );
  });

  it("passes with environment credentials (the sandbox's CI setup)", async () => {
    process.env.APIFONICA_ACCOUNT_SID = "sandbox1";
    process.env.APIFONICA_AUTH_TOKEN = "token";
    await expect(provider("apifonica-application").configure(request({}))).resolves.toBeUndefined();
  });
});
