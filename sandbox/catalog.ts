/**
 * The deterministic catalog of numbers for sale, per vendor. Everything derives from the seed: the same
 * seed gives the same numbers, group ids and order. A few thousand numbers per vendor are generated
 * eagerly at start (a few milliseconds); availability (rented, reserved, quarantined) lives in the state.
 * The tables they are generated from are in `catalog-data.ts`.
 */
import {
  APIFONICA_COUNTRIES,
  APIFONICA_SPECS,
  CIRCLES,
  EXOTEL_COUNTRIES,
  EXOTEL_MY_BLOCKS,
  EXOTEL_PRICES,
  PLIVO_COUNTRIES,
  PLIVO_SPECS,
  type PlivoGroupSpec,
} from "./catalog-data.js";
import { hashInt, pad } from "./util.js";

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

/** The catalog entries of one block of national numbers (`trunk`: the national form has a leading 0). */
function exotelEntries(
  country: string,
  region: string,
  type: ExotelType,
  nationals: string[],
  trunk: boolean,
): ExotelNumber[] {
  const prices = EXOTEL_PRICES[`${country}:${type}`];
  const c = EXOTEL_COUNTRIES.find((x) => x.code === country);
  if (!prices || !c) throw new Error(`no prices for ${country} ${type}`);
  const india = country === "IN";
  return nationals.map((national, i) => {
    const vanity = india && i % 40 === 13;
    return {
      e164: `+${c.callingCode}${national}`,
      nationalForm: trunk ? `0${national}` : national,
      country,
      region,
      type,
      sms: type === "Mobile" ? india : type === "Landline" && india && i % 2 === 0,
      vanity,
      oneTimePrice: vanity ? "1500.000000" : prices.oneTime,
      rentalPrice: prices.rental,
      incomingRate: prices.incomingRate,
      incomingPulse: "60",
      currency: c.currency,
    };
  });
}

/** India: per circle a landline, a mobile and a toll-free block (all landlines first); then Malaysia. */
function exotelCatalog(seed: number): ExotelNumber[] {
  const mobileLead = String(6 + hashInt(4, seed, "exotel-mobile-lead"));
  const india = (
    type: ExotelType,
    trunk: boolean,
    nationals: (c: (typeof CIRCLES)[number], ci: number) => string[],
  ) => CIRCLES.flatMap((c, ci) => exotelEntries("IN", c.code, type, nationals(c, ci), trunk));
  return [
    ...india("Landline", true, (c) =>
      block(seed, `exotel-ll-${c.code}`, `${c.area}4`, 10 - c.area.length - 1, 150),
    ),
    ...india("Mobile", true, (c, ci) =>
      block(seed, `exotel-mob-${c.code}`, `${mobileLead}${pad(ci, 2)}`, 7, 100),
    ),
    ...india("TollFree", false, (c, ci) => block(seed, `exotel-tf-${c.code}`, `1800${pad(ci, 2)}`, 4, 20)),
    ...EXOTEL_MY_BLOCKS.flatMap((b) =>
      exotelEntries("MY", "MY", b.type, block(seed, b.key, b.lead, b.digits, b.count), true),
    ),
  ];
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

/** A 14-digit group id not used yet (a collision draws again). */
function plivoGroupId(seed: number, index: number, used: Set<string>): string {
  let groupId = "";
  for (let attempt = 0; !groupId || used.has(groupId); attempt++) {
    groupId = `${1 + hashInt(9, seed, "plivo-group-lead", index, attempt)}${pad(hashInt(10 ** 13, seed, "plivo-group", index, attempt), 13)}`;
  }
  used.add(groupId);
  return groupId;
}

function plivoGroup(seed: number, spec: PlivoGroupSpec, index: number, used: Set<string>): PlivoGroup {
  const country = PLIVO_COUNTRIES[spec.country];
  if (!country) throw new Error(`unknown Plivo country ${spec.country}`);
  const groupId = plivoGroupId(seed, index, used);
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
}

function plivoCatalog(seed: number): PlivoGroup[] {
  const used = new Set<string>();
  return PLIVO_SPECS.map((spec, index) => plivoGroup(seed, spec, index, used));
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

function apifonicaCatalog(seed: number): ApifonicaNumber[] {
  return APIFONICA_SPECS.flatMap((spec, index) => {
    const country = APIFONICA_COUNTRIES[spec.country];
    if (!country) throw new Error(`unknown Apifonica country ${spec.country}`);
    return block(seed, `apifonica-${index}`, spec.lead, spec.digits, spec.count).map((national, i) => ({
      digits: country.callingCode + national,
      country: spec.country,
      countryName: country.name,
      type: spec.type,
      // Locals: mostly voice-only, some with messaging, some messaging-only (as in the docs' example).
      voice: spec.type !== "local" || i % 4 !== 3,
      messaging: spec.type === "mobile" || (spec.type === "local" && i % 4 !== 1 && i % 4 !== 2),
      setupPrice: spec.setup,
      monthlyPrice: spec.monthly,
      currency: "EUR",
    }));
  });
}

// ---------------------------------------------------------------------------------------------------

/** The catalog entry of a rented number; a number from another seed's state is an error. */
export function catalogEntry<T>(index: ReadonlyMap<string, T>, number: string, vendor: string): T {
  const entry = index.get(number);
  if (!entry)
    throw new Error(`rented ${vendor} number ${number} is not in the catalog (state from another seed?)`);
  return entry;
}

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
