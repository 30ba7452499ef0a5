// Finds or builds the Pulumi engine once, before any test, with no jest timeout: a first build on a
// fresh machine takes minutes, longer than any single test may. Its progress shows in the log.
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export default function globalSetup() {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  execFileSync("bash", [join(root, "scripts", "engine.sh")], { stdio: ["ignore", "ignore", "inherit"] });
}
