/** `phone-numbers sandbox`: starts the emulator, prints URLs and credentials, stops on SIGINT/SIGTERM. */
import { readFileSync } from "node:fs";
import { resolveAccounts } from "./accounts.js";
import { startSandbox } from "./server.js";
import type { SandboxAccounts, SandboxHandle, SandboxOptions } from "./types.js";
import { parseVariants, VARIANT_NAMES } from "./variants.js";

export const SANDBOX_USAGE = `usage: phone-numbers sandbox [options]

Runs a local emulator of the Exotel, Plivo and Apifonica phone-number APIs.

options:
  --port N          TCP port (default 4010; 0 picks a free one)
  --host HOST       interface to bind (default 127.0.0.1)
  --state FILE      persist state to FILE (atomic writes) and reload it at start
  --latency-ms N    add N ms of latency to every vendor request
  --seed N          catalog seed (default 1; same seed, same numbers)
  --accounts FILE   JSON file with the accounts per vendor (see sandbox/README.md)
  --variant NAME    answer in an alternative reading of the vendor documents (repeatable):
                    ${VARIANT_NAMES.join("\n                    ")}
                    (what each changes: sandbox/README.md, "Variants")
  -h, --help        show this help`;

export type ParsedArgs =
  | { kind: "run"; options: SandboxOptions; accountsFile?: string }
  | { kind: "help" }
  | { kind: "error"; message: string };

function intArg(name: string, value: string | undefined, min: number, max: number): number | string {
  if (value === undefined || !/^\d+$/.test(value)) return `${name} needs an integer value`;
  const n = Number.parseInt(value, 10);
  if (n < min || n > max) return `${name} must be between ${min} and ${max}`;
  return n;
}

type Parsed = { options: SandboxOptions; accountsFile?: string };
/** Puts an option's value into `into`; returns the problem with it, if any. */
type OptionSetter = (value: string, into: Parsed) => string | undefined;

function intOption(name: string, min: number, max: number, set: (n: number, into: Parsed) => void) {
  return (value: string, into: Parsed): string | undefined => {
    const n = intArg(name, value, min, max);
    if (typeof n === "string") return n;
    set(n, into);
    return undefined;
  };
}

/** Every option that takes a value. */
const OPTIONS: Record<string, OptionSetter> = {
  "--port": intOption("--port", 0, 65535, (n, into) => {
    into.options.port = n;
  }),
  "--host": (value, into) => {
    into.options.host = value;
    return undefined;
  },
  "--state": (value, into) => {
    into.options.stateFile = value;
    return undefined;
  },
  "--latency-ms": intOption("--latency-ms", 0, 600_000, (n, into) => {
    into.options.latencyMs = n;
  }),
  "--seed": intOption("--seed", 0, 2 ** 31 - 1, (n, into) => {
    into.options.seed = n;
  }),
  "--accounts": (value, into) => {
    into.accountsFile = value;
    return undefined;
  },
  "--variant": (value, into) => {
    try {
      into.options.variants = parseVariants([...(into.options.variants ?? []), value]);
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  },
};

/** Parses the command line (`--flag value` or `--flag=value`); reports the first problem. */
export function parseSandboxArgs(argv: string[]): ParsedArgs {
  const into: Parsed = { options: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "-h" || arg === "--help") return { kind: "help" };
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const set = Object.hasOwn(OPTIONS, name) ? OPTIONS[name] : undefined;
    if (!set) return { kind: "error", message: `unknown option "${arg}"` };
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === "") return { kind: "error", message: `${name} needs a value` };
    const problem = set(value, into);
    if (problem !== undefined) return { kind: "error", message: problem };
  }
  const { options, accountsFile } = into;
  return accountsFile === undefined ? { kind: "run", options } : { kind: "run", options, accountsFile };
}

/** Reads and validates an accounts file; errors name the file and every problem. */
export function loadAccountsFile(file: string): SandboxAccounts {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`cannot read accounts file ${file}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`accounts file ${file} is not valid JSON`);
  }
  try {
    return resolveAccounts(data);
  } catch (err) {
    throw new Error(`accounts file ${file}: ${(err as Error).message}`);
  }
}

/** The start-up text: URLs, every account's credentials, and env vars for the provider. */
export function sandboxBanner(
  handle: Pick<SandboxHandle, "url" | "accounts"> & { variants?: readonly string[] },
): string {
  const { url, accounts } = handle;
  const lines = [
    `phone-numbers sandbox listening on ${url}`,
    "",
    `  Exotel     ${url}/exotel`,
    `  Plivo      ${url}/plivo`,
    `  Apifonica  ${url}/apifonica`,
    `  Admin API  ${url}/__sandbox/`,
    ...(handle.variants?.length ? [`  Variants   ${handle.variants.join(", ")}`] : []),
    "",
    "Accounts (local sandbox credentials, not real ones):",
  ];
  for (const a of accounts.exotel)
    lines.push(`  exotel     accountSid=${a.accountSid} apiKey=${a.apiKey} apiToken=${a.apiToken}`);
  for (const a of accounts.plivo) lines.push(`  plivo      authId=${a.authId} authToken=${a.authToken}`);
  for (const a of accounts.apifonica)
    lines.push(`  apifonica  accountSid=${a.accountSid} authToken=${a.authToken}`);
  const e = accounts.exotel[0];
  const p = accounts.plivo[0];
  const f = accounts.apifonica[0];
  lines.push("", "Point the provider at it (first account of each vendor):");
  if (e) {
    lines.push(
      `  export EXOTEL_BASE_URL=${url}/exotel`,
      `  export EXOTEL_API_KEY=${e.apiKey}`,
      `  export EXOTEL_API_TOKEN=${e.apiToken}`,
      `  export EXOTEL_ACCOUNT_SID=${e.accountSid}`,
    );
  }
  if (p) {
    lines.push(
      `  export PLIVO_BASE_URL=${url}/plivo`,
      `  export PLIVO_AUTH_ID=${p.authId}`,
      `  export PLIVO_AUTH_TOKEN=${p.authToken}`,
    );
  }
  if (f) {
    lines.push(
      `  export APIFONICA_BASE_URL=${url}/apifonica`,
      `  export APIFONICA_ACCOUNT_SID=${f.accountSid}`,
      `  export APIFONICA_AUTH_TOKEN=${f.authToken}`,
    );
  }
  lines.push("", "Press Ctrl+C to stop.");
  return lines.join("\n");
}

export interface SandboxCommandIo {
  out?: (text: string) => void;
  err?: (text: string) => void;
  /** Stops the sandbox like SIGINT does (for tests and embedding). */
  signal?: AbortSignal;
}

/** Runs `phone-numbers sandbox`; resolves 0 after a graceful stop, 2 on bad usage, 1 on start-up failure. */
export async function runSandboxCommand(argv: string[], io: SandboxCommandIo = {}): Promise<number> {
  const out = io.out ?? ((t: string) => console.log(t));
  const errOut = io.err ?? ((t: string) => console.error(t));
  const parsed = parseSandboxArgs(argv);
  if (parsed.kind === "help") {
    out(SANDBOX_USAGE);
    return 0;
  }
  if (parsed.kind === "error") {
    errOut(`phone-numbers sandbox: ${parsed.message}\n\n${SANDBOX_USAGE}`);
    return 2;
  }
  let handle: SandboxHandle;
  try {
    const options = { ...parsed.options };
    if (parsed.accountsFile !== undefined) options.accounts = loadAccountsFile(parsed.accountsFile);
    handle = await startSandbox(options);
  } catch (err) {
    errOut(`phone-numbers sandbox: ${(err as Error).message}`);
    return 1;
  }
  out(sandboxBanner(handle));
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      io.signal?.removeEventListener("abort", stop);
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    if (io.signal?.aborted) stop();
    else io.signal?.addEventListener("abort", stop);
  });
  out("phone-numbers sandbox: stopping (finishing in-flight requests, flushing state)...");
  await handle.close();
  out("phone-numbers sandbox: stopped.");
  return 0;
}
