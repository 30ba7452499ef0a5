/**
 * ApifonicaNumber's declaration, without any client: its input schema and cross-field rules, its
 * outputs and its diff rules (read by provider/registry.ts, the SDK's inventory and the provider).
 */
import { z } from "zod";
import { countryOf, e164Of, exactOrSearch, isoCountry, nonEmpty, oneOf, phoneNumber } from "../core/check.js";
import {
  criterion,
  exportedOf,
  type FieldOutputs,
  field,
  outputKeysOf,
  rulesOf,
  type ValuesOf,
} from "../core/fields.js";

/**
 * Every ApifonicaNumber input, declared once: its validation, its diff rule (`{ replace: true }`
 * replaces the number, `{}` updates it in place, `criterion` for criteria the held number may already
 * meet; no rule: read at creation only), and for an in-place field its Apifonica wire names (`form`:
 * the key of the JSON update body; `answer`: the number record's key), whether state reports it
 * (`output`) and whether an inventory export carries it (`exported`). The TSDoc of each entry is the
 * field's documentation in the SDK (`ApifonicaNumberArgs`, and the output of the same name).
 */
export const APIFONICA_NUMBER_FIELDS = {
  /** Rent exactly this number (E.164). Lifecycle: changing it **releases the old number first**, then rents the new one. */
  number: field(
    phoneNumber("Apifonica number")
      .transform((v) => e164Of(v)!)
      .optional(),
    { rule: { replace: true, deleteBeforeReplace: true } },
  ),
  /** ISO country to search in, e.g. `GB`. Required without `number`. Lifecycle: **replaces**. */
  countryCode: field(isoCountry().optional(), { rule: { replace: true } }),
  /** `local`, `mobile`, `toll_free` or `sip`. Lifecycle: **replaces**. */
  type: field(oneOf(["local", "mobile", "toll_free", "sip"]).optional(), { rule: { replace: true } }),
  /** Only numbers with voice. Lifecycle: **replaces** unless the held number has voice. */
  voice: field(z.boolean().optional(), { rule: criterion((n, o) => n.voice !== true || o.voice === true) }),
  /** Only numbers with messaging. Lifecycle: **replaces** unless the held number has messaging. */
  messaging: field(z.boolean().optional(), {
    rule: criterion((n, o) => n.messaging !== true || o.messaging === true),
  }),
  /** Application (an `ApifonicaApplication`'s `applicationSid`) that handles incoming calls (as an output: the linked one, null when none). Lifecycle: updated **in place**. */
  callAppSid: field(nonEmpty(64).optional(), {
    rule: {},
    wire: { form: "call_app_sid", answer: "call_app_sid" },
    output: true,
    exported: true,
  }),
  /** Application that handles messages (as an output: the linked one, null when none). Lifecycle: updated **in place**. */
  msgAppSid: field(nonEmpty(64).optional(), {
    rule: {},
    wire: { form: "msg_app_sid", answer: "msg_app_sid" },
    output: true,
    exported: true,
  }),
  /** A name for the number (as an output: the number's name). Lifecycle: updated **in place**. */
  name: field(nonEmpty(100).optional(), {
    rule: {},
    wire: { form: "name", answer: "name" },
    output: true,
  }),
  /** `xml` (fetch XML instructions; default), `sip_phone` or `end_point`. Lifecycle: updated **in place**. */
  mode: field(oneOf(["xml", "sip_phone", "end_point"]).optional(), {
    rule: {},
    // Not `output`: state reports it as Apifonica's string, `xml` when unset (ApifonicaNumberOutputs).
    wire: { form: "mode", answer: "mode" },
    exported: true,
  }),
  /** With `number`: take over a number the account already holds instead of renting it. Lifecycle: read at creation only; changing it later changes nothing. */
  adopt: field(z.boolean().optional()),
};

/** The checked inputs of an ApifonicaNumber. */
export type ApifonicaNumberInputs = ValuesOf<typeof APIFONICA_NUMBER_FIELDS>;

/** Rules across fields, checked on the raw inputs so they are reported together with field errors. */
export function apifonicaNumberCrossCheck(
  raw: Record<string, unknown>,
): { property: string; reason: string }[] {
  const failures = exactOrSearch(raw, "number", ["type", "voice", "messaging"]);
  const exact = raw.number !== undefined;
  if (!exact && raw.countryCode === undefined) {
    failures.push({
      property: "countryCode",
      reason:
        'is required to search when no exact number is given; allowed: an ISO country code such as "GB"',
    });
  }
  if (exact && typeof raw.number === "string" && typeof raw.countryCode === "string") {
    const country = countryOf(raw.number);
    if (country && country !== raw.countryCode.toUpperCase()) {
      failures.push({
        property: "countryCode",
        reason: `${raw.number} is a ${country} number; allowed: "${country}" or leave countryCode out`,
      });
    }
  }
  return failures;
}

/**
 * What state holds (a type, not an interface: it passes as props without a cast); the in-place
 * fields' outputs come from {@link APIFONICA_NUMBER_FIELDS}. The TSDoc of each property is the SDK
 * output's documentation.
 */
export type ApifonicaNumberOutputs = {
  /** The version of this state's layout. */
  stateVersion: number;
  /** Apifonica's id of the number. */
  numberSid: string;
  /** The number, E.164. */
  number: string;
  /** ISO country code. */
  countryCode: string;
  /** Country name. */
  countryName: string;
  /** `local`, `mobile`, `toll_free` or `sip`. */
  type: string;
  /** Whether voice works on the number. */
  voice: boolean;
  /** Whether messaging works on the number. */
  messaging: boolean;
  // No callController/msgController: copied from the linked application they went stale when it
  // changed. The URL is the ApifonicaApplication's `controller` (older state may still carry them).
  /** The number's mode. */
  mode: string;
  /** Monthly rental from Apifonica's cost list (decimal string), the same field name on every resource of this package. */
  monthlyRental: string | null;
  /** One-time setup price (decimal string). */
  setupPrice: string | null;
  /** Currency of the prices, e.g. `EUR`. */
  currency: string | null;
  /** The input, kept under its key. */
  adopt?: boolean;
  /** The number was taken by its identity label (core/labels.ts `TOOK_BY_LABEL`); kept through every operation. */
  __tookByLabel?: true;
} & FieldOutputs<typeof APIFONICA_NUMBER_FIELDS>;

/** The outputs the ApifonicaNumber class declares (state keys besides the internal ones). */
export const APIFONICA_NUMBER_OUTPUTS = [
  "numberSid",
  "number",
  "countryCode",
  "countryName",
  "type",
  "voice",
  "messaging",
  ...outputKeysOf(APIFONICA_NUMBER_FIELDS),
  "mode",
  "monthlyRental",
  "setupPrice",
  "currency",
] as const satisfies readonly (keyof ApifonicaNumberOutputs)[];

/** Which fields replace the number and which update it in place (every other input is create-only). */
export const apifonicaNumberRules = rulesOf(APIFONICA_NUMBER_FIELDS);

/** The inputs an exported (adopting) entry carries besides the exact number and `adopt`. */
export const APIFONICA_NUMBER_EXPORTED = exportedOf(APIFONICA_NUMBER_FIELDS);
