/**
 * Plain types of PlivoNumberOrder shared by the schema module and the SDK class (no zod here, nor in
 * the schema module's declarations: these reach users' type checks through the SDK's declarations).
 */

import type { FieldOutputs } from "../core/fields.js";
import type { PLIVO_NUMBER_ORDER_FIELDS } from "./number-order.schema.js";

/** The in-place per-number fields of a number (its `appId`, `alias`, ...: null when unset), from the field table. */
export type PlivoNumberRouting = FieldOutputs<typeof PLIVO_NUMBER_ORDER_FIELDS>;

/**
 * One number of an order, as Plivo reports it (state keeps no renewal dates or timestamps: they would
 * show as drift), with its in-place per-number fields (`PlivoNumberRouting`: each null when unset).
 */
export interface PlivoNumberDetail extends PlivoNumberRouting {
  /** The number, E.164. */
  number: string;
  /** `local`, `national`, `tollfree` or `mobile`. */
  numberType: string;
  /** Its region, as Plivo names it. */
  region: string | null;
  /** Its country, as Plivo names it. */
  country: string | null;
  /** Takes voice calls. */
  voiceEnabled: boolean;
  /** Sends and receives SMS. */
  smsEnabled: boolean;
  /** Sends and receives MMS. */
  mmsEnabled: boolean;
  /** Monthly rental (decimal string, USD). */
  monthlyRentalRate: string;
  /** When it was added to the account (Plivo's timestamp). */
  addedOn: string | null;
}
