/**
 * Input validation shared by every resource's `check`: a zod schema per resource, every problem
 * reported at once as `{ property, reason }`, values not yet known in a preview let through.
 */
import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from "libphonenumber-js";
import { z } from "zod";

/** The value Pulumi sends during preview for inputs computed from other resources. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface CheckFailure {
  property: string;
  reason: string;
}

export type Props = Record<string, unknown>;

export function isUnknown(v: unknown): boolean {
  return v === UNKNOWN;
}

/** Paths (dotted) of every unknown value in a props bag. */
function unknownPaths(value: unknown, path: string[] = [], out: string[][] = []): string[][] {
  if (value === UNKNOWN) out.push(path);
  else if (value && typeof value === "object") {
    // Arrays too: their entries are keyed "0", "1", ...
    for (const [k, v] of Object.entries(value)) unknownPaths(v, [...path, k], out);
  }
  return out;
}

function withoutUnknowns(value: unknown): unknown {
  if (value === UNKNOWN) return undefined;
  if (Array.isArray(value)) return value.map(withoutUnknowns);
  if (value && typeof value === "object") {
    const out: Props = {};
    for (const [k, v] of Object.entries(value)) {
      const w = withoutUnknowns(v);
      if (w !== undefined) out[k] = w;
    }
    return out;
  }
  return value;
}

function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "string") return `the string ${JSON.stringify(v)}`;
  if (typeof v === "object") return "an object";
  return `${typeof v} ${String(v)}`;
}

function at(obj: unknown, path: PropertyKey[]): unknown {
  let cur = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

function dotted(path: PropertyKey[]): string {
  return path.map(String).join(".");
}

/** How a zod type name reads in a message, and what it allows. */
const TYPE_WORDS: Record<string, { is: string; allowed: string }> = {
  int: { is: "a whole number", allowed: "a whole number" },
  number: { is: "a number", allowed: "a number" },
  string: { is: "a string", allowed: "a string" },
  boolean: { is: "a boolean", allowed: "true or false" },
  array: { is: "a list", allowed: "a list" },
  object: { is: "a mapping", allowed: "a mapping of fields" },
};

/** zod's own wording ("Invalid input: expected int, received number"), which the schemas replace. */
function isZodDefault(message: string): boolean {
  return message.startsWith("Invalid input") || message === "Invalid input";
}

/** `what; allowed: x` becomes `what, got <value>; allowed: x`: what was wrong before what is allowed. */
function withValue(message: string, value: unknown): string {
  const got = `, got ${describe(value)}`;
  const at = message.indexOf("; allowed:");
  return at < 0 ? `${message}${got}` : `${message.slice(0, at)}${got}${message.slice(at)}`;
}

/**
 * Maps zod issues to check failures with dotted paths (`numbers.1`). Schemas carry their own
 * messages; missing fields and values of the wrong type are worded here, with the schema's own
 * message when it has one (`quantity: 2.5` reads "must be a whole number, got number 2.5; allowed:
 * 1 to 100", not zod's "expected int").
 */
export function failuresFrom(error: z.ZodError, input: unknown, allowedKeys: string[]): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        failures.push({
          property: dotted([...issue.path, key]),
          reason: `unknown field; allowed fields: ${allowedKeys.join(", ")}`,
        });
      }
      continue;
    }
    const value = at(input, issue.path);
    let reason = issue.message;
    if (issue.code === "invalid_type") {
      const words = TYPE_WORDS[issue.expected] ?? {
        is: `a ${issue.expected}`,
        allowed: `a ${issue.expected}`,
      };
      const own = isZodDefault(issue.message) ? undefined : issue.message;
      if (value === undefined)
        reason = own ? `is required; ${own}` : `is required; allowed: ${words.allowed}`;
      else reason = withValue(own ?? `must be ${words.is}; allowed: ${words.allowed}`, value);
    }
    failures.push({ property: dotted(issue.path) || "(inputs)", reason });
  }
  return failures;
}

/**
 * The engine prints a failure as `property <p> value {<inputs[p]>} has a problem: <reason>`, looking
 * `p` up among the top-level inputs only: a nested path would print `numbers.0 value {<nil>}`. So a
 * nested failure is reported on its top-level field, the exact place leading the reason:
 * `numbers[1]: the string "+4420..." is a GB number; ...`.
 */
export function onTopLevelField(f: CheckFailure): CheckFailure {
  const [top, ...rest] = f.property.split(".");
  if (rest.length === 0 || top === undefined) return f;
  const place = rest.map((k) => (/^\d+$/.test(k) ? `[${k}]` : `.${k}`)).join("");
  return { property: top, reason: `${top}${place}: ${f.reason}` };
}

/**
 * Validates `news` against `schema`. Keys starting with `__` (the provider text) are passed through;
 * unknown preview values are not validated and are returned as they came.
 */
export function checkWith<S extends z.ZodObject>(
  schema: S,
  news: Props,
  crossCheck?: (own: Props) => CheckFailure[],
): { inputs: Props; failures: CheckFailure[] } {
  const meta: Props = {};
  const own: Props = {};
  for (const [k, v] of Object.entries(news)) (k.startsWith("__") ? meta : own)[k] = v;
  const unknowns = unknownPaths(own).map(dotted);
  const known = withoutUnknowns(own) as Props;
  const result = schema.safeParse(known);
  const failures = [
    ...(result.success ? [] : failuresFrom(result.error, own, Object.keys(schema.shape))),
    ...(crossCheck ? crossCheck(known) : []),
  ].filter((f) => !unknowns.some((u) => f.property === u || f.property.startsWith(`${u}.`)));
  if (failures.length > 0 || !result.success)
    return { inputs: news, failures: failures.map(onTopLevelField) };
  const inputs: Props = { ...(result.data as Props) };
  for (const [k, v] of Object.entries(own))
    if (unknowns.some((u) => u === k || u.startsWith(`${k}.`))) inputs[k] = v;
  return { inputs: { ...inputs, ...meta }, failures: [] };
}

/** Props without the host's `__`-prefixed keys. */
export function stripMeta(props: Props): Props {
  return Object.fromEntries(Object.entries(props).filter(([k]) => !k.startsWith("__")));
}

// ---- field builders with messages that say what is allowed ----

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const allowed = values.map((v) => JSON.stringify(v)).join(", ");
  return z.enum(values, {
    error: (iss) =>
      iss.input === undefined
        ? `is required; allowed: ${allowed}`
        : `${describe(iss.input)} is not allowed; allowed: ${allowed}`,
  });
}

export function httpUrl() {
  return z.string().refine(
    (v) => {
      try {
        const u = new URL(v);
        return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
      } catch {
        return false;
      }
    },
    {
      error: (iss) =>
        `${describe(iss.input)} is not an http(s) URL; allowed: a URL such as https://example.com/voice`,
    },
  );
}

/** ISO 3166-1 alpha-2 country code with a telephone numbering plan; normalised to upper case. */
export function isoCountry() {
  return z
    .string()
    .transform((v) => v.toUpperCase())
    .refine((v) => /^[A-Z]{2}$/.test(v) && isSupportedCountry(v as CountryCode), {
      error: (iss) =>
        `${describe(iss.input)} is not an ISO 3166-1 alpha-2 country code; allowed: two letters such as "IN", "US", "GB"`,
    });
}

/** What a number parses to: its E.164 form when possible, and its country. */
interface Parsed {
  e164: string | undefined;
  country: string | undefined;
}

/**
 * Numbers parsed before (by value and default country): a create parses the same numbers many times
 * (candidates, list items, its own), and each parse allocates about 30 KB of libphonenumber-js
 * objects. Emptied when it reaches its bound, so it holds at most a few hundred KB of strings.
 */
const PARSED = new Map<string, Parsed>();
const MAX_PARSED = 20_000;

function parsed(value: string, defaultCountry?: string): Parsed {
  const key = defaultCountry ? `${defaultCountry}:${value}` : value;
  let p = PARSED.get(key);
  if (p === undefined) {
    const n = parsePhoneNumberFromString(
      value,
      defaultCountry ? { defaultCountry: defaultCountry as CountryCode } : undefined,
    );
    p = { e164: n?.isPossible() ? n.number : undefined, country: n?.country };
    if (PARSED.size >= MAX_PARSED) PARSED.clear();
    PARSED.set(key, p);
  }
  return p;
}

/**
 * A phone number parsed with libphonenumber-js and normalised to E.164. National forms are read in
 * `defaultCountry` when given.
 */
export function toE164(value: string, defaultCountry?: string): string | undefined {
  return parsed(value, defaultCountry).e164;
}

/** The country (ISO 3166-1 alpha-2) of an international number, with or without its `+`. */
export function countryOf(v: string): string | undefined {
  return parsed(withPlus(v)).country;
}

/** Vendors write international numbers with or without the `+` (Plivo and Apifonica drop it). */
export function withPlus(v: string): string {
  return v.startsWith("+") ? v : `+${v}`;
}

/** An international number, with or without its `+`, in E.164; undefined when it is not possible. */
export function e164Of(v: string): string | undefined {
  return toE164(withPlus(v));
}

export function phoneNumber(what = "phone number") {
  return z.string().refine((v) => e164Of(v) !== undefined, {
    error: (iss) =>
      `${describe(iss.input)} is not a possible ${what}; allowed: E.164 such as "+918047091234"`,
  });
}

export function digits(maxLength: number) {
  return z.string().regex(new RegExp(`^\\d{1,${maxLength}}$`), {
    error: (iss) =>
      `${describe(iss.input)} is not 1 to ${maxLength} digits; allowed: 1 to ${maxLength} digits 0-9`,
  });
}

export function nonEmpty(max = 200) {
  return z
    .string()
    .min(1, { error: `must not be empty; allowed: 1 to ${max} characters` })
    .max(max, {
      error: (iss) =>
        `${describe(iss.input)} is longer than ${max} characters; allowed: 1 to ${max} characters`,
    });
}

/** The country an international number belongs to (ISO code); undefined for non-geographic numbers. */
export function countryOfNumber(v: string): string | undefined {
  return parsePhoneNumberFromString(withPlus(v))?.country;
}

/**
 * The rules every resource shares: an exact number excludes search criteria, `adopt` needs the exact
 * number (it takes over a number the account already holds), and, given `country`, the exact number
 * belongs to the country field's value (or its default).
 */
export function exactOrSearch(
  raw: Props,
  exact: string,
  criteria: string[],
  country?: { field: string; default?: string },
): CheckFailure[] {
  const failures: CheckFailure[] = [];
  if (raw[exact] !== undefined) {
    for (const f of criteria) {
      if (raw[f] !== undefined) {
        failures.push({
          property: f,
          reason: `cannot be combined with ${exact}; allowed: ${exact}, or search criteria (${criteria.join(", ")})`,
        });
      }
    }
  }
  if (raw.adopt === true && raw[exact] === undefined) {
    failures.push({
      property: "adopt",
      reason: `needs ${exact}; allowed: adopt: true together with the exact ${exact} the account already holds`,
    });
  }
  const number = raw[exact];
  const given = country ? raw[country.field] : undefined;
  const expected =
    typeof given === "string" ? given.toUpperCase() : given === undefined ? country?.default : undefined;
  const actual = typeof number === "string" ? countryOfNumber(number) : undefined;
  if (country && expected && actual && actual !== expected) {
    const defaulted = given === undefined ? ` (${country.field} is unset: it defaults to "${expected}")` : "";
    failures.push({
      property: exact,
      reason: `${JSON.stringify(number)} is a number of ${actual}, not of ${expected}${defaulted}; allowed: a number of ${expected}, or ${country.field}: "${actual}" with this number`,
    });
  }
  return failures;
}
