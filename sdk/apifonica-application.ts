import * as pulumi from "@pulumi/pulumi";
import { KINDS } from "../provider/registry.js";
import type { PlainInputs } from "./inputs.js";
import { resourceProps } from "./props.js";
import { providerShim } from "./shim.js";

const KIND = KINDS["apifonica-application"];
const provider = providerShim(KIND.kind);

/** Arguments of an {@link ApifonicaApplication}. Lifecycle: every field is updated **in place**. */
export interface ApifonicaApplicationArgs {
  /** The http(s) URL Apifonica calls for events (XML instructions for calls, message events). Lifecycle: updated **in place**. */
  controller: pulumi.Input<string>;
  /** `GET` (event data as URL parameters) or `POST` (form-encoded). Lifecycle: updated **in place**. */
  method: pulumi.Input<"GET" | "POST">;
  /** A name for the application. Lifecycle: updated **in place**. */
  name?: pulumi.Input<string>;
  /** Which events are sent: `none` (default), `all`, or names joined by `|` such as `answered|completed`. Lifecycle: updated **in place**. */
  events?: pulumi.Input<string>;
}

/** The inputs of an {@link ApifonicaApplication} as plain values: {@link ApifonicaApplicationArgs} with every input resolved. */
export type ApifonicaApplicationInputs = PlainInputs<ApifonicaApplicationArgs>;

/**
 * An Apifonica application: the voice/SMS controller URL that numbers link to by `applicationSid`.
 * Deleting the resource deletes the application.
 */
export class ApifonicaApplication extends pulumi.dynamic.Resource {
  /** Apifonica's id of the application; link numbers to it. */
  declare readonly applicationSid: pulumi.Output<string>;
  /** The controller URL (live value). */
  declare readonly controller: pulumi.Output<string>;
  /** The controller's HTTP method. */
  declare readonly method: pulumi.Output<string>;
  /** The name. */
  declare readonly name: pulumi.Output<string | null>;
  /** The events sent. */
  declare readonly events: pulumi.Output<string | null>;

  /**
   * Declares the resource.
   * @param name The Pulumi resource name: unique in the stack, part of the URN (renaming it replaces the resource).
   * @param args The inputs; a key that is not an input throws, naming it and the allowed inputs.
   * @param opts Pulumi resource options, such as `protect: true`.
   */
  constructor(name: string, args: ApifonicaApplicationArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, resourceProps(KIND, name, args), opts, "phone-numbers", KIND.typeName);
  }
}
