import * as pulumi from "@pulumi/pulumi";
import type { PlivoNumberDetail } from "../provider/plivo/number-order.types.js";
import { KINDS } from "../provider/registry.js";
import type { PlainInputs } from "./inputs.js";
import { resourceProps } from "./props.js";
import { providerShim } from "./shim.js";

const KIND = KINDS["plivo-number-order"];
const provider = providerShim(KIND.kind);

/**
 * Arguments of a {@link PlivoNumberOrder}: search criteria with `quantity`, exact `numbers`, or a
 * `groupId`.
 *
 * Each field's lifecycle on a later `pulumi up`: **in place** (the numbers are updated, bought or
 * released), or **replaces** (new numbers are bought, then the old ones released; criteria every held
 * number still satisfies are no change).
 */
export interface PlivoNumberOrderArgs {
  /** ISO 3166-1 alpha-2 country of the numbers, e.g. `US`. Required. Lifecycle: **replaces**. */
  countryIso: pulumi.Input<string>;
  /** `local`, `national`, `tollfree` or `mobile`. Default `local`. Lifecycle: **replaces** unless every held number is of this type. */
  numberType?: pulumi.Input<"local" | "national" | "tollfree" | "mobile">;
  /** Area code or prefix the national number starts with (up to 5 digits). Lifecycle: **replaces** unless every held number starts with it. */
  prefix?: pulumi.Input<string>;
  /** Region (local numbers only): a two-letter code such as `NY`, or a name such as `California`. Lifecycle: **replaces** unless every held number is in it. */
  region?: pulumi.Input<string>;
  /** Services every number must support. Lifecycle: **replaces** unless every held number supports them. */
  services?: pulumi.Input<pulumi.Input<"voice" | "sms" | "mms">[]>;
  /** How many numbers (a whole number from 1 to 100; default 1). Lifecycle: **in place**: raising it buys the difference; lowering it releases the most recently added numbers first. */
  quantity?: pulumi.Input<number>;
  /** Exactly these numbers (E.164). Lifecycle: **in place**: added numbers are bought, removed ones released. */
  numbers?: pulumi.Input<pulumi.Input<string>[]>;
  /** Order from this Plivo number group. In regulated countries the order goes pending; a later refresh or up completes it. Lifecycle: **replaces**. */
  groupId?: pulumi.Input<string>;
  /** Plivo application every number is linked to. Lifecycle: updated **in place**. */
  appId?: pulumi.Input<string>;
  /** Alias of every number. Lifecycle: updated **in place**. */
  alias?: pulumi.Input<string>;
  /** With `numbers`: take over numbers the account already holds instead of buying them. Lifecycle: read when numbers are added; changing it alone changes nothing. */
  adopt?: pulumi.Input<boolean>;
}

/** The inputs of a {@link PlivoNumberOrder} as plain values: {@link PlivoNumberOrderArgs} with every input resolved. */
export type PlivoNumberOrderInputs = PlainInputs<PlivoNumberOrderArgs>;

export type { PlivoNumberDetail };

/**
 * Plivo numbers bought together. Deleting the resource releases every number.
 *
 * ```ts
 * const sales = new PlivoNumberOrder("sales-us", { countryIso: "US", prefix: "415", quantity: 3, appId: "12345678901234567" });
 * export const salesNumbers = sales.numbers;
 * ```
 */
export class PlivoNumberOrder extends pulumi.dynamic.Resource {
  /** The numbers held (E.164), in the order they were added. */
  declare readonly numbers: pulumi.Output<string[]>;
  /** Numbers held plus numbers still expected from pending orders. */
  declare readonly quantity: pulumi.Output<number>;
  /** `fulfilled`, `pending` (numbers still to arrive) or `partial` (fewer numbers than asked for). */
  declare readonly status: pulumi.Output<"fulfilled" | "pending" | "partial">;
  /** Plivo's text for a pending order. */
  declare readonly pendingDetails: pulumi.Output<string | null>;
  /** Numbers bought but not yet delivered. */
  declare readonly pendingNumbers: pulumi.Output<string[]>;
  /** The application every number is linked to (`mixed` when they differ). */
  declare readonly appId: pulumi.Output<string | null>;
  /** The alias of every number (`mixed` when they differ). */
  declare readonly alias: pulumi.Output<string | null>;
  /** Per-number details. */
  declare readonly details: pulumi.Output<PlivoNumberDetail[]>;
  /** Sum of the numbers' monthly rental (decimal string). */
  declare readonly monthlyRental: pulumi.Output<string>;
  /** Currency of the prices (`USD`). */
  declare readonly currency: pulumi.Output<string>;

  /**
   * Declares the resource.
   * @param name The Pulumi resource name: unique in the stack, part of the URN (renaming it replaces the resource).
   * @param args The inputs; a key that is not an input throws, naming it and the allowed inputs.
   * @param opts Pulumi resource options, e.g. `protect: true` for numbers you cannot lose.
   */
  constructor(name: string, args: PlivoNumberOrderArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, resourceProps(KIND, name, args), opts, "phone-numbers", KIND.typeName);
  }
}
