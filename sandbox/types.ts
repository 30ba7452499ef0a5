/** Public types of the sandbox: options, accounts and the handle returned by `startSandbox`. */

/** The three emulated vendors; each lives under `<url>/<vendor>`. */
export type Vendor = "exotel" | "plivo" | "apifonica";
export const VENDORS: readonly Vendor[] = ["exotel", "plivo", "apifonica"];

/** Each vendor's base URL under a sandbox base URL, in the order of `VENDORS`. */
export function vendorUrls(base: string): Record<Vendor, string> {
  return Object.fromEntries(VENDORS.map((v) => [v, `${base}/${v}`])) as Record<Vendor, string>;
}

/** A per-account request budget: at most `requests` requests in any fixed window of `windowMs`. */
export interface RateLimit {
  requests: number;
  windowMs: number;
}

/** One Exotel account: the SID goes in the path, key and token are the Basic credentials. */
export interface ExotelAccount {
  accountSid: string;
  apiKey: string;
  apiToken: string;
  rateLimit?: RateLimit;
}

/** One Plivo account: the auth id is both the Basic user and the path segment. */
export interface PlivoAccount {
  authId: string;
  authToken: string;
  rateLimit?: RateLimit;
}

/** One Apifonica account: the account SID is both the Basic user and the path segment. */
export interface ApifonicaAccount {
  accountSid: string;
  authToken: string;
  rateLimit?: RateLimit;
}

/** Accounts per vendor; also the JSON format of `--accounts FILE`. */
export interface SandboxAccounts {
  exotel: ExotelAccount[];
  plivo: PlivoAccount[];
  apifonica: ApifonicaAccount[];
}

/** Options of `startSandbox`. */
export interface SandboxOptions {
  /** TCP port; default 4010, 0 picks a free port. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Catalog seed: the same seed yields the same numbers and ids. Default 1. */
  seed?: number;
  /** Latency added to every vendor request, in milliseconds. Default 0. */
  latencyMs?: number;
  /** JSON file the state is persisted to (atomically) and reloaded from at start. */
  stateFile?: string;
  /** Accounts; a vendor left out (or an empty list) gets the default accounts. */
  accounts?: Partial<SandboxAccounts>;
  /** Do not print warnings (e.g. a failed state write) to stderr. */
  quiet?: boolean;
  /**
   * Alternative readings of the vendor documents to answer in, e.g. `["exotel-v2-national-sid"]`
   * (the names and what each changes: `VARIANTS` in sandbox/variants.ts, and sandbox/README.md).
   */
  variants?: string[];
}

/** A running sandbox. */
export interface SandboxHandle {
  /** Base URL; each vendor lives under `<url>/exotel`, `<url>/plivo`, `<url>/apifonica`. */
  url: string;
  /** The accounts the sandbox accepts (with credentials: it is a local emulator). */
  accounts: SandboxAccounts;
  /** The variants switched on. */
  variants: string[];
  /** Stops accepting connections, lets in-flight requests finish, then flushes the state file. */
  close(): Promise<void>;
}
