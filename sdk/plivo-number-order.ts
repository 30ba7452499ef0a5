import * as pulumi from "@pulumi/pulumi";
import type { InputOf, RequiredKeysOf } from "../provider/core/fields.js";
import type {
  PLIVO_NUMBER_ORDER_FIELDS,
  PLIVO_NUMBER_ORDER_OUTPUTS,
  PlivoNumberOrderOutputs,
} from "../provider/plivo/number-order.schema.js";
import type { PlivoNumberDetail } from "../provider/plivo/number-order.types.js";
import { KINDS } from "../provider/registry.js";
import type { OutputsOf, PlainInputs } from "./inputs.js";
import { resourceProps, typeToken } from "./props.js";

/** A field's `pulumi.Input`: a list takes its items as inputs too. */
type ItemInput<V> = [V] extends [readonly (infer E)[]] ? pulumi.Input<pulumi.Input<E>[]> : pulumi.Input<V>;

/**
 * The Args of an order from its field table: like `ArgsOf` (sdk/inputs.ts), but a required field
 * (`countryIso`) stays required and a list takes inputs item by item.
 */
type OrderArgsOf<F> = {
  [K in keyof F as K extends RequiredKeysOf<F> ? K : never]: ItemInput<InputOf<F[K]>>;
} & {
  [K in keyof F as K extends RequiredKeysOf<F> ? never : K]?: ItemInput<Exclude<InputOf<F[K]>, undefined>>;
};

const KIND = KINDS["plivo-number-order"];
/**
 * Arguments of a {@link PlivoNumberOrder}: search criteria with `quantity`, exact `numbers`, or a
 * `groupId`.
 *
 * Each field's lifecycle on a later `pulumi up`: **in place** (the numbers are updated, bought or
 * released), or **replaces** (new numbers are bought, then the old ones released; criteria every held
 * number still satisfies are no change).
 *
 * The fields are PlivoNumberOrder's field table (provider/plivo/number-order.schema.ts), where each is
 * declared once.
 */
export interface PlivoNumberOrderArgs extends OrderArgsOf<typeof PLIVO_NUMBER_ORDER_FIELDS> {}

/** The inputs of a {@link PlivoNumberOrder} as plain values: {@link PlivoNumberOrderArgs} with every input resolved. */
export type PlivoNumberOrderInputs = PlainInputs<PlivoNumberOrderArgs>;

export type { PlivoNumberDetail };

/**
 * The outputs of a {@link PlivoNumberOrder} (merged into the class): state's keys the registry lists,
 * typed and documented by the provider's outputs type (provider/plivo/number-order.schema.ts).
 */
export interface PlivoNumberOrder
  extends OutputsOf<Pick<PlivoNumberOrderOutputs, (typeof PLIVO_NUMBER_ORDER_OUTPUTS)[number]>> {}

/**
 * Plivo numbers bought together. Deleting the resource releases every number.
 *
 * ```ts
 * const sales = new PlivoNumberOrder("sales-us", { countryIso: "US", prefix: "415", quantity: 3, appId: "12345678901234567" });
 * export const salesNumbers = sales.numbers;
 * ```
 */
export class PlivoNumberOrder extends pulumi.CustomResource {
  /**
   * Declares the resource.
   * @param name The Pulumi resource name: unique in the stack, part of the URN (renaming it replaces the resource).
   * @param args The inputs; a key that is not an input throws, naming it and the allowed inputs.
   * @param opts Pulumi resource options, e.g. `protect: true` for numbers you cannot lose.
   */
  constructor(name: string, args: PlivoNumberOrderArgs, opts?: pulumi.CustomResourceOptions) {
    super(typeToken(KIND), name, resourceProps(KIND, name, args), opts);
  }
}
