/**
 * Talking to a running sandbox from the demo and the end-to-end tests: the stack config that points
 * the provider at it, raw vendor API calls (what a person does in a vendor's dashboard), and what its
 * accounts hold (admin API). Plain `fetch`; no code shared with the provider or the sandbox (only the
 * registry's `Vendor` type).
 */
import type { Vendor } from "../provider/registry.js";
import type { SandboxAccounts } from "../sandbox/index.js";

/** What these helpers need of a sandbox: its base URL and accounts (a `startSandbox` handle fits). */
export interface SandboxRef {
  url: string;
  accounts: SandboxAccounts;
}

/** A vendor of the registry (type only: nothing of the provider is loaded). */
export type VendorName = Vendor;

/** Stack config for the first account of each vendor: plain values, and the keys and tokens as secrets. */
export function sandboxStackConfig(sb: SandboxRef): {
  config: Record<string, string>;
  secrets: Record<string, string>;
} {
  const ex = first(sb.accounts.exotel, "exotel");
  const pl = first(sb.accounts.plivo, "plivo");
  const ap = first(sb.accounts.apifonica, "apifonica");
  return {
    config: {
      "exotel:baseUrl": `${sb.url}/exotel`,
      "exotel:accountSid": ex.accountSid,
      "plivo:baseUrl": `${sb.url}/plivo`,
      "plivo:authId": pl.authId,
      "apifonica:baseUrl": `${sb.url}/apifonica`,
      "apifonica:accountSid": ap.accountSid,
    },
    // The Exotel API key is half of the Basic credentials: a secret too (plain config values are copied
    // into the stack's state by the CLI, and would show in `pulumi stack export`).
    secrets: {
      "exotel:apiKey": ex.apiKey,
      "exotel:apiToken": ex.apiToken,
      "plivo:authToken": pl.authToken,
      "apifonica:authToken": ap.authToken,
    },
  };
}

/** Every credential of every sandbox account (keys and tokens), to prove none leaks anywhere. */
export function sandboxCredentials(sb: SandboxRef): string[] {
  return [
    ...sb.accounts.exotel.flatMap((a) => [a.apiKey, a.apiToken]),
    ...sb.accounts.plivo.map((a) => a.authToken),
    ...sb.accounts.apifonica.map((a) => a.authToken),
  ];
}

function first<T>(list: readonly T[], vendor: string): T {
  const a = list[0];
  if (!a) throw new Error(`the sandbox has no ${vendor} account`);
  return a;
}

/** The path prefix of the first account of a vendor, as its API spells it. */
function accountPrefix(
  sb: SandboxRef,
  vendor: VendorName,
): { prefix: string; user: string; password: string } {
  if (vendor === "exotel") {
    const a = first(sb.accounts.exotel, vendor);
    return { prefix: `/exotel/v2_beta/Accounts/${a.accountSid}`, user: a.apiKey, password: a.apiToken };
  }
  if (vendor === "plivo") {
    const a = first(sb.accounts.plivo, vendor);
    return { prefix: `/plivo/v1/Account/${a.authId}`, user: a.authId, password: a.authToken };
  }
  const a = first(sb.accounts.apifonica, vendor);
  return { prefix: `/apifonica/v2/accounts/${a.accountSid}`, user: a.accountSid, password: a.authToken };
}

/**
 * A raw call to a vendor API of the sandbox, first account, as the vendor's dashboard or curl would
 * make it: `path` is relative to the account (e.g. `/IncomingPhoneNumbers/<sid>`); Exotel bodies are
 * form-encoded, the others JSON. Throws on a network error only; the caller checks the status.
 */
export async function vendorRequest(
  sb: SandboxRef,
  vendor: VendorName,
  method: string,
  path: string,
  body?: Record<string, unknown>,
): Promise<{ status: number; json: unknown }> {
  const { prefix, user, password } = accountPrefix(sb, vendor);
  const headers: Record<string, string> = {
    authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`,
  };
  let payload: string | undefined;
  if (body !== undefined) {
    if (vendor === "exotel") {
      headers["content-type"] = "application/x-www-form-urlencoded";
      payload = new URLSearchParams(
        Object.entries(body).map(([k, v]) => [k, String(v)] as [string, string]),
      ).toString();
    } else {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(body);
    }
  }
  const res = await fetch(`${sb.url}${prefix}${path}`, {
    method,
    headers,
    ...(payload !== undefined && { body: payload }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

/** Like {@link vendorRequest}, but throws unless the status is 2xx (the message has no credential). */
export async function vendorOk(
  sb: SandboxRef,
  vendor: VendorName,
  method: string,
  path: string,
  body?: Record<string, unknown>,
): Promise<unknown> {
  const res = await vendorRequest(sb, vendor, method, path, body);
  if (res.status < 200 || res.status > 299) {
    throw new Error(`${vendor} ${method} ${path} answered ${res.status}: ${JSON.stringify(res.json)}`);
  }
  return res.json;
}

/** A call to the sandbox's admin API (`<url>/__sandbox/<path>`); throws unless 2xx. */
export async function adminRequest<T = unknown>(
  sb: SandboxRef,
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
  if (!res.ok) throw new Error(`sandbox admin ${method} /__sandbox/${path} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** What the sandbox's accounts hold, summed over every account of each vendor (admin API). */
export interface Holdings {
  exotel: number;
  plivo: number;
  apifonica: number;
  apifonicaApplications: number;
}

export async function holdings(sb: SandboxRef): Promise<Holdings> {
  type Row = { rented?: number; applications?: number };
  const accounts = await adminRequest<Record<VendorName, Row[]>>(sb, "GET", "accounts");
  const sum = (rows: Row[] | undefined, key: keyof Row) =>
    (rows ?? []).reduce((n, r) => n + (r[key] ?? 0), 0);
  return {
    exotel: sum(accounts.exotel, "rented"),
    plivo: sum(accounts.plivo, "rented"),
    apifonica: sum(accounts.apifonica, "rented"),
    apifonicaApplications: sum(accounts.apifonica, "applications"),
  };
}

/**
 * The numbers the first account of each vendor holds, as each vendor's own list API reports them
 * (first page; enough for the demo and tests, which hold a handful).
 */
export async function listedNumbers(sb: SandboxRef): Promise<Record<VendorName, string[]>> {
  const exotel = (await vendorOk(sb, "exotel", "GET", "/IncomingPhoneNumbers?PageSize=100")) as {
    incoming_phone_numbers?: Array<{ phone_number: string }>;
  };
  const plivo = (await vendorOk(sb, "plivo", "GET", "/Number/?limit=20")) as {
    objects?: Array<{ number: string }>;
  };
  const apifonica = (await vendorOk(sb, "apifonica", "GET", "/numbers")) as {
    numbers?: Array<{ number: string }>;
  };
  return {
    exotel: (exotel.incoming_phone_numbers ?? []).map((n) => n.phone_number),
    plivo: (plivo.objects ?? []).map((n) => n.number),
    apifonica: (apifonica.numbers ?? []).map((n) => n.number),
  };
}
