import * as pulumi from "@pulumi/pulumi";
import { KINDS } from "../provider/registry.js";
import type { PlainInputs } from "./inputs.js";
import { resourceProps } from "./props.js";
import { providerShim } from "./shim.js";

const KIND = KINDS["apifonica-number"];
const provider = providerShim(KIND.kind);

/**
 * Arguments of an {@link ApifonicaNumber}: an exact `number`, or `countryCode` with search criteria.
 *
 * Each field's lifecycle on a later `pulumi up`: **in place** (the number is updated), **replaces**
 * (a new number is rented, then the old one released; criteria the held number still satisfies are
 * no change), or **released first** (the old number is released, then the new one rented).
 */
export interface ApifonicaNumberArgs {
  /** Rent exactly this number (E.164). Lifecycle: changing it **releases the old number first**, then rents the new one. */
  number?: pulumi.Input<string>;
  /** ISO country to search in, e.g. `GB`. Required without `number`. Lifecycle: **replaces**. */
  countryCode?: pulumi.Input<string>;
  /** `local`, `mobile`, `toll_free` or `sip`. Lifecycle: **replaces**. */
  type?: pulumi.Input<"local" | "mobile" | "toll_free" | "sip">;
  /** Only numbers with voice. Lifecycle: **replaces** unless the held number has voice. */
  voice?: pulumi.Input<boolean>;
  /** Only numbers with messaging. Lifecycle: **replaces** unless the held number has messaging. */
  messaging?: pulumi.Input<boolean>;
  /** Application (see {@link ApifonicaApplication}) that handles incoming calls. Lifecycle: updated **in place**. */
  callAppSid?: pulumi.Input<string>;
  /** Application that handles messages. Lifecycle: updated **in place**. */
  msgAppSid?: pulumi.Input<string>;
  /** A name for the number. Lifecycle: updated **in place**. */
  name?: pulumi.Input<string>;
  /** `xml` (fetch XML instructions; default), `sip_phone` or `end_point`. Lifecycle: updated **in place**. */
  mode?: pulumi.Input<"xml" | "sip_phone" | "end_point">;
  /** With `number`: take over a number the account already holds instead of renting it. Lifecycle: read at creation only; changing it later changes nothing. */
  adopt?: pulumi.Input<boolean>;
}

/** The inputs of an {@link ApifonicaNumber} as plain values: {@link ApifonicaNumberArgs} with every input resolved. */
export type ApifonicaNumberInputs = PlainInputs<ApifonicaNumberArgs>;

/**
 * An Apifonica number. Its voice and SMS URLs come from the applications it links to (read them from
 * the {@link ApifonicaApplication}'s `controller`). Deleting the resource releases the number.
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
  /** Linked call application (null when none). */
  declare readonly callAppSid: pulumi.Output<string | null>;
  /** Linked messaging application (null when none). */
  declare readonly msgAppSid: pulumi.Output<string | null>;
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

  /**
   * Declares the resource.
   * @param name The Pulumi resource name: unique in the stack, part of the URN (renaming it replaces the resource).
   * @param args The inputs; a key that is not an input throws, naming it and the allowed inputs.
   * @param opts Pulumi resource options, e.g. `protect: true` for a number you cannot lose.
   */
  constructor(name: string, args: ApifonicaNumberArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, resourceProps(KIND, name, args), opts, "phone-numbers", KIND.typeName);
  }
}
