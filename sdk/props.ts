/**
 * What every resource class passes to `pulumi.dynamic.Resource`, from its registry descriptor. Kept
 * apart from sdk/inputs.ts: no public declaration refers to this module, so the registry's zod types
 * never reach a consumer's type check.
 */
import * as pulumi from "@pulumi/pulumi";
import { inputKeys, type ResourceKind } from "../provider/registry.js";
import { assertInputKeys } from "./inputs.js";

/**
 * The props a resource class passes to `pulumi.dynamic.Resource`: the args (after
 * {@link assertInputKeys}), the identity and every output the class declares, `undefined` unless it
 * is also an input, so Pulumi registers it as an output (pulumi/pulumi#12160).
 */
export function resourceProps(
  d: ResourceKind,
  name: string,
  args: object | undefined,
): Record<string, unknown> {
  const inputs = inputKeys(d);
  const outputs = d.outputs.filter((k) => !inputs.includes(k));
  assertInputKeys(d.typeName, name, args, inputs, outputs, d.hints);
  const given = (args ?? {}) as Record<string, unknown>;
  const props: Record<string, unknown> = {
    ...given,
    // Lets the provider recognise its own purchase after a crash, and names what the program leaves
    // unnamed (provider/core/labels.ts).
    __identity: `${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
  };
  for (const k of d.outputs) props[k] = given[k];
  return props;
}
