/**
 * What the resource classes share about their arguments: the plain (resolved) form of an Args
 * interface, Args and outputs derived from a kind's field table and outputs type, and the check that
 * every key passed is one of the resource's inputs.
 *
 * The public types are plain TypeScript (no zod types reach a consumer's type check: zod's
 * declaration files fail without `skipLibCheck` under `moduleResolution: node`). A field table
 * (provider/core/fields.ts) declares no zod type, so Args derive from it (`ArgsOf`) with each field's
 * TSDoc; the zod schemas of the registry (provider/registry.ts) stay the validation and the list of
 * keys (sdk/props.ts); test/unit/public-types.test.ts proves both declare the same fields.
 */
import * as pulumi from "@pulumi/pulumi";
import type { InputOf } from "../provider/core/fields.js";

/**
 * The plain values of a resource's inputs: its Args with every `pulumi.Input` resolved. This is the
 * shape of an inventory entry's fields and of a resource's inputs as its provider validates them.
 */
export type PlainInputs<Args> = { [K in keyof Args]: pulumi.Unwrap<Args[K]> };

/**
 * The Args of a resource from its field table (provider/core/fields.ts): every field, as a
 * `pulumi.Input` of the value its validator takes, documented by the table's TSDoc.
 */
export type ArgsOf<Fields> = { [K in keyof Fields]?: pulumi.Input<Exclude<InputOf<Fields[K]>, undefined>> };

/** The outputs a resource class declares, from its outputs type: each a `pulumi.Output`, documented there. */
export type OutputsOf<Outputs> = { readonly [K in keyof Outputs]: pulumi.Output<Outputs[K]> };

/**
 * TypeScript rejects unknown keys only in object literals; a spread, a cast or a JavaScript program
 * gets any key through. An output name passed as an input (`sid`, `numbers`) would otherwise vanish
 * without a word, since the resource's own props overwrite it. Throws one error listing every key
 * that is not an input, what it is and which inputs are allowed.
 */
export function assertInputKeys(
  type: string,
  name: string,
  args: object | undefined,
  inputs: readonly string[],
  outputs: readonly string[],
  hints: Readonly<Record<string, string>> = {},
): void {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(args ?? {})) {
    if (value === undefined || inputs.includes(key)) continue;
    const what = outputs.includes(key)
      ? `is an output of ${type}, not an input (read it from the resource: ${name}.${key})`
      : (hints[key] ?? `is not an input of ${type}`);
    problems.push(`${key}: ${what}; allowed inputs: ${inputs.join(", ")}`);
  }
  if (problems.length > 0) {
    throw new pulumi.RunError(problems.map((p) => `${type} "${name}": ${p}`).join("\n"));
  }
}
