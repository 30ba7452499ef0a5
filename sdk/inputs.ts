/**
 * What the resource classes share about their arguments: the plain (resolved) form of an Args
 * interface, and the check that every key passed is one of the resource's inputs.
 *
 * The public types are plain TypeScript (no zod types reach a consumer's type check: zod's
 * declaration files fail without `skipLibCheck` under `moduleResolution: node`). The zod schemas of
 * the registry (provider/registry.ts) stay the validation and the list of keys (sdk/props.ts);
 * test/unit/public-types.test.ts proves both declare the same fields.
 */
import * as pulumi from "@pulumi/pulumi";

/**
 * The plain values of a resource's inputs: its Args with every `pulumi.Input` resolved. This is the
 * shape of an inventory entry's fields and of a resource's inputs as its provider validates them.
 */
export type PlainInputs<Args> = { [K in keyof Args]: pulumi.Unwrap<Args[K]> };

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
