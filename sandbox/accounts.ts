/** Default accounts, validation of user-supplied ones (`--accounts FILE`), and the server's view of them. */
import type { ResolvedAccount } from "./http.js";
import { DEFAULT_RATE_LIMITS } from "./ratelimit.js";
import type { RateLimit, SandboxAccounts, Vendor } from "./types.js";
import { isRecord } from "./util.js";

/** Stable defaults, printed at start. */
export const DEFAULT_ACCOUNTS: SandboxAccounts = {
  exotel: [
    { accountSid: "sandbox1", apiKey: "sandbox-exotel-key-1", apiToken: "sandbox-exotel-token-1" },
    { accountSid: "sandbox2", apiKey: "sandbox-exotel-key-2", apiToken: "sandbox-exotel-token-2" },
  ],
  plivo: [
    { authId: "MASANDBOX00000000001", authToken: "sandbox-plivo-token-1" },
    { authId: "MASANDBOX00000000002", authToken: "sandbox-plivo-token-2" },
  ],
  apifonica: [
    {
      accountSid: "acc00000000-0000-4000-8000-000000000001",
      authToken: "aut00000000-0000-4000-8000-000000000001",
    },
    {
      accountSid: "acc00000000-0000-4000-8000-000000000002",
      authToken: "aut00000000-0000-4000-8000-000000000002",
    },
  ],
};

const FIELDS: Record<Vendor, { id: string; secret: string; user: string }> = {
  exotel: { id: "accountSid", user: "apiKey", secret: "apiToken" },
  plivo: { id: "authId", user: "authId", secret: "authToken" },
  apifonica: { id: "accountSid", user: "accountSid", secret: "authToken" },
};

function checkRateLimit(value: unknown, where: string, problems: string[]): void {
  if (value === undefined) return;
  if (
    !isRecord(value) ||
    typeof value["requests"] !== "number" ||
    !Number.isInteger(value["requests"]) ||
    value["requests"] < 1 ||
    typeof value["windowMs"] !== "number" ||
    !Number.isInteger(value["windowMs"]) ||
    value["windowMs"] < 1
  ) {
    problems.push(`${where}.rateLimit: must be { requests: integer >= 1, windowMs: integer >= 1 }`);
  }
}

type Fields = (typeof FIELDS)[Vendor];

/** Checks one account of a vendor's list; `seen` collects ids and users to report duplicates. */
function checkAccount(
  vendor: Vendor,
  item: unknown,
  where: string,
  seen: { ids: Set<string>; users: Set<string> },
  problems: string[],
): void {
  const f = FIELDS[vendor];
  if (!isRecord(item)) {
    problems.push(`${where}: must be an object`);
    return;
  }
  for (const field of new Set([f.id, f.user, f.secret])) {
    const v = item[field];
    if (typeof v !== "string" || v.length === 0 || !/^[\x21-\x7e]+$/.test(v)) {
      problems.push(`${where}.${field}: required, a non-empty string of printable characters without spaces`);
    }
  }
  const id = item[f.id];
  if (typeof id === "string") {
    if (vendor === "plivo" && !/^(MA|SA)[A-Z0-9]{18}$/.test(id)) {
      problems.push(`${where}.authId: must be MA or SA followed by 18 upper-case letters or digits`);
    }
    if (vendor === "exotel" && !/^[A-Za-z0-9_-]+$/.test(id)) {
      problems.push(`${where}.accountSid: letters, digits, "-" and "_" only`);
    }
    if (seen.ids.has(id)) problems.push(`${where}.${f.id}: duplicate ${id}`);
    seen.ids.add(id);
  }
  const user = item[f.user];
  if (typeof user === "string" && f.user !== f.id) {
    if (seen.users.has(user)) problems.push(`${where}.${f.user}: duplicate (each account needs its own key)`);
    seen.users.add(user);
  }
  checkRateLimit(item["rateLimit"], where, problems);
}

/** An account with only the fields the vendor's accounts have. */
function pickFields(item: unknown, f: Fields): Record<string, unknown> {
  const r = item as Record<string, unknown>;
  const copy: Record<string, unknown> = { [f.id]: r[f.id], [f.user]: r[f.user], [f.secret]: r[f.secret] };
  if (r["rateLimit"] !== undefined) copy["rateLimit"] = r["rateLimit"];
  return copy;
}

/**
 * Validates accounts (all problems reported at once) and fills in defaults for vendors left out or
 * given an empty list. Throws an Error naming every offending path; never echoes secrets.
 */
export function resolveAccounts(input: unknown): SandboxAccounts {
  if (input === undefined || input === null) return structuredClone(DEFAULT_ACCOUNTS);
  if (!isRecord(input))
    throw new Error("accounts: must be an object with exotel, plivo and/or apifonica lists");
  const problems: string[] = [];
  const out = structuredClone(DEFAULT_ACCOUNTS) as unknown as Record<Vendor, unknown[]>;
  for (const key of Object.keys(input)) {
    if (!(key in FIELDS)) problems.push(`accounts.${key}: unknown vendor (use exotel, plivo, apifonica)`);
  }
  for (const vendor of Object.keys(FIELDS) as Vendor[]) {
    const list = input[vendor];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      problems.push(`accounts.${vendor}: must be a list`);
      continue;
    }
    if (list.length === 0) continue;
    const seen = { ids: new Set<string>(), users: new Set<string>() };
    list.forEach((item, i) => {
      checkAccount(vendor, item, `accounts.${vendor}[${i}]`, seen, problems);
    });
    out[vendor] = list.map((item) => pickFields(item, FIELDS[vendor]));
  }
  if (problems.length > 0) throw new Error(`invalid accounts:\n  ${problems.join("\n  ")}`);
  return out as unknown as SandboxAccounts;
}

/** The server's view: Basic user/secret, path id and effective rate limit per account. */
export function resolvedAccounts(accounts: SandboxAccounts): Record<Vendor, ResolvedAccount[]> {
  const one = (
    vendor: Vendor,
    id: string,
    user: string,
    secret: string,
    rateLimit: RateLimit | undefined,
  ) => ({
    vendor,
    id,
    user,
    secret,
    rateLimit: rateLimit ?? DEFAULT_RATE_LIMITS[vendor],
  });
  return {
    exotel: accounts.exotel.map((a) => one("exotel", a.accountSid, a.apiKey, a.apiToken, a.rateLimit)),
    plivo: accounts.plivo.map((a) => one("plivo", a.authId, a.authId, a.authToken, a.rateLimit)),
    apifonica: accounts.apifonica.map((a) =>
      one("apifonica", a.accountSid, a.accountSid, a.authToken, a.rateLimit),
    ),
  };
}
