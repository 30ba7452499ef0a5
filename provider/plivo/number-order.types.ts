/**
 * Plain types of PlivoNumberOrder shared by the schema module and the SDK class (no zod here: these
 * reach users' type checks through the SDK's declarations).
 */

/** One number of an order, as Plivo reports it (state keeps no renewal dates or timestamps: they would show as drift). */
export interface PlivoNumberDetail {
  /** The number, E.164. */
  number: string;
  /** The Plivo application it is linked to. */
  appId: string | null;
  /** Its alias. */
  alias: string | null;
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
