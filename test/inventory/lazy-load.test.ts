/**
 * `import "pulumi-phone-numbers"` loads the resource classes only: got and the vendor clients load
 * when `loadInventory`/`parseInventory` first parses a file (the provider host loads them for the
 * resources). A module hook in a separate Node process records every module URL loaded, in order.
 */
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { expect, test } from "@jest/globals";
import { repoRoot, run } from "../e2e/harness.js";

test("the package root loads no HTTP client and no vendor client until an inventory is parsed", async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "ppn-lazy-"));
  try {
    const log = path.join(dir, "loaded.txt");
    const hooks = path.join(dir, "hooks.mjs");
    await fs.writeFile(
      hooks,
      `import { appendFileSync } from "node:fs";\nexport async function load(url, context, next) {\n  appendFileSync(${JSON.stringify(log)}, url + "\\n");\n  return next(url, context);\n}\n`,
    );
    const sdk = pathToFileURL(path.join(repoRoot, "dist", "sdk", "index.js")).href;
    const program = path.join(dir, "program.mjs");
    await fs.writeFile(
      program,
      `import { register } from "node:module";
import { appendFileSync } from "node:fs";
register(${JSON.stringify(pathToFileURL(hooks).href)});
const mark = (m) => appendFileSync(${JSON.stringify(log)}, m + "\\n");
const { parseInventory } = await import(${JSON.stringify(sdk)});
mark("--- imported");
const { problems } = await parseInventory("exotel:\\n  a: { region: KA }\\n", "x.yaml");
mark("--- parsed " + problems.length);
`,
    );
    const r = await run("node", [program], { cwd: dir, env: process.env });
    expect(r.stderr).toBe("");
    const lines = (await fs.readFile(log, "utf8")).split("\n");
    const imported = lines.indexOf("--- imported");
    expect(imported).toBeGreaterThan(0);
    expect(lines).toContain("--- parsed 0");
    const heavy = (l: string) =>
      /\/node_modules\/got\/|\/dist\/provider\/(exotel|plivo|apifonica)\/client\.js$/.test(l);
    expect(lines.slice(0, imported).filter(heavy)).toEqual([]);
    // The hook does see them, once a file is parsed.
    expect(lines.slice(imported).filter(heavy).length).toBeGreaterThan(0);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
