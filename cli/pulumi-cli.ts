/**
 * The Pulumi CLI as the drift report and the export use it: stacks, their config (secrets decrypted
 * through the stack), their state and previews are all read through `pulumi`, so every backend works
 * (file, S3-compatible, Pulumi Cloud) with the user's own login and secrets provider.
 */
import { spawn } from "node:child_process";
import { stripAnsi } from "./args.js";

/** A stack and the project directory its commands run in. */
export interface StackRef {
  /** The name as given (`prod`, or `org/project/prod` for stacks of other projects). */
  name: string;
  cwd: string;
  /** How reports name it. */
  label: string;
}

/** Thrown when `pulumi` is not on PATH. */
export class PulumiNotFoundError extends Error {
  constructor() {
    super(
      "the Pulumi CLI (`pulumi`) was not found on PATH; install it (https://www.pulumi.com/docs/install/, " +
        "version 3.227.0 or newer) or pass the output of `pulumi preview --refresh --json` with --json FILE",
    );
    this.name = "PulumiNotFoundError";
  }
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `pulumi <args> --non-interactive --color never` in `cwd`. */
export function pulumi(args: string[], cwd: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn("pulumi", [...args, "--non-interactive", "--color", "never"], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => {
      stderr += c;
    });
    child.on("error", (err: NodeJS.ErrnoException) =>
      reject(err.code === "ENOENT" ? new PulumiNotFoundError() : err),
    );
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr: stripAnsi(stderr) }));
  });
}

/** The last lines of a failed command's output, without provider state. */
function tail(text: string): string {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.includes("__provider"))
    .slice(-20)
    .join("\n");
}

async function json<T>(args: string[], cwd: string, what: string): Promise<T> {
  const r = await pulumi(args, cwd);
  if (r.code !== 0) throw new Error(`${what} failed (exit code ${r.code}):\n${tail(r.stderr || r.stdout)}`);
  try {
    return JSON.parse(r.stdout) as T;
  } catch (err) {
    throw new Error(`${what} printed no JSON (${(err as Error).message})`);
  }
}

/** A stack's config with secrets decrypted: `pulumi config --json --show-secrets`. */
export async function stackConfig(stack: StackRef): Promise<Map<string, string>> {
  const raw = await json<Record<string, { value?: unknown; objectValue?: unknown }>>(
    ["config", "--json", "--show-secrets", "--stack", stack.name],
    stack.cwd,
    `pulumi config of stack ${stack.label}`,
  );
  const out = new Map<string, string>();
  for (const [key, v] of Object.entries(raw)) if (typeof v.value === "string") out.set(key, v.value);
  return out;
}

/** The stacks of the project in `cwd` (`all`: every stack of the backend, any project). */
export async function listStacks(cwd: string, all: boolean): Promise<string[]> {
  const list = await json<{ name: string }[]>(
    ["stack", "ls", "--json", ...(all ? ["--all"] : [])],
    cwd,
    `pulumi stack ls${all ? " --all" : ""}`,
  );
  return list.map((s) => s.name);
}

/** The selected stack of the project in `cwd`. */
export async function currentStack(cwd: string): Promise<string> {
  const list = await json<{ name: string; current?: boolean }[]>(
    ["stack", "ls", "--json"],
    cwd,
    "pulumi stack ls",
  );
  const current = list.find((s) => s.current)?.name;
  if (!current)
    throw new Error(
      `no stack is selected in ${cwd}; pass --stack NAME (stacks: ${list.map((s) => s.name).join(", ") || "none"})`,
    );
  return current;
}

export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** The resources in a stack's state: `pulumi stack export` (secrets stay encrypted). */
export async function stackResources(stack: StackRef): Promise<StateResource[]> {
  const state = await json<{ deployment?: { resources?: StateResource[] } }>(
    ["stack", "export", "--stack", stack.name],
    stack.cwd,
    `pulumi stack export of ${stack.label}`,
  );
  return state.deployment?.resources ?? [];
}

/** `pulumi preview --refresh --json` of a stack, parsed; throws with the error diagnostics on failure. */
export async function previewJson(stack: StackRef): Promise<unknown> {
  const r = await pulumi(["preview", "--refresh", "--json", "--stack", stack.name], stack.cwd);
  let parsed: { diagnostics?: { message?: string; severity?: string }[] } | undefined;
  try {
    parsed = JSON.parse(r.stdout) as typeof parsed;
  } catch {
    parsed = undefined;
  }
  if (r.code === 0 && parsed) return parsed;
  const diagnostics = (parsed?.diagnostics ?? [])
    .filter((d) => d.severity === "error")
    .map((d) => stripAnsi(d.message ?? "").trim());
  throw new Error(
    `pulumi preview --refresh of stack ${stack.label} failed (exit code ${r.code}):\n${tail([...diagnostics, r.stderr].join("\n"))}`,
  );
}
