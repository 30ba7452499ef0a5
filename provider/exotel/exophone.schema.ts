/**
 * ExoPhone's declaration, without any client: its input schema and cross-field rules, its outputs and
 * its diff rules. The registry (provider/registry.ts), the SDK's inventory and the provider module
 * read it from here, so `import "pulumi-phone-numbers"` loads no HTTP client.
 */
import { z } from "zod";
import {
  type CheckFailure,
  exactOrSearch,
  httpUrl,
  isoCountry,
  nonEmpty,
  oneOf,
  type Props,
  phoneNumber,
} from "../core/check.js";
import type { FieldRules } from "../core/diff.js";
import type { Echoes } from "../core/echoes.js";

/** The 22 Indian telecom circles Exotel uses for `InRegion` and `region`. */
export const INDIA_CIRCLES = [
  "AP", "AS", "BR", "DL", "GJ", "HP", "HR", "JK", "KA", "KL", "KO",
  "MH", "MP", "MU", "NE", "OR", "PB", "RJ", "TN", "UE", "UW", "WB",
] as const; // biome-ignore format: a table

export const exoPhoneInputs = z.strictObject({
  phoneNumber: phoneNumber("Exotel number").optional(),
  country: isoCountry().optional(),
  numberType: oneOf(["Landline", "Mobile", "TollFree"]).optional(),
  region: z
    .string()
    .transform((v) => v.toUpperCase())
    .optional(),
  contains: z
    .string()
    .regex(/^\d{1,15}$/, {
      error: 'must be 1 to 15 digits; allowed: digits the number contains, such as "8047"',
    })
    .optional(),
  incomingSms: z.boolean().optional(),
  friendlyName: nonEmpty(100).optional(),
  voiceUrl: httpUrl().optional(),
  smsUrl: httpUrl().optional(),
  adopt: z.boolean().optional(),
});
export type ExoPhoneInputs = z.infer<typeof exoPhoneInputs>;

/** Rules across fields, checked on the raw inputs so they are reported together with field errors. */
export function exoPhoneCrossCheck(raw: Props): CheckFailure[] {
  const failures = exactOrSearch(raw, "phoneNumber", ["region", "contains", "incomingSms"], {
    field: "country",
    default: "IN",
  });
  const country = typeof raw.country === "string" ? raw.country.toUpperCase() : "IN";
  if (typeof raw.region === "string") {
    const region = raw.region.toUpperCase();
    if (country === "IN" && !(INDIA_CIRCLES as readonly string[]).includes(region)) {
      failures.push({
        property: "region",
        reason: `"${raw.region}" is not an Indian telecom circle; allowed: ${INDIA_CIRCLES.join(", ")}`,
      });
    } else if (country !== "IN" && region !== country) {
      failures.push({
        property: "region",
        reason: `outside India the region is the country code; allowed: "${country}"`,
      });
    }
  }
  return failures;
}

/** One direction of an ExoPhone's connectivity, as state keeps it. */
export interface ExoPhoneCallConnectivity {
  status: string;
  alternateExophones: string[];
}

/** Connectivity as state keeps it (no check timestamps: they would show as drift). */
export interface ExoPhoneConnectivity {
  incomingCall: ExoPhoneCallConnectivity;
  outgoingCall: ExoPhoneCallConnectivity;
}

/**
 * What state holds. Keys match the inputs so drift shows as a diff of the same field. A type, not an
 * interface, so it is a `Record<string, unknown>` where the provider passes it on as props.
 */
export type ExoPhoneOutputs = {
  stateVersion: number;
  sid: string;
  phoneNumber: string;
  friendlyName: string | null;
  voiceUrl: string | null;
  smsUrl: string | null;
  country: string;
  region: string;
  numberType: string;
  incomingSms: boolean;
  capabilities: { voice: boolean; sms: boolean };
  oneTimePrice: string;
  monthlyRental: string;
  incomingRate: string;
  incomingPulse: string;
  currency: string;
  vanityNumber: boolean;
  connectivity: ExoPhoneConnectivity | null;
  /** URLs Exotel stored in another form than sent (e.g. https://my.exotel.in for http://my.exotel.com). */
  echoes?: Echoes;
  contains?: string;
  adopt?: boolean;
  /** The number was taken by its identity label (core/labels.ts `TOOK_BY_LABEL`); kept through every operation. */
  __tookByLabel?: true;
};

/** The outputs the ExoPhone class declares (state keys besides the internal ones). */
export const EXOPHONE_OUTPUTS = [
  "sid",
  "phoneNumber",
  "friendlyName",
  "voiceUrl",
  "smsUrl",
  "country",
  "region",
  "numberType",
  "incomingSms",
  "capabilities",
  "oneTimePrice",
  "monthlyRental",
  "incomingRate",
  "incomingPulse",
  "currency",
  "vanityNumber",
  "connectivity",
] as const satisfies readonly (keyof ExoPhoneOutputs)[];

/** Which fields replace the number and which update it in place (every other input is create-only). */
export const exoPhoneRules: FieldRules = {
  // A different exact number is a different number: release the old one first, then rent the new one.
  phoneNumber: { replace: true, deleteBeforeReplace: true },
  // Search criteria the held number still satisfies are not a change: never re-buy a number in use.
  country: { replace: true },
  numberType: { replace: true },
  region: { replace: true },
  contains: { replace: true, satisfied: (n, o) => String(o.phoneNumber ?? "").includes(String(n.contains)) },
  incomingSms: { replace: true, satisfied: (n, o) => n.incomingSms !== true || o.incomingSms === true },
  friendlyName: {},
  voiceUrl: {},
  smsUrl: {},
};
