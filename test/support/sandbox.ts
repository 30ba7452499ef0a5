/** Test support: a sandbox per test file, its admin API, raw vendor calls, and provider config pointing at it. */
import { VendorApiError } from "../../provider/core/errors.js";
import { setConfigSource } from "../../provider/index.js";
import { DEFAULT_ACCOUNTS, startSandbox } from "../../sandbox/index.js";
import {
  adminRequest,
  sandboxStackConfig,
  type VendorName,
  vendorRequest,
} from "../../scripts/sandbox-client.js";

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

export interface LoggedRequest {
  vendor: string;
  account: string;
  method: string;
  path: string;
  status: number;
}

/**
 * A sandbox with the provider's config pointing at it. Rate limits (the sandbox's and the provider's
 * own per-account limiter) are raised far above the vendors' defaults: these tests exercise lifecycles,
 * and the client tests cover rate limiting itself.
 */
export async function start(extra: Parameters<typeof startSandbox>[0] = {}): Promise<Sandbox> {
  const generous = { requests: 100_000, windowMs: 60_000 };
  const accounts = {
    exotel: DEFAULT_ACCOUNTS.exotel.map((a) => ({ ...a, rateLimit: generous })),
    plivo: DEFAULT_ACCOUNTS.plivo.map((a) => ({ ...a, rateLimit: generous })),
    apifonica: DEFAULT_ACCOUNTS.apifonica.map((a) => ({ ...a, rateLimit: generous })),
  };
  const sb = await startSandbox({ port: 0, quiet: true, accounts, ...extra });
  const { config: plain, secrets } = sandboxStackConfig(sb);
  const config: Record<string, string> = {
    ...plain,
    ...secrets,
    "exotel:rateLimit": "100000/60s",
    "plivo:rateLimit": "100000/60s",
    "apifonica:rateLimit": "100000/60s",
  };
  setConfigSource((k) => config[k]);
  return sb;
}

export function admin<T = unknown>(sb: Sandbox, method: string, path: string, body?: unknown): Promise<T> {
  return adminRequest<T>(sb, method, path, body);
}

export async function requests(sb: Sandbox, vendor?: string): Promise<LoggedRequest[]> {
  const { requests } = await admin<{ requests: LoggedRequest[] }>(
    sb,
    "GET",
    `requests${vendor ? `?vendor=${vendor}` : ""}`,
  );
  return requests;
}

/** The numbers every sandbox account of `v` holds, as the admin API lists them. */
export async function heldBy(sb: Sandbox, v: VendorName): Promise<string[]> {
  return Object.values(
    (await admin<Record<string, Record<string, string[]>>>(sb, "GET", "holdings"))[v] ?? {},
  ).flat();
}

export async function clearLog(sb: Sandbox): Promise<void> {
  await admin(sb, "DELETE", "requests");
}

export async function fault(sb: Sandbox, rule: Record<string, unknown>): Promise<string> {
  return (await admin<{ id: string }>(sb, "POST", "faults", rule)).id;
}

/** A raw call to a vendor API of the sandbox, as a person using the vendor's dashboard or curl would. */
export function vendor(
  sb: Sandbox,
  which: VendorName,
  method: string,
  path: string,
  body?: Record<string, unknown>,
): Promise<{ status: number; json: unknown }> {
  return vendorRequest(sb, which, method, path, body);
}

/** Runs `fn` over `items` with at most `n` at once, as the Pulumi engine runs operations. */
export async function pool<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/** Awaits a call that must fail with a VendorApiError; keeps the error in `seen` for credential scans. */
export async function vendorFailure(p: Promise<unknown>, seen: unknown[]): Promise<VendorApiError> {
  try {
    await p;
  } catch (err) {
    seen.push(err);
    if (!(err instanceof VendorApiError)) throw err;
    return err;
  }
  throw new Error("expected the call to fail");
}
