/**
 * What every resource class passes to `pulumi.CustomResource`, from its registry descriptor. Kept
 * apart from sdk/inputs.ts: no public declaration refers to this module, so the registry's zod types
 * never reach a consumer's type check.
 */
import * as pulumi from "@pulumi/pulumi";
import { inputKeys, type ResourceKind, TYPE_PREFIX } from "../provider/registry.js";
import { assertInputKeys } from "./inputs.js";
import { providerText } from "./shim.js";

/**
 * The type token of a kind (the registry's {@link TYPE_PREFIX} and its type name), the token
 * `pulumi.dynamic.Resource` would build.
 *
 * The classes extend `pulumi.CustomResource` with this token rather than `pulumi.dynamic.Resource`,
 * which only serialises its provider object into `__provider` and passes the same token on: the
 * shim's text is written by {@link providerText} (a third of the serialiser's size), and one class
 * fewer between the program and `pulumi.Resource` keeps the resource's source position at the
 * program's `new` rather than at this package's constructor (Pulumi skips a fixed number of frames).
 */
export function typeToken(d: ResourceKind): string {
  return TYPE_PREFIX + d.typeName;
}

/**
 * The props a resource class passes to `pulumi.CustomResource`: the args (after
 * {@link assertInputKeys}), the identity, the provider shim's text and every output the class
 * declares, `undefined` unless it is also an input, so Pulumi registers it as an output
 * (pulumi/pulumi#12160).
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
    __provider: providerText(d.kind),
  };
  for (const k of d.outputs) props[k] = given[k];
  return props;
}
