import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "./shim.js";

const provider = providerShim("plivo-number-order");

/** Arguments of a {@link PlivoNumberOrder}: search criteria with `quantity`, exact `numbers`, or a `groupId`. */
export interface PlivoNumberOrderArgs {
  /** ISO 3166-1 alpha-2 country of the numbers, e.g. `US`. Required. */
  countryIso: pulumi.Input<string>;
  /** `local`, `national`, `tollfree` or `mobile`. Default `local`. */
  numberType?: pulumi.Input<"local" | "national" | "tollfree" | "mobile">;
  /** Area code or prefix the national number starts with (up to 5 digits). */
  prefix?: pulumi.Input<string>;
  /** Region (local numbers only): a two-letter code such as `NY`, or a name such as `California`. */
  region?: pulumi.Input<string>;
  /** Services every number must support. */
  services?: pulumi.Input<pulumi.Input<"voice" | "sms" | "mms">[]>;
  /** How many numbers (1 to 100; default 1). Raising it buys the difference; lowering it releases the most recently added numbers first. */
  quantity?: pulumi.Input<number>;
  /** Exactly these numbers (E.164). Added numbers are bought and removed ones released, in place. */
  numbers?: pulumi.Input<pulumi.Input<string>[]>;
  /** Order from this Plivo number group. In regulated countries the order goes pending; a later refresh or up completes it. */
  groupId?: pulumi.Input<string>;
  /** Plivo application every number is linked to. Updated in place. */
  appId?: pulumi.Input<string>;
  /** Alias of every number. Updated in place. */
  alias?: pulumi.Input<string>;
  /** With `numbers`: take over numbers the account already holds instead of buying them. */
  adopt?: pulumi.Input<boolean>;
}

/** One number of an order, as Plivo reports it. */
export interface PlivoNumberDetail {
  number: string;
  appId: string | null;
  alias: string | null;
  numberType: string;
  region: string | null;
  country: string | null;
  voiceEnabled: boolean;
  smsEnabled: boolean;
  mmsEnabled: boolean;
  monthlyRentalRate: string;
  addedOn: string | null;
}

/**
 * Plivo numbers bought together.
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

  constructor(name: string, args: PlivoNumberOrderArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        ...args,
        numbers: args.numbers,
        quantity: args.quantity,
        appId: args.appId,
        alias: args.alias,
        status: undefined,
        pendingDetails: undefined,
        pendingNumbers: undefined,
        details: undefined,
        monthlyRental: undefined,
        currency: undefined,
      },
      opts,
      "phone-numbers",
      "PlivoNumberOrder",
    );
  }
}
