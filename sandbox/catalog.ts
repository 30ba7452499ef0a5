/**
 * The deterministic catalog of numbers for sale, per vendor. Everything derives from the seed: the same
 * seed gives the same numbers, group ids and order. A few thousand numbers per vendor are generated
 * eagerly at start (a few milliseconds); availability (rented, reserved, quarantined) lives in the state.
 */
import { hashHex, hashInt, pad } from "./util.js";

/** National digits for `count` distinct numbers: `lead` + `digits` scrambled digits (an affine bijection). */
function block(seed: number, key: string, lead: string, digits: number, count: number): string[] {
  const m = 10 ** digits;
  if (count > m) throw new Error(`catalog block ${key} asks for ${count} numbers in a space of ${m}`);
  const last = [1, 3, 7, 9][hashInt(4, seed, key, "a-last")] ?? 1;
  // a ends in 1, 3, 7 or 9, so it is coprime with 10^digits and i -> a*i+b mod m is a bijection.
  const a = (hashInt(Math.max(1, Math.floor(m / 10)), seed, key, "a") * 10 + last) % m || 1;
  const b = hashInt(m, seed, key, "b");
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(lead + pad((a * i + b) % m, digits));
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Exotel

export type ExotelType = "Landline" | "Mobile" | "TollFree";
export const EXOTEL_TYPES: readonly ExotelType[] = ["Landline", "Mobile", "TollFree"];

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

export const EXOTEL_COUNTRIES: ReadonlyArray<{ code: string; name: string; callingCode: string }> = [
  { code: "IN", name: "India", callingCode: "91" },
  { code: "MY", name: "Malaysia", callingCode: "60" },
];

export interface ExotelNumber {
  e164: string;
  /** The national form an Exotel user would type (with the trunk 0, except toll free): the default friendly name. */
  nationalForm: string;
  country: string;
  region: string;
  type: ExotelType;
  sms: boolean;
  vanity: boolean;
  oneTimePrice: string;
  rentalPrice: string;
  incomingRate: string;
  incomingPulse: string;
  currency: string;
}

const EXOTEL_PRICES: Record<string, { rental: string; incomingRate: string; oneTime: string }> = {
  "IN:Landline": { oneTime: "0.000000", rental: "499.000000", incomingRate: "0.000000" },
  "IN:Mobile": { oneTime: "0.000000", rental: "999.000000", incomingRate: "0.000000" },
  "IN:TollFree": { oneTime: "0.000000", rental: "1999.000000", incomingRate: "0.600000" },
  "MY:Landline": { oneTime: "0.000000", rental: "0.000000", incomingRate: "0.000000" },
  "MY:Mobile": { oneTime: "0.000000", rental: "0.000000", incomingRate: "0.000000" },
};

function exotelCatalog(seed: number): ExotelNumber[] {
  const out: ExotelNumber[] = [];
  const mobileLead = String(6 + hashInt(4, seed, "exotel-mobile-lead"));
  const add = (country: string, region: string, type: ExotelType, nationals: string[], trunk: boolean) => {
    const prices = EXOTEL_PRICES[`${country}:${type}`];
    if (!prices) throw new Error(`no prices for ${country} ${type}`);
    const currency = country === "IN" ? "INR" : "MYR";
    const cc = country === "IN" ? "91" : "60";
    nationals.forEach((national, i) => {
      const vanity = country === "IN" && i % 40 === 13;
      out.push({
        e164: `+${cc}${national}`,
        nationalForm: trunk ? `0${national}` : national,
        country,
        region,
        type,
        sms: type === "Mobile" ? country === "IN" : type === "Landline" && country === "IN" && i % 2 === 0,
        vanity,
        oneTimePrice: vanity ? "1500.000000" : prices.oneTime,
        rentalPrice: prices.rental,
        incomingRate: prices.incomingRate,
        incomingPulse: "60",
        currency,
      });
    });
  };
  CIRCLES.forEach((c) => {
    const area = c.area;
    add(
      "IN",
      c.code,
      "Landline",
      block(seed, `exotel-ll-${c.code}`, `${area}4`, 10 - area.length - 1, 150),
      true,
    );
  });
  CIRCLES.forEach((c, ci) => {
    add(
      "IN",
      c.code,
      "Mobile",
      block(seed, `exotel-mob-${c.code}`, `${mobileLead}${pad(ci, 2)}`, 7, 100),
      true,
    );
  });
  CIRCLES.forEach((c, ci) => {
    add("IN", c.code, "TollFree", block(seed, `exotel-tf-${c.code}`, `1800${pad(ci, 2)}`, 4, 20), false);
  });
  add("MY", "MY", "Landline", block(seed, "exotel-my-ll", "3", 8, 100), true);
  add("MY", "MY", "Mobile", block(seed, "exotel-my-mob", "12", 7, 50), true);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Plivo

export interface PlivoGroup {
  groupId: string;
  country: string;
  countryName: string;
  callingCode: string;
  /** Legacy group `number_type`: local, national, tollfree or mobile. */
  numberType: "local" | "national" | "tollfree" | "mobile";
  /** PhoneNumber `type`: fixed, mobile or tollfree. */
  type: "fixed" | "mobile" | "tollfree";
  /** PhoneNumber `sub_type`: local, national, mobile or tollfree. */
  subType: string;
  prefix: string;
  region: string;
  /** Two-letter region code (US state) for the legacy `region` filter, if any. */
  regionCode: string | null;
  city: string;
  rateCenter: string | null;
  lata: number | null;
  setupRate: string;
  rentalRate: string;
  voiceEnabled: boolean;
  voiceRate: string;
  smsEnabled: boolean;
  smsRate: string;
  mmsEnabled: boolean;
  mmsRate: string;
  restriction: string | null;
  restrictionText: string | null;
  /** Orders in regulated countries go pending until completed through the admin API. */
  regulated: boolean;
  numbers: string[];
}

type PlivoGroupSpec = Omit<
  PlivoGroup,
  "groupId" | "numbers" | "countryName" | "callingCode" | "regulated"
> & {
  lead: string;
  digits: number;
  count: number;
};

const PLIVO_COUNTRIES: Record<string, { name: string; callingCode: string; regulated: boolean }> = {
  US: { name: "UNITED STATES", callingCode: "1", regulated: false },
  GB: { name: "UNITED KINGDOM", callingCode: "44", regulated: false },
  FR: { name: "FRANCE", callingCode: "33", regulated: true },
  DE: { name: "GERMANY", callingCode: "49", regulated: true },
};

const US_LOCAL = {
  country: "US",
  numberType: "local" as const,
  type: "fixed" as const,
  subType: "local",
  setupRate: "0.00000",
  rentalRate: "0.80000",
  voiceEnabled: true,
  voiceRate: "0.00850",
  smsEnabled: true,
  smsRate: "0.00800",
  mmsEnabled: true,
  mmsRate: "0.02000",
  restriction: null,
  restrictionText: null,
  digits: 6,
};

const FR_DE_RESTRICTION = "This number requires proof of a local address in the number's city.";

const PLIVO_SPECS: PlivoGroupSpec[] = [
  {
    ...US_LOCAL,
    prefix: "415",
    region: "California, UNITED STATES",
    regionCode: "CA",
    city: "SAN FRANCISCO",
    rateCenter: "SNFC CNTRL",
    lata: 722,
    lead: "4153",
    count: 800,
  },
  {
    ...US_LOCAL,
    prefix: "212",
    region: "New York, UNITED STATES",
    regionCode: "NY",
    city: "NEW YORK",
    rateCenter: "NWYRCYZN01",
    lata: 132,
    lead: "2127",
    count: 800,
  },
  {
    ...US_LOCAL,
    prefix: "312",
    region: "Illinois, UNITED STATES",
    regionCode: "IL",
    city: "CHICAGO",
    rateCenter: "CHCGOZN1",
    lata: 358,
    lead: "3124",
    count: 600,
  },
  {
    ...US_LOCAL,
    prefix: "512",
    region: "Texas, UNITED STATES",
    regionCode: "TX",
    city: "AUSTIN",
    rateCenter: "AUSTIN",
    lata: 558,
    lead: "5126",
    count: 600,
  },
  {
    ...US_LOCAL,
    numberType: "tollfree",
    type: "tollfree",
    subType: "tollfree",
    prefix: "844",
    region: "UNITED STATES",
    regionCode: null,
    city: "UNITED STATES",
    rateCenter: null,
    lata: null,
    rentalRate: "1.00000",
    voiceRate: "0.01800",
    mmsEnabled: false,
    mmsRate: "0.00000",
    lead: "8443",
    count: 300,
  },
  {
    ...US_LOCAL,
    numberType: "tollfree",
    type: "tollfree",
    subType: "tollfree",
    prefix: "888",
    region: "UNITED STATES",
    regionCode: null,
    city: "UNITED STATES",
    rateCenter: null,
    lata: null,
    rentalRate: "1.00000",
    voiceRate: "0.01800",
    mmsEnabled: false,
    mmsRate: "0.00000",
    lead: "8885",
    count: 300,
  },
  {
    country: "GB",
    numberType: "local",
    type: "fixed",
    subType: "local",
    prefix: "20",
    region: "LONDON, UNITED KINGDOM",
    regionCode: null,
    city: "LONDON",
    rateCenter: null,
    lata: null,
    setupRate: "0.00000",
    rentalRate: "0.65000",
    voiceEnabled: true,
    voiceRate: "0.00300",
    smsEnabled: false,
    smsRate: "0.00000",
    mmsEnabled: false,
    mmsRate: "0.00000",
    restriction: null,
    restrictionText: null,
    lead: "203",
    digits: 7,
    count: 500,
  },
  {
    country: "GB",
    numberType: "local",
    type: "fixed",
    subType: "local",
    prefix: "161",
    region: "MANCHESTER, UNITED KINGDOM",
    regionCode: null,
    city: "MANCHESTER",
    rateCenter: null,
    lata: null,
    setupRate: "0.00000",
    rentalRate: "0.65000",
    voiceEnabled: true,
    voiceRate: "0.00300",
    smsEnabled: false,
    smsRate: "0.00000",
    mmsEnabled: false,
    mmsRate: "0.00000",
    restriction: null,
    restrictionText: null,
    lead: "1614",
    digits: 6,
    count: 300,
  },
  {
    country: "GB",
    numberType: "mobile",
    type: "mobile",
    subType: "mobile",
    prefix: "7",
    region: "UNITED KINGDOM",
    regionCode: null,
    city: "UNITED KINGDOM",
    rateCenter: null,
    lata: null,
    setupRate: "0.00000",
    rentalRate: "1.50000",
    voiceEnabled: true,
    voiceRate: "0.00500",
    smsEnabled: true,
    smsRate: "0.00450",
    mmsEnabled: false,
    mmsRate: "0.00000",
    restriction: null,
    restrictionText: null,
    lead: "7480",
    digits: 6,
    count: 400,
  },
  {
    country: "FR",
    numberType: "local",
    type: "fixed",
    subType: "local",
    prefix: "1",
    region: "PARIS, FRANCE",
    regionCode: null,
    city: "PARIS",
    rateCenter: null,
    lata: null,
    setupRate: "0.80000",
    rentalRate: "0.80000",
    voiceEnabled: true,
    voiceRate: "0.00700",
    smsEnabled: false,
    smsRate: "0.00000",
    mmsEnabled: false,
    mmsRate: "0.00000",
    restriction: "city-address",
    restrictionText: FR_DE_RESTRICTION,
    lead: "17",
    digits: 7,
    count: 300,
  },
  {
    country: "FR",
    numberType: "local",
    type: "fixed",
    subType: "local",
    prefix: "3",
    region: "AMIENS, FRANCE",
    regionCode: null,
    city: "AMIENS",
    rateCenter: null,
    lata: null,
    setupRate: "0.80000",
    rentalRate: "0.80000",
    voiceEnabled: true,
    voiceRate: "0.00700",
    smsEnabled: false,
    smsRate: "0.00000",
    mmsEnabled: false,
    mmsRate: "0.00000",
    restriction: "city-address",
    restrictionText: FR_DE_RESTRICTION,
    lead: "322",
    digits: 6,
    count: 300,
  },
  {
    country: "FR",
    numberType: "national",
    type: "fixed",
    subType: "national",
    prefix: "9",
    region: "FRANCE",
    regionCode: null,
    city: "FRANCE",
    rateCenter: null,
    lata: null,
    setupRate: "0.80000",
    rentalRate: "1.20000",
    voiceEnabled: true,
    voiceRate: "0.00700",
    smsEnabled: false,
    smsRate: "0.00000",
    mmsEnabled: false,
    mmsRate: "0.00000",
    restriction: "country-address",
    restrictionText: "This number requires proof of an address in France.",
    lead: "97",
    digits: 7,
    count: 200,
  },
  {
    country: "DE",
    numberType: "local",
    type: "fixed",
    subType: "local",
    prefix: "30",
    region: "BERLIN, GERMANY",
    regionCode: null,
    city: "BERLIN",
    rateCenter: null,
    lata: null,
    setupRate: "1.00000",
    rentalRate: "1.00000",
    voiceEnabled: true,
    voiceRate: "0.00600",
    smsEnabled: false,
    smsRate: "0.00000",
    mmsEnabled: false,
    mmsRate: "0.00000",
    restriction: "city-address",
    restrictionText: FR_DE_RESTRICTION,
    lead: "3080",
    digits: 6,
    count: 300,
  },
  {
    country: "DE",
    numberType: "local",
    type: "fixed",
    subType: "local",
    prefix: "89",
    region: "MUNICH, GERMANY",
    regionCode: null,
    city: "MUNICH",
    rateCenter: null,
    lata: null,
    setupRate: "1.00000",
    rentalRate: "1.00000",
    voiceEnabled: true,
    voiceRate: "0.00600",
    smsEnabled: false,
    smsRate: "0.00000",
    mmsEnabled: false,
    mmsRate: "0.00000",
    restriction: "city-address",
    restrictionText: FR_DE_RESTRICTION,
    lead: "8920",
    digits: 6,
    count: 200,
  },
  {
    country: "DE",
    numberType: "tollfree",
    type: "tollfree",
    subType: "tollfree",
    prefix: "800",
    region: "GERMANY",
    regionCode: null,
    city: "GERMANY",
    rateCenter: null,
    lata: null,
    setupRate: "5.00000",
    rentalRate: "10.00000",
    voiceEnabled: true,
    voiceRate: "0.04500",
    smsEnabled: false,
    smsRate: "0.00000",
    mmsEnabled: false,
    mmsRate: "0.00000",
    restriction: "country-address",
    restrictionText: "This number requires proof of an address in Germany.",
    lead: "8007",
    digits: 7,
    count: 100,
  },
];

function plivoCatalog(seed: number): PlivoGroup[] {
  const used = new Set<string>();
  return PLIVO_SPECS.map((spec, index) => {
    const country = PLIVO_COUNTRIES[spec.country];
    if (!country) throw new Error(`unknown Plivo country ${spec.country}`);
    let groupId = "";
    for (let attempt = 0; !groupId || used.has(groupId); attempt++) {
      groupId = `${1 + hashInt(9, seed, "plivo-group-lead", index, attempt)}${pad(hashInt(10 ** 13, seed, "plivo-group", index, attempt), 13)}`;
    }
    used.add(groupId);
    const { lead, digits, count, ...rest } = spec;
    const numbers = block(seed, `plivo-${index}`, lead, digits, count).map((n) => country.callingCode + n);
    return {
      ...rest,
      groupId,
      countryName: country.name,
      callingCode: country.callingCode,
      regulated: country.regulated,
      numbers,
    };
  });
}

// ---------------------------------------------------------------------------------------------------
// Apifonica

export type ApifonicaType = "local" | "mobile" | "toll_free";
export const APIFONICA_TYPES: readonly ApifonicaType[] = ["local", "mobile", "toll_free"];

export interface ApifonicaNumber {
  /** E.164 digits without "+", the form rented numbers carry. */
  digits: string;
  country: string;
  countryName: string;
  type: ApifonicaType;
  voice: boolean;
  messaging: boolean;
  setupPrice: string;
  monthlyPrice: string;
  currency: string;
}

export const APIFONICA_COUNTRIES: Record<string, { name: string; callingCode: string }> = {
  GB: { name: "United Kingdom", callingCode: "44" },
  IE: { name: "Ireland", callingCode: "353" },
  RU: { name: "Russia", callingCode: "7" },
  US: { name: "United States", callingCode: "1" },
};

const APIFONICA_SPECS: Array<{
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

function apifonicaCatalog(seed: number): ApifonicaNumber[] {
  const out: ApifonicaNumber[] = [];
  APIFONICA_SPECS.forEach((spec, index) => {
    const country = APIFONICA_COUNTRIES[spec.country];
    if (!country) throw new Error(`unknown Apifonica country ${spec.country}`);
    block(seed, `apifonica-${index}`, spec.lead, spec.digits, spec.count).forEach((national, i) => {
      // Locals: mostly voice-only, some with messaging, some messaging-only (as in the docs' example).
      const voice = spec.type !== "local" || i % 4 !== 3;
      const messaging = spec.type === "mobile" || (spec.type === "local" && i % 4 !== 1 && i % 4 !== 2);
      out.push({
        digits: country.callingCode + national,
        country: spec.country,
        countryName: country.name,
        type: spec.type,
        voice,
        messaging,
        setupPrice: spec.setup,
        monthlyPrice: spec.monthly,
        currency: "EUR",
      });
    });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------

export interface PlivoNumberRef {
  group: PlivoGroup;
  index: number;
}

/** The whole catalog with lookup indexes. */
export class Catalog {
  readonly exotel: ExotelNumber[];
  readonly exotelByE164 = new Map<string, ExotelNumber>();
  readonly plivoGroups: PlivoGroup[];
  readonly plivoGroupById = new Map<string, PlivoGroup>();
  readonly plivoByNumber = new Map<string, PlivoNumberRef>();
  readonly apifonica: ApifonicaNumber[];
  readonly apifonicaByDigits = new Map<string, ApifonicaNumber>();

  constructor(readonly seed: number) {
    this.exotel = exotelCatalog(seed);
    for (const n of this.exotel) this.exotelByE164.set(n.e164, n);
    this.plivoGroups = plivoCatalog(seed);
    for (const g of this.plivoGroups) {
      this.plivoGroupById.set(g.groupId, g);
      g.numbers.forEach((n, index) => {
        this.plivoByNumber.set(n, { group: g, index });
      });
    }
    this.apifonica = apifonicaCatalog(seed);
    for (const n of this.apifonica) this.apifonicaByDigits.set(n.digits, n);
  }
}

/** A stable fingerprint of the catalog, stored in the state file to detect a seed mismatch. */
export function catalogFingerprint(seed: number): string {
  return hashHex("catalog-v1", seed).slice(0, 16);
}
