#!/usr/bin/env node
// The two commands of this directory as the `phone-numbers` binary runs them, from dist/, for tests
// and for examples/drift-ci/drift-check.sh (PHONE_NUMBERS="node test/inventory/cli.mjs").
const [command, ...rest] = process.argv.slice(2);
if (command === "drift-report") {
  const { runDriftReport } = await import("../../dist/cli/drift-report.js");
  process.exitCode = await runDriftReport(rest);
} else if (command === "inventory") {
  const { runInventoryCommand } = await import("../../dist/cli/inventory.js");
  process.exitCode = await runInventoryCommand(rest);
} else {
  console.error(`cli.mjs: unknown command ${command}`);
  process.exitCode = 2;
}
