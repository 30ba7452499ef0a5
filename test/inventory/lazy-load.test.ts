/**
 * `import "pulumi-phone-numbers"` loads the resource classes and the registry's schemas only: no got,
 * no p-queue, no vendor client and no resource implementation, neither on import nor when
 * `parseInventory` checks a file (the schemas are client-free; the provider host loads the rest for
 * the resources). A module hook in a separate Node process records every module URL loaded, in order.
 */
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { expect, test } from "@jest/globals";
import { repoRoot, run } from "../e2e/harness.js";

test("the package root and parsing an inventory load no HTTP client, no vendor client and no resource implementation", async () => {
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
const { problems } = await parseInventory("exotel:\\n  a: { region: KA }\\nplivo:\\n  b: { countryIso: US }\\napifonica:\\n  applications:\\n    c: { controller: https://a.example/x, method: GET }\\n  numbers:\\n    d: { countryCode: GB, callApp: c }\\n", "x.yaml");
mark("--- parsed " + problems.length);
await import(${JSON.stringify(pathToFileURL(path.join(repoRoot, "dist", "provider", "exotel", "exophone.js")).href)});
mark("--- implementation");
`,
    );
    const r = await run("node", [program], { cwd: dir, env: process.env });
    expect(r.stderr).toBe("");
    const lines = (await fs.readFile(log, "utf8")).split("\n");
    const imported = lines.indexOf("--- imported");
    const parsed = lines.indexOf("--- parsed 0");
    expect(imported).toBeGreaterThan(0);
    expect(parsed).toBeGreaterThan(imported);
    const heavy = (l: string) =>
      /\/node_modules\/(got|p-queue)\/|\/dist\/provider\/(exotel|plivo|apifonica)\/(client|exophone|number-order|number|application)\.js$/.test(
        l,
      );
    expect(lines.slice(0, parsed).filter(heavy)).toEqual([]);
    // What parsing does load: the registry and the schema modules.
    expect(lines.slice(0, parsed).filter((l) => /\/dist\/provider\/registry\.js$/.test(l))).toHaveLength(1);
    // The hook does see the heavy modules, once an implementation is imported.
    expect(lines.slice(parsed).filter(heavy).length).toBeGreaterThan(0);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
