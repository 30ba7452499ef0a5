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

export const VENDORS = ["exotel", "plivo", "apifonica"] as const;
export type Vendor = (typeof VENDORS)[number];

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

/** One account, as a key: vendor, API host and account id (two stacks with the same key share it). */
export function accountKey(s: VendorSettings): string {
  if (s.vendor === "exotel") return `exotel ${s.settings.baseUrl} ${s.settings.accountSid}`;
  if (s.vendor === "plivo") return `plivo ${s.settings.baseUrl} ${s.settings.authId}`;
  return `apifonica ${s.settings.baseUrl} ${s.settings.accountSid}`;
}

/** The strings the redactor must hide for these settings. */
export function secretsOf(s: VendorSettings): string[] {
  if (s.vendor === "exotel") return basicAuthSecrets(s.settings.apiKey, s.settings.apiToken, true);
  if (s.vendor === "plivo") return basicAuthSecrets(s.settings.authId, s.settings.authToken, false);
  return basicAuthSecrets(s.settings.accountSid, s.settings.authToken, false);
}
