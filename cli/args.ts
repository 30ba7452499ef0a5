/**
 * What every `phone-numbers` subcommand shares: one argument parser (Node's `util.parseArgs`, so
 * `--opt value` and `--opt=value` both work everywhere), `--help` on stdout with exit 0, usage errors
 * on stderr with exit 2, clean messages for file errors, progress lines on stderr, no colour.
 *
 * The CLI never writes colour codes (so `NO_COLOR` always holds): the Pulumi CLI it runs is told
 * `--color never`, and any escape code in text it relays is removed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { type ParseArgsConfig, parseArgs } from "node:util";

/** Where text goes; tests pass their own. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}
export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/** Exit code of a usage error (unknown option, missing value, bad value). */
export const EXIT_USAGE = 2;

/** A mistake in the command line: printed with the command's usage on stderr, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface CommandSpec<O extends Options> {
  /** e.g. `phone-numbers inventory export` */
  command: string;
  usage: string;
  options: O;
  /** Whether positional arguments are allowed (e.g. file names). */
  positionals?: boolean;
}

export type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ options: O; tokens: true }>>;

/**
 * Parses `argv` by `spec`. Returns undefined after printing the usage for `--help`/`-h`; throws a
 * {@link UsageError} for anything the parser refuses.
 */
export function parseCommand<O extends Options>(
  spec: CommandSpec<O>,
  argv: string[],
  io: Io,
): Parsed<O> | undefined {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.out(`${spec.usage}\n`);
    return undefined;
  }
  try {
    return parseArgs({
      args: argv,
      options: spec.options,
      allowPositionals: spec.positionals === true,
      strict: true,
      tokens: true,
    }) as Parsed<O>;
  } catch (err) {
    // Node's messages: 'Unknown option "--x"', 'Option "--out <value>" argument missing', ...
    const message = (err as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    throw new UsageError(message);
  }
}

/** Runs a subcommand body: usage errors print the usage (exit 2); other errors print one clean line (exit 1). */
export async function runCommand(
  spec: { command: string; usage: string },
  io: Io,
  body: () => Promise<number>,
  clean: (text: string) => string = (t) => t,
): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`${spec.command}: ${err.message}\n\n${spec.usage}\n`);
      return EXIT_USAGE;
    }
    io.err(clean(`${spec.command}: ${errorText(err)}\n`));
    return 1;
  }
}

const FILE_ERRORS: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EISDIR: "is a directory, not a file",
  ENOTDIR: "a part of the path is not a directory",
};

/** One line for an error: file system errors as `path: no such file`, others by their message. */
export function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === "string" && FILE_ERRORS[e.code] && typeof e.path === "string")
    return `${e.path}: ${FILE_ERRORS[e.code]}`;
  return err instanceof Error ? err.message : String(err);
}

/** A non-negative integer option value, or a usage error naming the option. */
export function nonNegativeInt(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()))
    throw new UsageError(`${option}: "${value}" is not a whole number; allowed: 0, 1, 2, ...`);
  return Number(value.trim());
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: escape codes are what it removes
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;
/** Text without terminal escape codes (for text relayed from the Pulumi CLI). */
export const stripAnsi = (text: string): string => text.replace(ANSI, "");

/** Progress lines on stderr (`phone-numbers: ...`); silent with `--quiet`. */
export type Progress = (line: string) => void;
export function progressTo(io: Io, quiet: boolean): Progress {
  return quiet ? () => undefined : (line) => io.err(`... ${line}\n`);
}

/** The version of this package (from its package.json). */
export function packageVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "pulumi-phone-numbers" && pkg.version) return pkg.version;
    }
    dir = path.dirname(dir);
  }
  return "unknown";
}

/**
 * Writes `text` to `file` atomically: a temporary file in the same directory, then a rename, so the
 * file is either the old one or the complete new one, never a truncated mix.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const handle = await fs.promises.open(tmp, "wx");
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(tmp, file);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
}
