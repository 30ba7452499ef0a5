import * as pulumi from "@pulumi/pulumi";
import { KINDS } from "../provider/registry.js";
import type { PlainInputs } from "./inputs.js";
import { resourceProps } from "./props.js";
import { providerShim } from "./shim.js";

const KIND = KINDS["exophone"];
const provider = providerShim(KIND.kind);

/**
 * Arguments of an {@link ExoPhone}. Give an exact `phoneNumber`, or search criteria.
 *
 * Each field's lifecycle on a later `pulumi up`: **in place** (the number is updated), **replaces**
 * (a new number is rented, then the old one released; criteria the held number still satisfies are
 * no change), or **released first** (the old number is released, then the new one rented).
 */
export interface ExoPhoneArgs {
  /** Rent exactly this number (E.164, e.g. `+918047091234`). Lifecycle: changing it **releases the old number first**, then rents the new one. */
  phoneNumber?: pulumi.Input<string>;
  /** ISO 3166-1 alpha-2 country to search in. Default `IN`. Lifecycle: **replaces**. */
  country?: pulumi.Input<string>;
  /** `Landline`, `Mobile` or `TollFree`. Default `Landline`. Lifecycle: **replaces**. */
  numberType?: pulumi.Input<"Landline" | "Mobile" | "TollFree">;
  /** Indian telecom circle to search in, such as `KA` (Karnataka) or `DL` (Delhi); outside India, the country code. Lifecycle: **replaces**. */
  region?: pulumi.Input<string>;
  /** Only numbers containing these digits. Lifecycle: **replaces** unless the held number contains them. */
  contains?: pulumi.Input<string>;
  /** Only numbers that receive SMS. Lifecycle: **replaces** unless the held number receives SMS. */
  incomingSms?: pulumi.Input<boolean>;
  /** A name to recognise the number by in the Exotel dashboard. Lifecycle: updated **in place**. */
  friendlyName?: pulumi.Input<string>;
  /** The flow URL incoming calls go to, e.g. `https://my.exotel.com/<sid>/exoml/start_voice/<app_id>`. Lifecycle: updated **in place**. */
  voiceUrl?: pulumi.Input<string>;
  /** The flow URL incoming SMS go to. Lifecycle: updated **in place**. */
  smsUrl?: pulumi.Input<string>;
  /** With `phoneNumber`: take over a number the account already holds instead of renting it. Lifecycle: read at creation only; changing it later changes nothing. */
  adopt?: pulumi.Input<boolean>;
}

/** The inputs of an {@link ExoPhone} as plain values: {@link ExoPhoneArgs} with every input resolved. */
export type ExoPhoneInputs = PlainInputs<ExoPhoneArgs>;

/** Connectivity of an ExoPhone as Exotel's monitoring last saw it. */
export interface ExoPhoneConnectivity {
  /** Incoming calls. */
  incomingCall: ExoPhoneCallConnectivity;
  /** Outgoing calls. */
  outgoingCall: ExoPhoneCallConnectivity;
}

/** One direction of an ExoPhone's connectivity. */
export interface ExoPhoneCallConnectivity {
  /** Exotel's status of the direction, e.g. `Active`. */
  status: string;
  /** ExoPhones Exotel uses in its place while it is down. */
  alternateExophones: string[];
}

/**
 * An Exotel phone number (ExoPhone) rented by the stack. Deleting the resource releases the number.
 *
 * ```ts
 * const support = new ExoPhone("support-blr", { region: "KA", voiceUrl: "https://my.exotel.com/acme/exoml/start_voice/1234" });
 * export const supportNumber = support.phoneNumber;
 * ```
 */
export class ExoPhone extends pulumi.dynamic.Resource {
  /** Exotel's id of the number. */
  declare readonly sid: pulumi.Output<string>;
  /** The number, E.164. */
  declare readonly phoneNumber: pulumi.Output<string>;
  /** The name shown in the dashboard. */
  declare readonly friendlyName: pulumi.Output<string | null>;
  /** Where incoming calls go (live value). */
  declare readonly voiceUrl: pulumi.Output<string | null>;
  /** Where incoming SMS go (live value). */
  declare readonly smsUrl: pulumi.Output<string | null>;
  /** ISO country code of the number. */
  declare readonly country: pulumi.Output<string>;
  /** Telecom circle (India) or country code. */
  declare readonly region: pulumi.Output<string>;
  /** `Landline`, `Mobile` or `TollFree`. */
  declare readonly numberType: pulumi.Output<string>;
  /** Whether the number receives SMS. */
  declare readonly incomingSms: pulumi.Output<boolean>;
  /** What the number supports. */
  declare readonly capabilities: pulumi.Output<{
    /** Takes voice calls. */
    voice: boolean;
    /** Receives SMS. */
    sms: boolean;
  }>;
  /** One-time price, as Exotel states it (decimal string). */
  declare readonly oneTimePrice: pulumi.Output<string>;
  /** Monthly rental, as Exotel states it (decimal string; the same output name on every resource of this package). */
  declare readonly monthlyRental: pulumi.Output<string>;
  /** Price per pulse of incoming calls. */
  declare readonly incomingRate: pulumi.Output<string>;
  /** Seconds per pulse. */
  declare readonly incomingPulse: pulumi.Output<string>;
  /** Currency of the prices, e.g. `INR`. */
  declare readonly currency: pulumi.Output<string>;
  /** Whether Exotel sells it as a vanity number. */
  declare readonly vanityNumber: pulumi.Output<boolean>;
  /** Incoming and outgoing connectivity status and alternate ExoPhones (no check timestamps, so no false drift). */
  declare readonly connectivity: pulumi.Output<ExoPhoneConnectivity | null>;

  /**
   * Declares the resource.
   * @param name The Pulumi resource name: unique in the stack, part of the URN (renaming it replaces the resource).
   * @param args The inputs; a key that is not an input throws, naming it and the allowed inputs.
   * @param opts Pulumi resource options, e.g. `protect: true` for a number you cannot lose.
   */
  constructor(name: string, args: ExoPhoneArgs = {}, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, resourceProps(KIND, name, args), opts, "phone-numbers", KIND.typeName);
  }
}
