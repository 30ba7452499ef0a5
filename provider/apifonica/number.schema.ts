/**
 * ApifonicaNumber's declaration, without any client: its input schema and cross-field rules, its
 * outputs and its diff rules (read by provider/registry.ts, the SDK's inventory and the provider).
 */
import { parsePhoneNumberFromString } from "libphonenumber-js";
import { z } from "zod";
import {
  type CheckFailure,
  e164Of,
  exactOrSearch,
  isoCountry,
  nonEmpty,
  oneOf,
  type Props,
  phoneNumber,
  withPlus,
} from "../core/check.js";
import type { FieldRules } from "../core/diff.js";

export const apifonicaNumberInputs = z.strictObject({
  number: phoneNumber("Apifonica number")
    .transform((v) => e164Of(v)!)
    .optional(),
  countryCode: isoCountry().optional(),
  type: oneOf(["local", "mobile", "toll_free", "sip"]).optional(),
  voice: z.boolean().optional(),
  messaging: z.boolean().optional(),
  callAppSid: nonEmpty(64).optional(),
  msgAppSid: nonEmpty(64).optional(),
  name: nonEmpty(100).optional(),
  mode: oneOf(["xml", "sip_phone", "end_point"]).optional(),
  adopt: z.boolean().optional(),
});
export type ApifonicaNumberInputs = z.infer<typeof apifonicaNumberInputs>;

/** Rules across fields, checked on the raw inputs so they are reported together with field errors. */
export function apifonicaNumberCrossCheck(raw: Props): CheckFailure[] {
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
    const country = parsePhoneNumberFromString(withPlus(raw.number))?.country;
    if (country && country !== raw.countryCode.toUpperCase()) {
      failures.push({
        property: "countryCode",
        reason: `${raw.number} is a ${country} number; allowed: "${country}" or leave countryCode out`,
      });
    }
  }
  return failures;
}

/** What state holds (a type, not an interface: it passes as props without a cast). */
export type ApifonicaNumberOutputs = {
  stateVersion: number;
  numberSid: string;
  number: string;
  countryCode: string;
  countryName: string;
  type: string;
  voice: boolean;
  messaging: boolean;
  callAppSid: string | null;
  msgAppSid: string | null;
  // No callController/msgController: copied from the linked application they went stale when it
  // changed. The URL is the ApifonicaApplication's `controller` (older state may still carry them).
  name: string | null;
  mode: string;
  /** Monthly rental from Apifonica's number cost list (decimal string); null when it lists none. */
  monthlyRental: string | null;
  setupPrice: string | null;
  currency: string | null;
  adopt?: boolean;
  /** The number was taken by its identity label (core/labels.ts `TOOK_BY_LABEL`); kept through every operation. */
  __tookByLabel?: true;
};

/** The outputs the ApifonicaNumber class declares (state keys besides the internal ones). */
export const APIFONICA_NUMBER_OUTPUTS = [
  "numberSid",
  "number",
  "countryCode",
  "countryName",
  "type",
  "voice",
  "messaging",
  "callAppSid",
  "msgAppSid",
  "name",
  "mode",
  "monthlyRental",
  "setupPrice",
  "currency",
] as const satisfies readonly (keyof ApifonicaNumberOutputs)[];

/** Which fields replace the number and which update it in place. */
export const apifonicaNumberRules: FieldRules = {
  number: { replace: true, deleteBeforeReplace: true },
  countryCode: { replace: true },
  type: { replace: true },
  voice: { replace: true, satisfied: (n, o) => n.voice !== true || o.voice === true },
  messaging: { replace: true, satisfied: (n, o) => n.messaging !== true || o.messaging === true },
  callAppSid: {},
  msgAppSid: {},
  name: {},
  mode: {},
};
