/**
 * Vendor credentials for the CLI, read exactly as the provider reads them: the stack's config first
 * (secrets decrypted through the stack by `pulumi config --show-secrets`), then the environment. The
 * provider's own settings functions (provider/core/config.ts) do the lookup, so every key, default
 * and validation is the provider's.
 */
import {
  apifonicaSettings,
  exotelSettings,
  MissingConfigError,
  plivoSettings,
  setConfigSource,
} from "../provider/core/config.js";
import { basicAuthSecrets } from "../provider/core/redact.js";
import type { Vendor } from "../provider/registry.js";

export { VENDORS, type Vendor } from "../provider/registry.js";

export type ExotelSettings = ReturnType<typeof exotelSettings>;
export type PlivoSettings = ReturnType<typeof plivoSettings>;
export type ApifonicaSettings = ReturnType<typeof apifonicaSettings>;
export type VendorSettings =
  | { vendor: "exotel"; settings: ExotelSettings }
  | { vendor: "plivo"; settings: PlivoSettings }
  | { vendor: "apifonica"; settings: ApifonicaSettings };

/** Where settings come from: a stack's config (undefined: environment only) and its name. */
export interface ConfigSource {
  config?: Map<string, string>;
  /** e.g. `stack prod`; undefined for the environment alone. */
  stack?: string;
}

/** Credentials that could not be resolved: what is missing and where it would be read. */
export interface CredentialGap {
  vendor: Vendor;
  /** Some settings were given and others are missing (always a mistake). */
  partial: boolean;
  message: string;
}

const SETTINGS = { exotel: exotelSettings, plivo: plivoSettings, apifonica: apifonicaSettings } as const;
/** How many credential settings each vendor needs (see provider/core/config.ts). */
const REQUIRED = { exotel: 3, plivo: 2, apifonica: 2 } as const;

/** The settings of `vendor` from `source`, or what is missing. Other errors (a bad region) throw. */
export function resolveSettings(vendor: Vendor, source: ConfigSource): VendorSettings | CredentialGap {
  setConfigSource((key) => source.config?.get(key));
  try {
    return { vendor, settings: SETTINGS[vendor]() } as VendorSettings;
  } catch (err) {
    if (!(err instanceof MissingConfigError)) throw err;
    return gapOf(vendor, err, source);
  } finally {
    setConfigSource(() => undefined);
  }
}

function gapOf(vendor: Vendor, err: MissingConfigError, source: ConfigSource): CredentialGap {
  // "  - exotel:apiKey (pulumi config set --secret exotel:apiKey <value>) or EXOTEL_API_KEY"
  const missing = [...err.message.matchAll(/^ {2}- (\S+) \(.*\) or (\S+)$/gm)].map((m) =>
    source.stack ? `${m[1]} (config of ${source.stack}) or ${m[2]}` : `${m[2]} (environment)`,
  );
  const partial = missing.length < REQUIRED[vendor];
  return {
    vendor,
    partial,
    message: `${partial ? "incomplete" : "no"} ${vendor} credentials: missing ${missing.join(", ")}`,
  };
}

export const isGap = (s: VendorSettings | CredentialGap): s is CredentialGap => "message" in s;

/** How a vendor account is reached: its API base URL, its id and its HTTP Basic credentials. */
export interface AccountAuth {
  /** The API base URL. */
  baseUrl: string;
  /** The account id (part of every path; not a secret). */
  account: string;
  /** The Basic-auth user. */
  user: string;
  /** The Basic-auth password. */
  password: string;
  /** Whether the user is a secret too (Exotel's API key), not just the account id. */
  userIsSecret: boolean;
}

/** The account and credentials of these settings: the one place that knows each vendor's setting names. */
export function accountAuth(s: VendorSettings): AccountAuth {
  if (s.vendor === "exotel") {
    const { baseUrl, accountSid, apiKey, apiToken } = s.settings;
    return { baseUrl, account: accountSid, user: apiKey, password: apiToken, userIsSecret: true };
  }
  if (s.vendor === "plivo") {
    const { baseUrl, authId, authToken } = s.settings;
    return { baseUrl, account: authId, user: authId, password: authToken, userIsSecret: false };
  }
  const { baseUrl, accountSid, authToken } = s.settings;
  return { baseUrl, account: accountSid, user: accountSid, password: authToken, userIsSecret: false };
}

/** One account, as a key: vendor, API host and account id (two stacks with the same key share it). */
export function accountKey(s: VendorSettings): string {
  const a = accountAuth(s);
  return `${s.vendor} ${a.baseUrl} ${a.account}`;
}

/** The strings the redactor must hide for these settings. */
export function secretsOf(s: VendorSettings): string[] {
  const a = accountAuth(s);
  return basicAuthSecrets(a.user, a.password, a.userIsSecret);
}
