/**
 * ExoPhone's declaration, without any client: its input schema and cross-field rules, its outputs and
 * its diff rules. The registry (provider/registry.ts), the SDK's inventory and the provider module
 * read it from here, so `import "pulumi-phone-numbers"` loads no HTTP client.
 */
import { z } from "zod";
import { exactOrSearch, httpUrl, isoCountry, nonEmpty, oneOf, phoneNumber } from "../core/check.js";
import type { Echoes } from "../core/echoes.js";
import {
  criterion,
  exportedOf,
  type FieldOutputs,
  field,
  outputKeysOf,
  rulesOf,
  type ValuesOf,
} from "../core/fields.js";

/** The 22 Indian telecom circles Exotel uses for `InRegion` and `region`. */
export const INDIA_CIRCLES = [
  "AP", "AS", "BR", "DL", "GJ", "HP", "HR", "JK", "KA", "KL", "KO",
  "MH", "MP", "MU", "NE", "OR", "PB", "RJ", "TN", "UE", "UW", "WB",
] as const; // biome-ignore format: a table

/**
 * Every ExoPhone input, declared once: its validation, its diff rule (`{ replace: true }` replaces the
 * number, `{}` updates it in place, `satisfied` for criteria the held number may already meet; no
 * rule: read at creation only), and for an in-place field its Exotel wire names, whether state reports
 * it (`output`), whether the vendor may store another form of it (`echoes`) and whether an inventory
 * export carries it (`exported`). The TSDoc of each entry is the field's documentation in the SDK
 * (`ExoPhoneArgs`, and the output of the same name).
 */
export const EXOPHONE_FIELDS = {
  /** Rent exactly this number (E.164, e.g. `+918047091234`). Lifecycle: changing it **releases the old number first**, then rents the new one. */
  phoneNumber: field(phoneNumber("Exotel number").optional(), {
    // A different exact number is a different number: release the old one first, then rent the new one.
    rule: { replace: true, deleteBeforeReplace: true },
  }),
  /** ISO 3166-1 alpha-2 country to search in. Default `IN`. Lifecycle: **replaces**. */
  country: field(isoCountry().optional(), { rule: { replace: true } }),
  /** `Landline`, `Mobile` or `TollFree`. Default `Landline`. Lifecycle: **replaces**. */
  numberType: field(oneOf(["Landline", "Mobile", "TollFree"]).optional(), { rule: { replace: true } }),
  /** Indian telecom circle to search in, such as `KA` (Karnataka) or `DL` (Delhi); outside India, the country code. Lifecycle: **replaces**. */
  region: field(
    z
      .string()
      .transform((v) => v.toUpperCase())
      .optional(),
    { rule: { replace: true } },
  ),
  /** Only numbers containing these digits. Lifecycle: **replaces** unless the held number contains them. */
  contains: field(
    z
      .string()
      .regex(/^\d{1,15}$/, {
        error: 'must be 1 to 15 digits; allowed: digits the number contains, such as "8047"',
      })
      .optional(),
    {
      // Search criteria the held number still satisfies are not a change: never re-buy a number in use.
      rule: criterion((n, o) => String(o.phoneNumber ?? "").includes(String(n.contains))),
    },
  ),
  /** Only numbers that receive SMS. Lifecycle: **replaces** unless the held number receives SMS. */
  incomingSms: field(z.boolean().optional(), {
    rule: criterion((n, o) => n.incomingSms !== true || o.incomingSms === true),
  }),
  /** A name to recognise the number by in the Exotel dashboard (as an output: the name it shows). Lifecycle: updated **in place**. */
  friendlyName: field(nonEmpty(100).optional(), {
    rule: {},
    wire: { form: "FriendlyName", answer: "friendly_name" },
    output: true,
    exported: true,
  }),
  /** The flow URL incoming calls go to, e.g. `https://my.exotel.com/<sid>/exoml/start_voice/<app_id>` (as an output: the live value). Lifecycle: updated **in place**. */
  voiceUrl: field(httpUrl().optional(), {
    rule: {},
    wire: { form: "VoiceUrl", answer: "voice_url" },
    output: true,
    echoes: true,
    exported: true,
  }),
  /** The flow URL incoming SMS go to (as an output: the live value). Lifecycle: updated **in place**. */
  smsUrl: field(httpUrl().optional(), {
    rule: {},
    wire: { form: "SMSUrl", answer: "sms_url" },
    output: true,
    echoes: true,
    exported: true,
  }),
  /** With `phoneNumber`: take over a number the account already holds instead of renting it. Lifecycle: read at creation only; changing it later changes nothing. */
  adopt: field(z.boolean().optional()),
};

/** The checked inputs of an ExoPhone. */
export type ExoPhoneInputs = ValuesOf<typeof EXOPHONE_FIELDS>;

/** Rules across fields, checked on the raw inputs so they are reported together with field errors. */
export function exoPhoneCrossCheck(raw: Record<string, unknown>): { property: string; reason: string }[] {
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

/** One direction of an ExoPhone's connectivity. */
export interface ExoPhoneCallConnectivity {
  /** Exotel's status of the direction, e.g. `Active`. */
  status: string;
  /** ExoPhones Exotel uses in its place while it is down. */
  alternateExophones: string[];
}

/** Connectivity of an ExoPhone as Exotel's monitoring last saw it (no check timestamps: they would show as drift). */
export interface ExoPhoneConnectivity {
  /** Incoming calls. */
  incomingCall: ExoPhoneCallConnectivity;
  /** Outgoing calls. */
  outgoingCall: ExoPhoneCallConnectivity;
}

/**
 * What state holds. Keys match the inputs so drift shows as a diff of the same field; the in-place
 * fields' outputs come from {@link EXOPHONE_FIELDS}. A type, not an interface, so it is a
 * `Record<string, unknown>` where the provider passes it on as props. The TSDoc of each property is
 * the SDK output's documentation.
 */
export type ExoPhoneOutputs = {
  /** The version of this state's layout. */
  stateVersion: number;
  /** Exotel's id of the number. */
  sid: string;
  /** The number, E.164. */
  phoneNumber: string;
  /** ISO country code of the number. */
  country: string;
  /** Telecom circle (India) or country code. */
  region: string;
  /** `Landline`, `Mobile` or `TollFree`. */
  numberType: string;
  /** Whether the number receives SMS. */
  incomingSms: boolean;
  /** What the number supports. */
  capabilities: {
    /** Takes voice calls. */
    voice: boolean;
    /** Receives SMS. */
    sms: boolean;
  };
  /** One-time price, as Exotel states it (decimal string). */
  oneTimePrice: string;
  /** Monthly rental, as Exotel states it (decimal string; the same output name on every resource of this package). */
  monthlyRental: string;
  /** Price per pulse of incoming calls. */
  incomingRate: string;
  /** Seconds per pulse. */
  incomingPulse: string;
  /** Currency of the prices, e.g. `INR`. */
  currency: string;
  /** Whether Exotel sells it as a vanity number. */
  vanityNumber: boolean;
  /** Incoming and outgoing connectivity status and alternate ExoPhones (no check timestamps, so no false drift). */
  connectivity: ExoPhoneConnectivity | null;
  /** URLs Exotel stored in another form than sent (e.g. https://my.exotel.in for http://my.exotel.com). */
  echoes?: Echoes;
  /** The search criterion, kept under its input key. */
  contains?: string;
  /** The input, kept under its key. */
  adopt?: boolean;
  /** The number was taken by its identity label (core/labels.ts `TOOK_BY_LABEL`); kept through every operation. */
  __tookByLabel?: true;
} & FieldOutputs<typeof EXOPHONE_FIELDS>;

/** The outputs the ExoPhone class declares (state keys besides the internal ones). */
export const EXOPHONE_OUTPUTS = [
  "sid",
  "phoneNumber",
  ...outputKeysOf(EXOPHONE_FIELDS),
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
export const exoPhoneRules = rulesOf(EXOPHONE_FIELDS);

/** The inputs an exported (adopting) entry carries besides the exact number and `adopt`. */
export const EXOPHONE_EXPORTED = exportedOf(EXOPHONE_FIELDS);
