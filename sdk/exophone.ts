import * as pulumi from "@pulumi/pulumi";
import type {
  EXOPHONE_FIELDS,
  EXOPHONE_OUTPUTS,
  ExoPhoneOutputs,
} from "../provider/exotel/exophone.schema.js";
import { KINDS } from "../provider/registry.js";
import type { ArgsOf, OutputsOf, PlainInputs } from "./inputs.js";

export type { ExoPhoneCallConnectivity, ExoPhoneConnectivity } from "../provider/exotel/exophone.schema.js";

import { resourceProps, typeToken } from "./props.js";

const KIND = KINDS["exophone"];
/**
 * Arguments of an {@link ExoPhone}. Give an exact `phoneNumber`, or search criteria.
 *
 * Each field's lifecycle on a later `pulumi up`: **in place** (the number is updated), **replaces**
 * (a new number is rented, then the old one released; criteria the held number still satisfies are
 * no change), or **released first** (the old number is released, then the new one rented).
 *
 * The fields are ExoPhone's field table (provider/exotel/exophone.schema.ts), where each is declared once.
 */
export interface ExoPhoneArgs extends ArgsOf<typeof EXOPHONE_FIELDS> {}

/** The inputs of an {@link ExoPhone} as plain values: {@link ExoPhoneArgs} with every input resolved. */
export type ExoPhoneInputs = PlainInputs<ExoPhoneArgs>;

/**
 * The outputs of an {@link ExoPhone} (merged into the class): state's keys the registry lists, typed
 * and documented by the provider's outputs type (provider/exotel/exophone.schema.ts).
 */
export interface ExoPhone extends OutputsOf<Pick<ExoPhoneOutputs, (typeof EXOPHONE_OUTPUTS)[number]>> {}

/**
 * An Exotel phone number (ExoPhone) rented by the stack. Deleting the resource releases the number.
 *
 * ```ts
 * const support = new ExoPhone("support-blr", { region: "KA", voiceUrl: "https://my.exotel.com/acme/exoml/start_voice/1234" });
 * export const supportNumber = support.phoneNumber;
 * ```
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface above declares the outputs (no runtime field, as `declare readonly` had it)
export class ExoPhone extends pulumi.CustomResource {
  /**
   * Declares the resource.
   * @param name The Pulumi resource name: unique in the stack, part of the URN (renaming it replaces the resource).
   * @param args The inputs; a key that is not an input throws, naming it and the allowed inputs.
   * @param opts Pulumi resource options, e.g. `protect: true` for a number you cannot lose.
   */
  constructor(name: string, args: ExoPhoneArgs = {}, opts?: pulumi.CustomResourceOptions) {
    super(typeToken(KIND), name, resourceProps(KIND, name, args), opts);
  }
}
