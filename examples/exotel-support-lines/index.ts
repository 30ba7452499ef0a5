/**
 * Support lines in three Indian telecom circles: one ExoPhone per city, each routed to the Exotel flow
 * (app) that answers it. The table is the whole inventory: add a row and `pulumi up` rents a number
 * there; change a flow URL and the number is re-routed in place (never re-bought); delete a row and
 * the number is released.
 */
import { ExoPhone } from "pulumi-phone-numbers";

/** Your Exotel account SID (the one in the flow URLs of your dashboard). */
const account = "acme";
const flow = (id: number) => `https://my.exotel.com/${account}/exoml/start_voice/${id}`;

const lines = {
  bangalore: { region: "KA", flow: 2001 },
  delhi: { region: "DL", flow: 2002 },
  mumbai: { region: "MU", flow: 2003 },
} as const;

const phones = Object.entries(lines).map(
  ([city, line]) =>
    [
      city,
      new ExoPhone(`support-${city}`, {
        region: line.region,
        friendlyName: `Support ${city[0]?.toUpperCase()}${city.slice(1)}`,
        voiceUrl: flow(line.flow),
      }),
    ] as const,
);

// A number that also takes SMS (e.g. for "call me back" keywords), routed to an SMS flow.
const sms = new ExoPhone("support-sms", {
  region: "KA",
  incomingSms: true,
  friendlyName: "Support SMS",
  voiceUrl: flow(2001),
  smsUrl: `https://my.exotel.com/${account}/exoml/start_sms/3001`,
});

/** What to print on the website: city -> number. */
export const supportNumbers = Object.fromEntries(phones.map(([city, phone]) => [city, phone.phoneNumber]));
export const smsNumber = sms.phoneNumber;
/** Monthly rental per line, as Exotel states it (INR). */
export const monthlyRental = Object.fromEntries(phones.map(([city, phone]) => [city, phone.monthlyRental]));
