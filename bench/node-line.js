// The Node.js line a benchmark runs this package on. Users run the lines package.json `engines`
// declares (22 and 24); figures taken on another line are not theirs. Node 20's V8, for one,
// allocates about 22 KB for one object got builds per request (an object literal with a spread and
// thirty more properties; 1.5 KB on Node 22 and 24), and Node 24's collector sizes the young
// generation differently (bench/README.md, 2026-12-03).
//
// `--node <line>` picks a line (`24`, `22`, `22.12.0`), `--node current` the running node. By
// default the running node is used when `engines` declares its major line, otherwise the newest
// declared line, installed by scripts/node-line.sh into a cache outside the repository.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";

const root = path.join(path.dirname(new URL(import.meta.url).pathname), "..");

/** The major lines `engines.node` declares, e.g. [22, 24] for "^22.12.0 || ^24.0.0". */
function declaredLines() {
  const range = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).engines.node;
  return [...range.matchAll(/\^(\d+)/g)].map((m) => Number(m[1]));
}

/**
 * The directory of the `node` to run on (undefined: the running one) and its version, for a
 * `--node` value (undefined: the default above).
 */
export function nodeLine(requested) {
  const lines = declaredLines();
  const major = Number(process.versions.node.split(".")[0]);
  const line = requested ?? (lines.includes(major) ? "current" : String(Math.max(...lines)));
  if (line === "current") return { dir: undefined, version: process.version };
  const dir = execFileSync("bash", [path.join(root, "scripts", "node-line.sh"), line], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  const version = execFileSync(path.join(dir, "node"), ["--version"], { encoding: "utf8" }).trim();
  return { dir, version };
}
