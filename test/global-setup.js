// Finds or builds the Pulumi engine once, before any test, with no jest timeout: a first build on a
// fresh machine takes minutes, longer than any single test may. Its progress shows in the log.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export default function globalSetup() {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  execFileSync("bash", [join(root, "scripts", "engine.sh")], { stdio: ["ignore", "ignore", "inherit"] });
  // Purchase intents (provider/core/intents.ts) of this run stay out of the user's state directory;
  // the test workers and the pulumi processes they start inherit it.
  process.env["PHONE_NUMBERS_INTENT_DIR"] ??= mkdtempSync(join(tmpdir(), "phone-numbers-intents-"));
}
