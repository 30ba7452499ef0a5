import * as pulumi from "@pulumi/pulumi";
import type {
  APIFONICA_APPLICATION_FIELDS,
  APIFONICA_APPLICATION_OUTPUTS,
  ApifonicaApplicationOutputs,
} from "../provider/apifonica/application.schema.js";
import type { InputOf, RequiredKeysOf } from "../provider/core/fields.js";
import { KINDS } from "../provider/registry.js";
import type { ArgsOf, OutputsOf, PlainInputs } from "./inputs.js";
import { resourceProps, typeToken } from "./props.js";

const KIND = KINDS["apifonica-application"];
/**
 * The Args of an application from its field table: like `ArgsOf` (sdk/inputs.ts), but a required
 * field (`controller`, `method`) stays required.
 */
type ApplicationArgsOf<F> = {
  [K in keyof F as K extends RequiredKeysOf<F> ? K : never]: pulumi.Input<InputOf<F[K]>>;
} & ArgsOf<Omit<F, RequiredKeysOf<F>>>;

/**
 * Arguments of an {@link ApifonicaApplication}. Lifecycle: every field is updated **in place**.
 *
 * The fields are ApifonicaApplication's field table (provider/apifonica/application.schema.ts), where
 * each is declared once.
 */
export interface ApifonicaApplicationArgs extends ApplicationArgsOf<typeof APIFONICA_APPLICATION_FIELDS> {}

/** The inputs of an {@link ApifonicaApplication} as plain values: {@link ApifonicaApplicationArgs} with every input resolved. */
export type ApifonicaApplicationInputs = PlainInputs<ApifonicaApplicationArgs>;

/**
 * The outputs of an {@link ApifonicaApplication} (merged into the class): state's keys the registry
 * lists, typed and documented by the provider's outputs type (provider/apifonica/application.schema.ts).
 */
export interface ApifonicaApplication
  extends OutputsOf<Pick<ApifonicaApplicationOutputs, (typeof APIFONICA_APPLICATION_OUTPUTS)[number]>> {}

/**
 * An Apifonica application: the voice/SMS controller URL that numbers link to by `applicationSid`.
 * Deleting the resource deletes the application.
 */
export class ApifonicaApplication extends pulumi.CustomResource {
  /**
   * Declares the resource.
   * @param name The Pulumi resource name: unique in the stack, part of the URN (renaming it replaces the resource).
   * @param args The inputs; a key that is not an input throws, naming it and the allowed inputs.
   * @param opts Pulumi resource options, such as `protect: true`.
   */
  constructor(name: string, args: ApifonicaApplicationArgs, opts?: pulumi.CustomResourceOptions) {
    super(typeToken(KIND), name, resourceProps(KIND, name, args), opts);
  }
}
