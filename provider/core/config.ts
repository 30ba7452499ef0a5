/**
 * Provider configuration: stack config (set by `configure`) first, then environment variables.
 *
 * Credentials never enter resource inputs or outputs. They are required per vendor, when a kind of
 * that vendor is configured (see {@link requireSettingsOf}), so a stack that only uses Plivo needs no
 * Exotel keys, and read afresh at each API call.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Vendor } from "../registry.js";
import type { RateLimit } from "./limiter.js";

/** Looks a stack config key (`exotel:apiKey`) up; undefined when unset. */
export type ConfigLookup = (key: string) => string | undefined;

let stackConfig: ConfigLookup = () => undefined;

/** Called by every kind's `configure`; the host runs it once per deserialised provider. */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  stackConfig = (key) => req.config.get(key);
}

/** Each vendor's settings (a kind's vendor is in the registry, provider/registry.ts). */
const SETTINGS_OF: Record<Vendor, () => unknown> = {
  exotel: () => exotelSettings(),
  plivo: () => plivoSettings(),
  apifonica: () => apifonicaSettings(),
};

/**
 * Fails, with the error `up` would give, when the settings of a vendor (of a kind in use) are missing or
 * invalid. The host configures a kind's provider only when the program declares (or the state holds)
 * a resource of that kind, and it does so in `preview` too: a preview in CI without credentials
 * fails instead of passing green, while a stack that only uses Plivo still needs no Exotel keys.
 * Run right after `configure`; the settings are still read afresh at every API call.
 */
export function requireSettingsOf(vendor: Vendor): void {
  SETTINGS_OF[vendor]();
}

/** Tests and the CLI set configuration directly (the CLI has no Pulumi stack). */
export function setConfigSource(lookup: ConfigLookup): void {
  stackConfig = lookup;
}

interface Setting {
  /** stack config key, e.g. `exotel:apiToken` */
  key: string;
  /** environment variable fallback */
  env: string;
}

function lookup(s: Setting): string | undefined {
  const fromStack = stackConfig(s.key);
  if (fromStack !== undefined && fromStack !== "") return fromStack;
  const fromEnv = process.env[s.env];
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : undefined;
}

/** Thrown when credentials are missing; names every missing setting and how to provide it. */
export class MissingConfigError extends Error {
  constructor(vendor: string, missing: Setting[]) {
    const lines = missing.map(
      (s) => `  - ${s.key} (pulumi config set --secret ${s.key} <value>) or ${s.env}`,
    );
    super(`${vendor} credentials are missing. Set:\n${lines.join("\n")}`);
    this.name = "MissingConfigError";
  }
}

function required(vendor: string, settings: Record<string, Setting>): Record<string, string> {
  const values: Record<string, string> = {};
  const missing: Setting[] = [];
  for (const [name, s] of Object.entries(settings)) {
    const v = lookup(s);
    if (v === undefined) missing.push(s);
    else values[name] = v;
  }
  if (missing.length > 0) throw new MissingConfigError(vendor, missing);
  return values;
}

/** Parses `<requests>/<seconds>s`, e.g. `300/5s`; undefined when unset. */
function rateLimit(s: Setting): RateLimit | undefined {
  const v = lookup(s);
  if (v === undefined) return undefined;
  const m = /^(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*s$/.exec(v.trim());
  if (!m)
    throw new Error(
      `${s.key} (or ${s.env}) must be requests per seconds, got "${v}"; allowed: "<requests>/<seconds>s", such as "300/5s"`,
    );
  return { requests: Number(m[1]), windowMs: Number(m[2]) * 1000 };
}

function withLimit<T extends object>(
  account: T,
  limit: RateLimit | undefined,
): T & { rateLimit?: RateLimit } {
  return limit ? { ...account, rateLimit: limit } : account;
}

export const EXOTEL_HOSTS = {
  singapore: "https://api.exotel.com",
  mumbai: "https://api.in.exotel.com",
} as const;

export function exotelSettings() {
  const creds = required("Exotel", {
    apiKey: { key: "exotel:apiKey", env: "EXOTEL_API_KEY" },
    apiToken: { key: "exotel:apiToken", env: "EXOTEL_API_TOKEN" },
    accountSid: { key: "exotel:accountSid", env: "EXOTEL_ACCOUNT_SID" },
  });
  const regionSetting = { key: "exotel:region", env: "EXOTEL_REGION" };
  const region = lookup(regionSetting) ?? "singapore";
  if (region !== "singapore" && region !== "mumbai") {
    throw new Error(
      `exotel:region (or EXOTEL_REGION) must be "singapore" or "mumbai", got "${region}"; allowed: "singapore" (api.exotel.com), "mumbai" (api.in.exotel.com)`,
    );
  }
  const baseUrl = lookup({ key: "exotel:baseUrl", env: "EXOTEL_BASE_URL" }) ?? EXOTEL_HOSTS[region];
  return withLimit(
    { accountSid: creds.accountSid!, apiKey: creds.apiKey!, apiToken: creds.apiToken!, baseUrl },
    rateLimit({ key: "exotel:rateLimit", env: "EXOTEL_RATE_LIMIT" }),
  );
}

export function plivoSettings() {
  const creds = required("Plivo", {
    authId: { key: "plivo:authId", env: "PLIVO_AUTH_ID" },
    authToken: { key: "plivo:authToken", env: "PLIVO_AUTH_TOKEN" },
  });
  const baseUrl = lookup({ key: "plivo:baseUrl", env: "PLIVO_BASE_URL" }) ?? "https://api.plivo.com";
  return withLimit(
    { authId: creds.authId!, authToken: creds.authToken!, baseUrl },
    rateLimit({ key: "plivo:rateLimit", env: "PLIVO_RATE_LIMIT" }),
  );
}

export function apifonicaSettings() {
  const creds = required("Apifonica", {
    accountSid: { key: "apifonica:accountSid", env: "APIFONICA_ACCOUNT_SID" },
    authToken: { key: "apifonica:authToken", env: "APIFONICA_AUTH_TOKEN" },
  });
  const baseUrl =
    lookup({ key: "apifonica:baseUrl", env: "APIFONICA_BASE_URL" }) ?? "https://api.apifonica.com";
  return withLimit(
    { accountSid: creds.accountSid!, authToken: creds.authToken!, baseUrl },
    rateLimit({ key: "apifonica:rateLimit", env: "APIFONICA_RATE_LIMIT" }),
  );
}

/**
 * The window of the unlabelled-number guard (core/labels.ts `unlabelledGuard`), in milliseconds:
 * stack config `<vendor>:unlabelledWindowHours`, else PHONE_NUMBERS_UNLABELLED_WINDOW_HOURS, else 24 h;
 * 0 turns the guard off.
 */
export function unlabelledWindowMs(vendor: Vendor): number {
  const s = { key: `${vendor}:unlabelledWindowHours`, env: "PHONE_NUMBERS_UNLABELLED_WINDOW_HOURS" };
  const v = lookup(s);
  if (v === undefined) return 24 * 3_600_000;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(
      `${s.key} (or ${s.env}) must be a number of hours, got "${v}"; allowed: 0 (rent even when unlabelled numbers exist) or more, such as 24`,
    );
  return n * 3_600_000;
}
