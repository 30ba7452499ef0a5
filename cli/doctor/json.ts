/** Reading the vendors' JSON answers without trusting their shape, for the doctor's notes. */

/** A JSON value as parsed from an answer. */
export type Json = unknown;

/** A value as JSON, cut to 60 characters. */
export function shortJson(value: Json): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}...` : text;
}

/** Whether a JSON value is an object (not an array). */
export const isObj = (v: Json): v is Record<string, Json> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
/** The array at `key` of an object, or none. */
export const listOf = (v: Json, key: string): Json[] =>
  isObj(v) && Array.isArray(v[key]) ? (v[key] as Json[]) : [];
/** A string or number as a string. */
export const str = (v: Json): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
/** A number without its leading `+`. */
export const digitsOf = (n: string) => n.replace(/^\+/, "");
