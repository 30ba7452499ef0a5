import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "./shim.js";

const provider = providerShim("apifonica-application");

/** Arguments of an {@link ApifonicaApplication}. Every field updates in place. */
export interface ApifonicaApplicationArgs {
  /** The http(s) URL Apifonica calls for events (XML instructions for calls, message events). */
  controller: pulumi.Input<string>;
  /** `GET` (event data as URL parameters) or `POST` (form-encoded). */
  method: pulumi.Input<"GET" | "POST">;
  /** A name for the application. */
  name?: pulumi.Input<string>;
  /** Which events are sent: `none` (default), `all`, or names joined by `|` such as `answered|completed`. */
  events?: pulumi.Input<string>;
}

/** An Apifonica application: the voice/SMS controller URL that numbers link to by `applicationSid`. */
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

  constructor(name: string, args: ApifonicaApplicationArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      { ...args, applicationSid: undefined, name: args.name, events: args.events },
      opts,
      "phone-numbers",
      "ApifonicaApplication",
    );
  }
}
