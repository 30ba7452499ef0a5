/**
 * The seeded tables the catalog is generated from: Exotel's telecom circles and prices, Plivo's number
 * groups, Apifonica's blocks. Only data; `catalog.ts` turns it into numbers for a seed.
 */
import type { ApifonicaType, ExotelType, PlivoGroup } from "./catalog.js";

// ---------------------------------------------------------------------------------------------------
// Exotel

/** The 22 Indian telecom circles with a representative landline area code (STD code without the 0). */
export const CIRCLES: ReadonlyArray<{ code: string; name: string; area: string }> = [
  { code: "AP", name: "Andhra Pradesh", area: "40" },
  { code: "AS", name: "Assam", area: "361" },
  { code: "BR", name: "Bihar", area: "612" },
  { code: "DL", name: "Delhi", area: "11" },
  { code: "GJ", name: "Gujarat", area: "79" },
  { code: "HP", name: "Himachal Pradesh", area: "177" },
  { code: "HR", name: "Haryana", area: "124" },
  { code: "JK", name: "Jammu and Kashmir", area: "194" },
  { code: "KA", name: "Karnataka", area: "80" },
  { code: "KL", name: "Kerala", area: "484" },
  { code: "KO", name: "Kolkata", area: "33" },
  { code: "MH", name: "Maharashtra", area: "20" },
  { code: "MP", name: "Madhya Pradesh", area: "755" },
  { code: "MU", name: "Mumbai", area: "22" },
  { code: "NE", name: "North East", area: "364" },
  { code: "OR", name: "Orissa", area: "674" },
  { code: "PB", name: "Punjab", area: "172" },
  { code: "RJ", name: "Rajasthan", area: "141" },
  { code: "TN", name: "Tamilnadu", area: "44" },
  { code: "UE", name: "Uttar Pradesh East", area: "522" },
  { code: "UW", name: "Uttar Pradesh West", area: "121" },
  { code: "WB", name: "West Bengal", area: "353" },
];

/** The countries Exotel sells in, with the currency its prices are in. */
export const EXOTEL_COUNTRIES: ReadonlyArray<{
  code: string;
  name: string;
  callingCode: string;
  currency: string;
}> = [
  { code: "IN", name: "India", callingCode: "91", currency: "INR" },
  { code: "MY", name: "Malaysia", callingCode: "60", currency: "MYR" },
];

/** Prices per `country:type`. */
export const EXOTEL_PRICES: Record<string, { rental: string; incomingRate: string; oneTime: string }> = {
  "IN:Landline": { oneTime: "0.000000", rental: "499.000000", incomingRate: "0.000000" },
  "IN:Mobile": { oneTime: "0.000000", rental: "999.000000", incomingRate: "0.000000" },
  "IN:TollFree": { oneTime: "0.000000", rental: "1999.000000", incomingRate: "0.600000" },
  "MY:Landline": { oneTime: "0.000000", rental: "0.000000", incomingRate: "0.000000" },
  "MY:Mobile": { oneTime: "0.000000", rental: "0.000000", incomingRate: "0.000000" },
};

/** Malaysia's blocks (India's are one per circle and type, see `catalog.ts`). */
export const EXOTEL_MY_BLOCKS: ReadonlyArray<{
  type: ExotelType;
  key: string;
  lead: string;
  digits: number;
  count: number;
}> = [
  { type: "Landline", key: "exotel-my-ll", lead: "3", digits: 8, count: 100 },
  { type: "Mobile", key: "exotel-my-mob", lead: "12", digits: 7, count: 50 },
];

// ---------------------------------------------------------------------------------------------------
// Plivo

/** One group as written here: its numbers are `count` national numbers of `lead` plus `digits` digits. */
export type PlivoGroupSpec = Omit<
  PlivoGroup,
  "groupId" | "numbers" | "countryName" | "callingCode" | "regulated"
> & {
  lead: string;
  digits: number;
  count: number;
};

/** Countries; orders in regulated ones go pending. */
export const PLIVO_COUNTRIES: Record<string, { name: string; callingCode: string; regulated: boolean }> = {
  US: { name: "UNITED STATES", callingCode: "1", regulated: false },
  GB: { name: "UNITED KINGDOM", callingCode: "44", regulated: false },
  FR: { name: "FRANCE", callingCode: "33", regulated: true },
  DE: { name: "GERMANY", callingCode: "49", regulated: true },
};

type Template = Omit<PlivoGroupSpec, "prefix" | "region" | "city" | "lead" | "digits" | "count">;

/** A local fixed group without SMS, MMS, restriction or US rate-center data: the base of the others. */
const LOCAL: Omit<Template, "country" | "setupRate" | "rentalRate" | "voiceRate"> = {
  numberType: "local",
  type: "fixed",
  subType: "local",
  regionCode: null,
  rateCenter: null,
  lata: null,
  voiceEnabled: true,
  smsEnabled: false,
  smsRate: "0.00000",
  mmsEnabled: false,
  mmsRate: "0.00000",
  restriction: null,
  restrictionText: null,
};

const TOLLFREE = { numberType: "tollfree", type: "tollfree", subType: "tollfree" } as const;

const US_LOCAL: Template = {
  ...LOCAL,
  country: "US",
  setupRate: "0.00000",
  rentalRate: "0.80000",
  voiceRate: "0.00850",
  smsEnabled: true,
  smsRate: "0.00800",
  mmsEnabled: true,
  mmsRate: "0.02000",
};
const US_TOLLFREE: Template = {
  ...US_LOCAL,
  ...TOLLFREE,
  rentalRate: "1.00000",
  voiceRate: "0.01800",
  mmsEnabled: false,
  mmsRate: "0.00000",
};
const GB_LOCAL: Template = {
  ...LOCAL,
  country: "GB",
  setupRate: "0.00000",
  rentalRate: "0.65000",
  voiceRate: "0.00300",
};
const GB_MOBILE: Template = {
  ...GB_LOCAL,
  numberType: "mobile",
  type: "mobile",
  subType: "mobile",
  rentalRate: "1.50000",
  voiceRate: "0.00500",
  smsEnabled: true,
  smsRate: "0.00450",
};
const CITY_ADDRESS = {
  restriction: "city-address",
  restrictionText: "This number requires proof of a local address in the number's city.",
};
const FR_LOCAL: Template = {
  ...LOCAL,
  ...CITY_ADDRESS,
  country: "FR",
  setupRate: "0.80000",
  rentalRate: "0.80000",
  voiceRate: "0.00700",
};
const FR_NATIONAL: Template = {
  ...FR_LOCAL,
  numberType: "national",
  subType: "national",
  rentalRate: "1.20000",
  restriction: "country-address",
  restrictionText: "This number requires proof of an address in France.",
};
const DE_LOCAL: Template = {
  ...LOCAL,
  ...CITY_ADDRESS,
  country: "DE",
  setupRate: "1.00000",
  rentalRate: "1.00000",
  voiceRate: "0.00600",
};
const DE_TOLLFREE: Template = {
  ...DE_LOCAL,
  ...TOLLFREE,
  setupRate: "5.00000",
  rentalRate: "10.00000",
  voiceRate: "0.04500",
  restriction: "country-address",
  restrictionText: "This number requires proof of an address in Germany.",
};

/** The groups in catalog order (the order decides their seeded ids and numbers). */
// biome-ignore format: a table, one group a line
export const PLIVO_SPECS: PlivoGroupSpec[] = [
  { ...US_LOCAL, prefix: "415", region: "California, UNITED STATES", city: "SAN FRANCISCO", regionCode: "CA", rateCenter: "SNFC CNTRL", lata: 722, lead: "4153", digits: 6, count: 800 },
  { ...US_LOCAL, prefix: "212", region: "New York, UNITED STATES", city: "NEW YORK", regionCode: "NY", rateCenter: "NWYRCYZN01", lata: 132, lead: "2127", digits: 6, count: 800 },
  { ...US_LOCAL, prefix: "312", region: "Illinois, UNITED STATES", city: "CHICAGO", regionCode: "IL", rateCenter: "CHCGOZN1", lata: 358, lead: "3124", digits: 6, count: 600 },
  { ...US_LOCAL, prefix: "512", region: "Texas, UNITED STATES", city: "AUSTIN", regionCode: "TX", rateCenter: "AUSTIN", lata: 558, lead: "5126", digits: 6, count: 600 },
  { ...US_TOLLFREE, prefix: "844", region: "UNITED STATES", city: "UNITED STATES", lead: "8443", digits: 6, count: 300 },
  { ...US_TOLLFREE, prefix: "888", region: "UNITED STATES", city: "UNITED STATES", lead: "8885", digits: 6, count: 300 },
  { ...GB_LOCAL, prefix: "20", region: "LONDON, UNITED KINGDOM", city: "LONDON", lead: "203", digits: 7, count: 500 },
  { ...GB_LOCAL, prefix: "161", region: "MANCHESTER, UNITED KINGDOM", city: "MANCHESTER", lead: "1614", digits: 6, count: 300 },
  { ...GB_MOBILE, prefix: "7", region: "UNITED KINGDOM", city: "UNITED KINGDOM", lead: "7480", digits: 6, count: 400 },
  { ...FR_LOCAL, prefix: "1", region: "PARIS, FRANCE", city: "PARIS", lead: "17", digits: 7, count: 300 },
  { ...FR_LOCAL, prefix: "3", region: "AMIENS, FRANCE", city: "AMIENS", lead: "322", digits: 6, count: 300 },
  { ...FR_NATIONAL, prefix: "9", region: "FRANCE", city: "FRANCE", lead: "97", digits: 7, count: 200 },
  { ...DE_LOCAL, prefix: "30", region: "BERLIN, GERMANY", city: "BERLIN", lead: "3080", digits: 6, count: 300 },
  { ...DE_LOCAL, prefix: "89", region: "MUNICH, GERMANY", city: "MUNICH", lead: "8920", digits: 6, count: 200 },
  { ...DE_TOLLFREE, prefix: "800", region: "GERMANY", city: "GERMANY", lead: "8007", digits: 7, count: 100 },
];

// ---------------------------------------------------------------------------------------------------
// Apifonica

/** Countries Apifonica sells in. */
export const APIFONICA_COUNTRIES: Record<string, { name: string; callingCode: string }> = {
  GB: { name: "United Kingdom", callingCode: "44" },
  IE: { name: "Ireland", callingCode: "353" },
  RU: { name: "Russia", callingCode: "7" },
  US: { name: "United States", callingCode: "1" },
};

/** Blocks in catalog order, with their setup and monthly prices (EUR). */
export const APIFONICA_SPECS: ReadonlyArray<{
  country: string;
  type: ApifonicaType;
  lead: string;
  digits: number;
  count: number;
  setup: string;
  monthly: string;
}> = [
  { country: "GB", type: "local", lead: "2038", digits: 6, count: 300, setup: "0.00", monthly: "1.20" },
  { country: "GB", type: "local", lead: "1615", digits: 6, count: 200, setup: "0.00", monthly: "1.20" },
  { country: "GB", type: "mobile", lead: "7480", digits: 6, count: 300, setup: "0.00", monthly: "2.50" },
  { country: "GB", type: "toll_free", lead: "8003", digits: 6, count: 100, setup: "5.00", monthly: "8.00" },
  { country: "IE", type: "local", lead: "15", digits: 6, count: 200, setup: "0.00", monthly: "1.50" },
  { country: "IE", type: "mobile", lead: "86", digits: 7, count: 200, setup: "0.00", monthly: "3.00" },
  { country: "IE", type: "toll_free", lead: "1800", digits: 6, count: 50, setup: "10.00", monthly: "10.00" },
  { country: "RU", type: "local", lead: "495", digits: 7, count: 200, setup: "10.00", monthly: "4.00" },
  { country: "RU", type: "local", lead: "812", digits: 7, count: 200, setup: "10.00", monthly: "4.00" },
  { country: "RU", type: "mobile", lead: "916", digits: 7, count: 200, setup: "10.00", monthly: "6.00" },
  { country: "RU", type: "toll_free", lead: "800", digits: 7, count: 100, setup: "20.00", monthly: "15.00" },
  { country: "US", type: "local", lead: "2129", digits: 6, count: 300, setup: "0.00", monthly: "1.00" },
  { country: "US", type: "local", lead: "4158", digits: 6, count: 300, setup: "0.00", monthly: "1.00" },
  { country: "US", type: "toll_free", lead: "8882", digits: 6, count: 100, setup: "0.00", monthly: "2.00" },
];
