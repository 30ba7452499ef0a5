/** Test support: a sandbox per test file, its admin API, raw vendor calls, and provider config pointing at it. */
import { VendorApiError } from "../../provider/core/errors.js";
import { setConfigSource } from "../../provider/index.js";
import { startSandbox } from "../../sandbox/index.js";

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

export interface LoggedRequest {
  vendor: string;
  account: string;
  method: string;
  path: string;
  status: number;
}

export async function start(extra: Parameters<typeof startSandbox>[0] = {}): Promise<Sandbox> {
  const sb = await startSandbox({ port: 0, quiet: true, ...extra });
  const ex = sb.accounts.exotel[0]!;
  const pl = sb.accounts.plivo[0]!;
  const ap = sb.accounts.apifonica[0]!;
  const config: Record<string, string> = {
    "exotel:apiKey": ex.apiKey,
    "exotel:apiToken": ex.apiToken,
    "exotel:accountSid": ex.accountSid,
    "exotel:baseUrl": `${sb.url}/exotel`,
    "plivo:authId": pl.authId,
    "plivo:authToken": pl.authToken,
    "plivo:baseUrl": `${sb.url}/plivo`,
    "apifonica:accountSid": ap.accountSid,
    "apifonica:authToken": ap.authToken,
    "apifonica:baseUrl": `${sb.url}/apifonica`,
  };
  setConfigSource((k) => config[k]);
  return sb;
}

export async function admin<T = unknown>(
  sb: Sandbox,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${sb.url}/__sandbox/${path}`, {
    method,
    ...(body !== undefined && {
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`admin ${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function requests(sb: Sandbox, vendor?: string): Promise<LoggedRequest[]> {
  const { requests } = await admin<{ requests: LoggedRequest[] }>(
    sb,
    "GET",
    `requests${vendor ? `?vendor=${vendor}` : ""}`,
  );
  return requests;
}

export async function clearLog(sb: Sandbox): Promise<void> {
  await admin(sb, "DELETE", "requests");
}

export async function fault(sb: Sandbox, rule: Record<string, unknown>): Promise<string> {
  return (await admin<{ id: string }>(sb, "POST", "faults", rule)).id;
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

/** A raw call to a vendor API of the sandbox, as a person using the vendor's dashboard or curl would. */
export async function vendor(
  sb: Sandbox,
  which: "exotel" | "plivo" | "apifonica",
  method: string,
  path: string,
  body?: Record<string, string> | Record<string, unknown>,
): Promise<{ status: number; json: unknown }> {
  let auth: string;
  let prefix: string;
  let headers: Record<string, string> = {};
  let payload: string | undefined;
  if (which === "exotel") {
    const a = sb.accounts.exotel[0]!;
    auth = basic(a.apiKey, a.apiToken);
    prefix = `/exotel/v2_beta/Accounts/${a.accountSid}`;
    if (body) {
      headers = { "content-type": "application/x-www-form-urlencoded" };
      payload = new URLSearchParams(body as Record<string, string>).toString();
    }
  } else if (which === "plivo") {
    const a = sb.accounts.plivo[0]!;
    auth = basic(a.authId, a.authToken);
    prefix = `/plivo/v1/Account/${a.authId}`;
  } else {
    const a = sb.accounts.apifonica[0]!;
    auth = basic(a.accountSid, a.authToken);
    prefix = `/apifonica/v2/accounts/${a.accountSid}`;
  }
  if (body && which !== "exotel") {
    headers = { "content-type": "application/json" };
    payload = JSON.stringify(body);
  }
  const res = await fetch(`${sb.url}${prefix}${path}`, {
    method,
    headers: { authorization: auth, ...headers },
    ...(payload !== undefined && { body: payload }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
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
