/**
 * The harness's `run` (scripts/pulumi.ts), which every real-engine test and the demo use to start
 * commands: a command that exits before reading its input must come back as its exit code, never as
 * an EPIPE thrown from writing that input (seen once in CI, from `node --version`, which exits before
 * the harness closed its stdin).
 */
import { run } from "../../scripts/pulumi.js";

const opts = { cwd: process.cwd(), env: process.env };

test("without input, the command's stdin is /dev/null, not a pipe", async () => {
  const r = await run(
    process.execPath,
    ["-e", "process.stdout.write(String(require('fs').fstatSync(0).isCharacterDevice()))"],
    opts,
  );
  expect({ code: r.code, out: r.stdout }).toEqual({ code: 0, out: "true" });
});

test("a command that closes its stdin unread comes back with its exit code", async () => {
  // 4 MiB does not fit in a pipe's buffer, so writing it to a closed pipe fails with EPIPE.
  const script = "require('fs').closeSync(0); setTimeout(() => process.exit(3), 300)";
  const r = await run(process.execPath, ["-e", script], { ...opts, stdin: "x".repeat(4 << 20) });
  expect(r.code).toBe(3);
});

test("input is still delivered to a command that reads it", async () => {
  const script =
    "let s = ''; process.stdin.on('data', (c) => (s += c)).on('end', () => process.stdout.write(s))";
  const r = await run(process.execPath, ["-e", script], { ...opts, stdin: "secret-value" });
  expect({ code: r.code, out: r.stdout }).toEqual({ code: 0, out: "secret-value" });
});
