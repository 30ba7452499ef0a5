#!/usr/bin/env node
/** The `phone-numbers` command: one subcommand per job, each loaded only when used. */
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
    summary: "export the numbers an account holds as an inventory file; check inventory files",
    run: async (argv) => (await import("./inventory.js")).runInventoryCommand(argv),
  },
  "drift-report": {
    summary: "report drift, unmanaged numbers and monthly rental of a stack (exit 7 on drift)",
    run: async (argv) => (await import("./drift-report.js")).runDriftReport(argv),
  },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(20)} ${c.summary}`);
  return ["usage: phone-numbers <command> [options]", "", "commands:", ...lines].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h") {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`phone-numbers: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`phone-numbers: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
