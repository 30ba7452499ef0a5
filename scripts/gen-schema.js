#!/usr/bin/env node
/**
 * Writes schema/numbers.schema.json, the JSON Schema of inventory files, from the zod schema in
 * sdk/inventory-schema.ts (via the build in dist/). Never edit the JSON by hand: run
 * `npm run schema`. test/inventory/schema.test.ts fails when the committed file is stale.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { inventorySchemaText } = await import(join(root, "dist", "sdk", "inventory-schema.js"));
const out = join(root, "schema", "numbers.schema.json");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, inventorySchemaText());
console.log(`wrote ${out}`);
