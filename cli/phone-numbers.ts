#!/usr/bin/env node
/**
 * The `phone-numbers` command: one subcommand per job, each loaded only when used.
 * `phone-numbers --version`, `phone-numbers --help`, `phone-numbers <command> --help`.
 */
import { type Io, packageVersion, processIo } from "./args.js";

interface Command {
  summary: string;
  run: (argv: string[]) => Promise<number>;
}

const commands: Record<string, Command> = {
  sandbox: {
    summary: "run the local emulator of the Exotel, Plivo and Apifonica number APIs",
    run: async (argv) => (await import("../sandbox/cli.js")).runSandboxCommand(argv),
  },
  inventory: {
    summary: "export the numbers the accounts hold as an inventory file; check inventory files",
    run: async (argv) => (await import("./inventory.js")).runInventoryCommand(argv),
  },
  doctor: {
    summary:
      "read-only check of your real vendor accounts: auth, list, search, details, response schemas, timings",
    run: async (argv) => (await import("./doctor.js")).runDoctor(argv),
  },
  "drift-report": {
    summary: "drift, conflicts, unmanaged numbers, releases and rental of one or many stacks",
    run: async (argv) => (await import("./drift-report.js")).runDriftReport(argv),
  },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`);
  return [
    "usage: phone-numbers <command> [options]",
    "       phone-numbers <command> --help",
    "       phone-numbers --version",
    "",
    "commands:",
    ...lines,
  ].join("\n");
}

/** Runs the command line; returns the exit code. */
async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-v") {
    io.out(`${packageVersion()}\n`);
    return 0;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    io.out(`${usage()}\n`);
    return 0;
  }
  if (!name) {
    io.err(`phone-numbers: name a command\n\n${usage()}\n`);
    return 2;
  }
  const command = commands[name];
  if (!command) {
    io.err(`phone-numbers: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`phone-numbers: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
