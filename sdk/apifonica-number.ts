import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "./shim.js";

const provider = providerShim("apifonica-number");

/** Arguments of an {@link ApifonicaNumber}: an exact `number`, or `countryCode` with search criteria. */
export interface ApifonicaNumberArgs {
  /** Rent exactly this number (E.164). Changing it releases the old number first, then rents the new one. */
  number?: pulumi.Input<string>;
  /** ISO country to search in, e.g. `GB`. Required without `number`. */
  countryCode?: pulumi.Input<string>;
  /** `local`, `mobile`, `toll_free` or `sip`. */
  type?: pulumi.Input<"local" | "mobile" | "toll_free" | "sip">;
  /** Only numbers with voice. */
  voice?: pulumi.Input<boolean>;
  /** Only numbers with messaging. */
  messaging?: pulumi.Input<boolean>;
  /** Application (see {@link ApifonicaApplication}) that handles incoming calls. Updated in place. */
  callAppSid?: pulumi.Input<string>;
  /** Application that handles messages. Updated in place. */
  msgAppSid?: pulumi.Input<string>;
  /** A name for the number. Updated in place. */
  name?: pulumi.Input<string>;
  /** `xml` (fetch XML instructions; default), `sip_phone` or `end_point`. Updated in place. */
  mode?: pulumi.Input<"xml" | "sip_phone" | "end_point">;
  /** With `number`: take over a number the account already holds instead of renting it. */
  adopt?: pulumi.Input<boolean>;
}

/**
 * An Apifonica number. Its voice and SMS URLs come from the applications it links to.
 *
 * ```ts
 * const ivr = new ApifonicaApplication("ivr", { controller: "https://example.com/ivr", method: "POST" });
 * const line = new ApifonicaNumber("uk-line", { countryCode: "GB", type: "local", callAppSid: ivr.applicationSid });
 * ```
 */
export class ApifonicaNumber extends pulumi.dynamic.Resource {
  /** Apifonica's id of the number. */
  declare readonly numberSid: pulumi.Output<string>;
  /** The number, E.164. */
  declare readonly number: pulumi.Output<string>;
  /** ISO country code. */
  declare readonly countryCode: pulumi.Output<string>;
  /** Country name. */
  declare readonly countryName: pulumi.Output<string>;
  /** `local`, `mobile`, `toll_free` or `sip`. */
  declare readonly type: pulumi.Output<string>;
  /** Whether voice works on the number. */
  declare readonly voice: pulumi.Output<boolean>;
  /** Whether messaging works on the number. */
  declare readonly messaging: pulumi.Output<boolean>;
  /** What the number supports. */
  declare readonly capabilities: pulumi.Output<{ voice: boolean; messaging: boolean }>;
  /** Linked call application (null when none). */
  declare readonly callAppSid: pulumi.Output<string | null>;
  /** Linked messaging application (null when none). */
  declare readonly msgAppSid: pulumi.Output<string | null>;
  /** URL Apifonica requests for incoming calls (from the call application). */
  declare readonly callController: pulumi.Output<string | null>;
  /** HTTP method of `callController`. */
  declare readonly callMethod: pulumi.Output<string | null>;
  /** URL Apifonica sends message events to. */
  declare readonly msgController: pulumi.Output<string | null>;
  /** HTTP method of `msgController`. */
  declare readonly msgMethod: pulumi.Output<string | null>;
  /** The number's name. */
  declare readonly name: pulumi.Output<string | null>;
  /** The number's mode. */
  declare readonly mode: pulumi.Output<string>;
  /** Monthly rental from Apifonica's cost list (decimal string), the same field name on every resource of this package. */
  declare readonly monthlyRental: pulumi.Output<string | null>;
  /** One-time setup price (decimal string). */
  declare readonly setupPrice: pulumi.Output<string | null>;
  /** Currency of the prices, e.g. `EUR`. */
  declare readonly currency: pulumi.Output<string | null>;

  constructor(name: string, args: ApifonicaNumberArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        ...args,
        numberSid: undefined,
        number: args.number,
        countryCode: args.countryCode,
        countryName: undefined,
        type: args.type,
        voice: args.voice,
        messaging: args.messaging,
        capabilities: undefined,
        callAppSid: args.callAppSid,
        msgAppSid: args.msgAppSid,
        callController: undefined,
        callMethod: undefined,
        msgController: undefined,
        msgMethod: undefined,
        name: args.name,
        mode: args.mode,
        monthlyRental: undefined,
        setupPrice: undefined,
        currency: undefined,
      },
      opts,
      "phone-numbers",
      "ApifonicaNumber",
    );
  }
}
