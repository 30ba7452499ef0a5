/**
 * How a vendor client is made for an account, written once for every vendor: the account's shared
 * limiter, one cached client per account (rebuilt when a secret or the tuning changes), and a seam
 * that lets tests put their own client in place of the real one.
 */
import type { Vendor } from "./errors.js";
import {
  cached,
  createVendorHttp,
  fingerprintOf,
  type HttpTuning,
  normalizeBase,
  type VendorErrorBody,
  type VendorHttp,
} from "./http.js";
import { configureLimit, limiterFor, type RateLimit } from "./limiter.js";

/** What every vendor account has besides its credentials. */
export interface VendorAccountBase extends HttpTuning {
  /** The API's base URL (the vendor's, or the sandbox's `<url>/<vendor>`). */
  baseUrl: string;
  /** Overrides the account's shared limiter (see `configureLimit`). */
  rateLimit?: RateLimit;
}

/** The HTTP Basic pair of an account. */
export interface BasicCredentials {
  username: string;
  password: string;
  /** Whether the user name is itself a secret (Exotel's API key) or an account id (Plivo, Apifonica). */
  usernameIsSecret: boolean;
}

/** Everything that differs between the vendors in how a client is made. */
export interface VendorClientSpec<A extends VendorAccountBase, C> {
  vendor: Vendor;
  /** The limits of an account that sets none. */
  defaultRateLimit: RateLimit;
  /** How request bodies are encoded. */
  bodyEncoding: "form" | "json";
  /** Extracts the vendor's code and message from an error body. */
  parseErrorBody(body: unknown): VendorErrorBody;
  /** The account's id (the one in API paths), part of the limiter and cache keys. */
  accountId(account: A): string;
  credentials(account: A): BasicCredentials;
  /** Builds the client on top of the account's HTTP layer. */
  build(account: A, http: VendorHttp): C;
}

/** Makes a client for an account; the second argument makes the real (cached) one. */
export type ClientFactory<A, C> = (account: A, real: (account: A) => C) => C;

/**
 * Each vendor's account and client types, keyed by vendor. Every client module adds its own entry
 * (declaration merging), so `setClientFactory("plivo", ...)` is typed without core naming a vendor.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the vendor client modules
export interface VendorClientTypes {}

/** The factory type of one vendor, from `VendorClientTypes`. */
export type VendorClientFactory<V extends keyof VendorClientTypes> = VendorClientTypes[V] extends {
  account: infer A;
  client: infer C;
}
  ? ClientFactory<A, C>
  : never;

/** The factories `setClientFactory` put in place, by vendor (each typed by its `VendorClientTypes` entry). */
const overrides = new Map<Vendor, unknown>();
/** Counts seam changes, so per-account bundles built before a change are not reused after it. */
let generation = 0;

/** A number that changes whenever `setClientFactory` or `restoreClientFactory` is called. */
export function clientFactoryGeneration(): number {
  return generation;
}

/**
 * Replaces how clients of `vendor` are made (a test's fake, or the real client wrapped) until
 * `restoreClientFactory`. Takes effect for clients asked for afterwards; per-account bundles that a
 * resource module already built keep the client they hold.
 */
export function setClientFactory<V extends keyof VendorClientTypes & Vendor>(
  vendor: V,
  factory: VendorClientFactory<V>,
): void {
  overrides.set(vendor, factory);
  generation += 1;
}

/** The key of an account's shared limiter: `<vendor>:<account id>@<base URL>`. */
export function limiterKeyOf(vendor: Vendor, accountId: string, baseUrl: string): string {
  return `${vendor}:${accountId}@${normalizeBase(baseUrl)}`;
}

/** Undoes `setClientFactory` for one vendor, or for all when none is named. */
export function restoreClientFactory(vendor?: Vendor): void {
  if (vendor === undefined) {
    overrides.clear();
  } else {
    overrides.delete(vendor);
  }
  generation += 1;
}

/** The clients of one vendor: one per account for the life of the process, unless a test replaced them. */
export class VendorClients<A extends VendorAccountBase, C> {
  private readonly cache = new Map<string, { fingerprint: string; client: C }>();

  constructor(private readonly spec: VendorClientSpec<A, C>) {}

  /** The vendor these clients talk to. */
  get vendor(): Vendor {
    return this.spec.vendor;
  }

  /** The id of `account` (the one in its API paths). */
  accountId(account: A): string {
    return this.spec.accountId(account);
  }

  /** The account's key among the per-account bundles of the resource modules: `<vendor>:<base URL>:<account id>`. */
  accountKey(account: A): string {
    return `${this.spec.vendor}:${account.baseUrl}:${this.spec.accountId(account)}`;
  }

  /** The client of `account`: a test's (see `setClientFactory`), or the cached real one. */
  client(account: A): C {
    const override = overrides.get(this.spec.vendor) as ClientFactory<A, C> | undefined;
    return override ? override(account, (a) => this.real(a)) : this.real(account);
  }

  /** The real client, cached per (base URL, account id, user); a changed secret or tuning builds a fresh one. */
  private real(account: A): C {
    const spec = this.spec;
    const accountId = spec.accountId(account);
    const limiterKey = limiterKeyOf(spec.vendor, accountId, account.baseUrl);
    if (account.rateLimit) {
      configureLimit(limiterKey, account.rateLimit);
    }
    const credentials = spec.credentials(account);
    const key = `${normalizeBase(account.baseUrl)}\n${accountId}\n${credentials.username}`;
    const fingerprint = fingerprintOf(credentials.password, account.timeouts, account.retryLimit);
    return cached(this.cache, key, fingerprint, () =>
      spec.build(
        account,
        createVendorHttp({
          vendor: spec.vendor,
          baseUrl: account.baseUrl,
          ...credentials,
          limiter: limiterFor(limiterKey, spec.defaultRateLimit),
          bodyEncoding: spec.bodyEncoding,
          parseErrorBody: spec.parseErrorBody,
          ...(account.timeouts ? { timeouts: account.timeouts } : {}),
          ...(account.retryLimit !== undefined ? { retryLimit: account.retryLimit } : {}),
        }),
      ),
    );
  }
}
