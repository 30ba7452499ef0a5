/**
 * The published JSON Schema: generated from the zod schema (never by hand, never stale), accepting
 * every example inventory and rejecting broken ones. Checked with a small structural validator of the
 * keywords the generator emits (no JSON Schema dependency).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { parse } from "yaml";
import { parseInventory } from "../../sdk/inventory.js";
import { inventorySchema, inventorySchemaText } from "../../sdk/inventory-schema.js";
import { repoRoot } from "../e2e/harness.js";

type Schema = Record<string, unknown>;

/** Errors of `value` against `schema` (the subset of JSON Schema 2020-12 zod's generator emits). */
function validate(schema: Schema, value: unknown, at = "$"): string[] {
  const errors: string[] = [];
  const type = schema.type as string | undefined;
  const typeOk = (t: string) =>
    t === "object"
      ? typeof value === "object" && value !== null && !Array.isArray(value)
      : t === "array"
        ? Array.isArray(value)
        : t === "integer"
          ? Number.isInteger(value)
          : t === "null"
            ? value === null
            : typeof value === t;
  if (type && !typeOk(type)) return [`${at}: expected ${type}`];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errors.push(`${at}: not in enum`);
  if (typeof value === "string") {
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern).test(value))
      errors.push(`${at}: pattern`);
    if (typeof schema.minLength === "number" && value.length < schema.minLength)
      errors.push(`${at}: minLength`);
    if (typeof schema.maxLength === "number" && value.length > schema.maxLength)
      errors.push(`${at}: maxLength`);
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) errors.push(`${at}: minimum`);
    if (typeof schema.maximum === "number" && value > schema.maximum) errors.push(`${at}: maximum`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === "number" && value.length < schema.minItems) errors.push(`${at}: minItems`);
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems) errors.push(`${at}: maxItems`);
    if (schema.items) {
      for (const [i, v] of value.entries())
        errors.push(...validate(schema.items as Schema, v, `${at}[${i}]`));
    }
  }
  if (typeOk("object") && type === "object") {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const r of (schema.required ?? []) as string[]) if (!(r in obj)) errors.push(`${at}.${r}: required`);
    for (const [k, v] of Object.entries(obj)) {
      if (schema.propertyNames) errors.push(...validate(schema.propertyNames as Schema, k, `${at}{${k}}`));
      if (props[k]) errors.push(...validate(props[k], v, `${at}.${k}`));
      else if (schema.additionalProperties === false) errors.push(`${at}.${k}: not allowed`);
      else if (typeof schema.additionalProperties === "object")
        errors.push(...validate(schema.additionalProperties as Schema, v, `${at}.${k}`));
    }
  }
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = schema[key] as Schema[] | undefined;
    if (options && !options.some((o) => validate(o, value, at).length === 0))
      errors.push(`${at}: no ${key} matched`);
  }
  return errors;
}

const schemaFile = path.join(repoRoot, "schema", "numbers.schema.json");
const examples = [
  path.join(repoRoot, "numbers.yaml"),
  path.join(repoRoot, "examples", "inventory-yaml", "numbers.yaml"),
];

describe("schema/numbers.schema.json", () => {
  test("is the generator's output (run `npm run schema` after changing an input schema)", () => {
    expect(fs.readFileSync(schemaFile, "utf8")).toBe(inventorySchemaText());
  });

  test.each(examples)("accepts the example %s, which also loads without problems", async (file) => {
    const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8")) as Schema;
    const text = fs.readFileSync(file, "utf8");
    expect(text.split("\n")[0]).toMatch(
      /^# yaml-language-server: \$schema=\S*schema\/numbers\.schema\.json$/,
    );
    const value = parse(text) as unknown;
    expect(validate(schema, value)).toEqual([]);
    expect(inventorySchema.safeParse(value).success).toBe(true);
    expect((await parseInventory(text, file)).problems).toEqual([]);
  });

  test("rejects broken inventories, as the zod schema does", () => {
    const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8")) as Schema;
    const broken: [string, unknown][] = [
      ["unknown section", { twilio: {} }],
      ["unknown field", { exotel: { a: { region: "KA", colour: "red" } } }],
      ["bad enum", { exotel: { a: { numberType: "Fixed" } } }],
      ["bad resource name", { exotel: { "bad name": { region: "KA" } } }],
      ["protect not a boolean", { plivo: { a: { countryIso: "US", protect: "yes" } } }],
      ["missing countryIso", { plivo: { a: { quantity: 1 } } }],
      ["quantity not a number", { plivo: { a: { countryIso: "US", quantity: "3" } } }],
      [
        "application without method",
        { apifonica: { applications: { ivr: { controller: "https://x.example" } } } },
      ],
      ["unknown apifonica key", { apifonica: { apps: {} } }],
      ["entry is a list", { exotel: { a: ["KA"] } }],
    ];
    for (const [what, value] of broken) {
      expect({ what, json: validate(schema, value).length > 0 }).toEqual({ what, json: true });
      expect({ what, zod: inventorySchema.safeParse(value).success }).toEqual({ what, zod: false });
    }
  });
});
