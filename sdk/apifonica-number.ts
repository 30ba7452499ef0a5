import * as pulumi from "@pulumi/pulumi";
import type {
  APIFONICA_NUMBER_FIELDS,
  APIFONICA_NUMBER_OUTPUTS,
  ApifonicaNumberOutputs,
} from "../provider/apifonica/number.schema.js";
import { KINDS } from "../provider/registry.js";
import type { ArgsOf, OutputsOf, PlainInputs } from "./inputs.js";
import { resourceProps, typeToken } from "./props.js";

const KIND = KINDS["apifonica-number"];
/**
 * Arguments of an {@link ApifonicaNumber}: an exact `number`, or `countryCode` with search criteria.
 *
 * Each field's lifecycle on a later `pulumi up`: **in place** (the number is updated), **replaces**
 * (a new number is rented, then the old one released; criteria the held number still satisfies are
 * no change), or **released first** (the old number is released, then the new one rented).
 *
 * The fields are ApifonicaNumber's field table (provider/apifonica/number.schema.ts), where each is declared once.
 */
export interface ApifonicaNumberArgs extends ArgsOf<typeof APIFONICA_NUMBER_FIELDS> {}

/** The inputs of an {@link ApifonicaNumber} as plain values: {@link ApifonicaNumberArgs} with every input resolved. */
export type ApifonicaNumberInputs = PlainInputs<ApifonicaNumberArgs>;

/**
 * The outputs of an {@link ApifonicaNumber} (merged into the class): state's keys the registry lists,
 * typed and documented by the provider's outputs type (provider/apifonica/number.schema.ts).
 */
export interface ApifonicaNumber
  extends OutputsOf<Pick<ApifonicaNumberOutputs, (typeof APIFONICA_NUMBER_OUTPUTS)[number]>> {}

/**
 * An Apifonica number. Its voice and SMS URLs come from the applications it links to (read them from
 * the {@link ApifonicaApplication}'s `controller`). Deleting the resource releases the number.
 *
 * ```ts
 * const ivr = new ApifonicaApplication("ivr", { controller: "https://example.com/ivr", method: "POST" });
 * const line = new ApifonicaNumber("uk-line", { countryCode: "GB", type: "local", callAppSid: ivr.applicationSid });
 * ```
 */
export class ApifonicaNumber extends pulumi.CustomResource {
  /**
   * Declares the resource.
   * @param name The Pulumi resource name: unique in the stack, part of the URN (renaming it replaces the resource).
   * @param args The inputs; a key that is not an input throws, naming it and the allowed inputs.
   * @param opts Pulumi resource options, e.g. `protect: true` for a number you cannot lose.
   */
  constructor(name: string, args: ApifonicaNumberArgs, opts?: pulumi.CustomResourceOptions) {
    super(typeToken(KIND), name, resourceProps(KIND, name, args), opts);
  }
}
