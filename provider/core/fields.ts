/**
 * A kind's fields, each declared once in its schema module's field table: its validation, its diff
 * rule, how it travels to and from the vendor (the form field a write sends, the answer's key),
 * whether state reports it and whether an inventory export carries it. The check, the diff, the
 * update patch, the client's bodies and answer schema, the outputs and the SDK's Args and outputs are
 * computed from the table.
 *
 * Plain TypeScript: no zod type appears in these declarations, nor in a table built with `field`, so
 * the SDK's public types can be derived from a table without zod's declaration files reaching a
 * consumer's type check (they fail without `skipLibCheck` under `moduleResolution: node`). The zod
 * object of a table is built by `inputSchemaOf` (provider/core/field-schema.ts).
 */
import { type Echoes, throughEchoes } from "./echoes.js";

/** One field's diff rule: how a change of it is applied. */
export interface FieldRule {
  /** A change replaces the resource (a new number is bought) instead of updating it in place. */
  readonly replace?: boolean;
  /** Replacement releases the old number before buying the new one. */
  readonly deleteBeforeReplace?: boolean;
  /** Whether the new value is already satisfied by the stored/live state. Default: deep equality. */
  readonly satisfied?: (news: Record<string, unknown>, olds: Record<string, unknown>) => boolean;
}

/** Diff rules by input key. */
export type FieldRules = Record<string, FieldRule>;

/**
 * What the field table's types read of a validator: the Standard Schema `~standard.types` every zod 4
 * schema carries, so a table entry keeps its value types without naming zod.
 */
export interface Validator<I = unknown, O = I> {
  /** The Standard Schema properties (only their types are read). */
  readonly "~standard": { readonly types?: { readonly input: I; readonly output: O } | undefined };
}

/** How an in-place field travels: the form field of the rent and update bodies, the answer's key. */
export interface Wire {
  /** The request body's form field, e.g. `VoiceUrl`. */
  readonly form: string;
  /** The vendor's answer key, e.g. `voice_url` (a string, or null when unset). */
  readonly answer: string;
}

/** A field's declaration besides its validator. */
export interface FieldOptions {
  /** Its diff rule; a field without one is read at creation only (a change of it changes nothing). */
  readonly rule?: FieldRule;
  /** For an in-place field: its wire names (it is written on rent and update, read from answers). */
  readonly wire?: Wire;
  /** State reports it under the same key (the answer's value; null when unset). Needs `wire`. */
  readonly output?: boolean;
  /** An inventory export (`phone-numbers inventory export`) carries it. */
  readonly exported?: boolean;
  /** The vendor may store another form than it was sent (a URL): the pair is kept (provider/core/echoes.ts). */
  readonly echoes?: boolean;
}

/** One field of a table. */
export type Field<I = unknown, O = I> = FieldOptions & { readonly check: Validator<I, O> };

/** A field table: the kind's inputs, in schema order. */
export type Fields = Readonly<Record<string, Field>>;

/** Declares a field: its validator (a zod schema) and its options, keeping their literal types. */
export function field<I, O, const X extends FieldOptions = FieldOptions>(
  check: Validator<I, O>,
  options?: X,
): { readonly check: Validator<I, O> } & X {
  return { check, ...options } as { readonly check: Validator<I, O> } & X;
}

/** The rule of a search criterion: a change replaces the number unless the held one `satisfied` it. */
export function criterion(
  satisfied: (news: Record<string, unknown>, olds: Record<string, unknown>) => boolean,
): FieldRule {
  return { replace: true, satisfied };
}

/** The value type a field's validator takes (`undefined` included for an optional field). */
export type InputOf<F> = F extends { readonly check: Validator<infer I, unknown> } ? I : never;
/** The value type a field's validator gives (after its transforms). */
export type ValueOf<F> = F extends { readonly check: Validator<unknown, infer O> } ? O : never;

/** The checked inputs of a table (what the provider's CRUD works on). */
export type ValuesOf<T> = { [K in keyof T]?: ValueOf<T[K]> };

/** The keys of a table's fields that have wire names. */
export type WireKeys<T> = { [K in keyof T]: T[K] extends { readonly wire: Wire } ? K : never }[keyof T];
/** The keys of a table's fields that state reports. */
export type OutputKeys<T> = { [K in keyof T]: T[K] extends { readonly output: true } ? K : never }[keyof T];

/** A field's value as written to the vendor and reported back (never undefined). */
type Written<F> = Exclude<ValueOf<F>, undefined>;

/** The outputs a table declares: each output field's value, null when the vendor holds none. */
export type FieldOutputs<T> = { [K in keyof Pick<T, OutputKeys<T>>]: Written<T[K]> | null };
/** The in-place values a rent sends (absent: not sent). */
export type WireValues<T> = { [K in keyof Pick<T, WireKeys<T>>]?: Written<T[K]> };
/** A partial update: absent keeps a field, null clears it. */
export type WirePatch<T> = { [K in keyof Pick<T, WireKeys<T>>]?: Written<T[K]> | null };
/** The answer's keys of the in-place fields, as the vendor answers them. */
export type WireAnswer<T> = {
  [K in WireKeys<T> as T[K] extends { readonly wire: { readonly answer: infer A extends string } }
    ? A
    : never]: Written<T[K]> | null;
};

function entries(fields: Fields): [string, Field][] {
  return Object.entries(fields);
}

/** The diff rules of a table (fields without a rule are not diffed). */
export function rulesOf(fields: Fields): FieldRules {
  return Object.fromEntries(entries(fields).flatMap(([k, f]) => (f.rule ? [[k, f.rule]] : [])));
}

/** The keys of the fields an inventory export carries. */
export function exportedOf(fields: Fields): string[] {
  return entries(fields).flatMap(([k, f]) => (f.exported ? [k] : []));
}

/**
 * The live values of a table's exported fields in a vendor's answer, under the inputs' names: what an
 * inventory export writes (a new exported field needs no edit of the export).
 */
export function exportedLive(fields: Fields, answer: object): Record<string, unknown> {
  const a = answer as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of exportedOf(fields)) {
    const answerKey = fields[key]?.wire?.answer;
    if (answerKey !== undefined) out[key] = a[answerKey];
  }
  return out;
}

/** The keys of the output fields, in table order. */
export function outputKeysOf<T extends Fields>(fields: T): OutputKeys<T>[] {
  return entries(fields).flatMap(([k, f]) => (f.output && f.wire ? [k] : [])) as OutputKeys<T>[];
}

/**
 * The form fields of a write: each in-place value under its wire name, `encode`d (undefined omits
 * the field). Values with no wire name are not sent.
 */
export function formOf(
  fields: Fields,
  values: Record<string, unknown>,
  encode: (value: unknown) => string | undefined = (v) => (typeof v === "string" ? v : undefined),
): Record<string, string | undefined> {
  const form: Record<string, string | undefined> = {};
  for (const [k, f] of entries(fields)) if (f.wire) form[f.wire.form] = encode(values[k]);
  return form;
}

/** The in-place values as the vendor would answer them (null when unset): a record made up locally. */
export function answerOf<T extends Fields>(fields: T, values: Record<string, unknown>): WireAnswer<T> {
  const answer: Record<string, unknown> = {};
  for (const [k, f] of entries(fields)) if (f.wire) answer[f.wire.answer] = values[k] ?? null;
  return answer as WireAnswer<T>;
}

/** The values of the echoing fields a write sent (the keys echoes are recorded under). */
export function echoedOf(fields: Fields, sent: Record<string, unknown>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [k, f] of entries(fields)) {
    const v = sent[k];
    if (f.echoes && (typeof v === "string" || v === null)) out[k] = v;
  }
  return out;
}

/** The echoing fields' values in an answer, by input key (undefined: the answer left it out). */
export function echoedLive(fields: Fields, answer: object): Record<string, string | null | undefined> {
  const a = answer as Record<string, unknown>;
  const out: Record<string, string | null | undefined> = {};
  for (const [k, f] of entries(fields)) if (f.echoes && f.wire) out[k] = a[f.wire.answer] as string | null;
  return out;
}

/**
 * The output fields from an answer: the answer's value (through the echoes for an echoing field), or,
 * when an abridged answer leaves it out, the last known value (`previous`), else null.
 */
export function fieldOutputsOf<T extends Fields>(
  fields: T,
  answer: object,
  previous: Record<string, unknown>,
  echoes: Echoes,
): FieldOutputs<T> {
  const a = answer as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of outputKeysOf(fields) as string[]) {
    const f = fields[key] as Field;
    const live = a[f.wire?.answer ?? ""] as string | null | undefined;
    if (live === undefined) out[key] = previous[key] ?? null;
    else out[key] = f.echoes ? throughEchoes(echoes, key, live) : live;
  }
  return out as FieldOutputs<T>;
}

// ---- Tables with required inputs and JSON bodies (PlivoNumberOrder) ----

/** The keys of a table's fields whose validator does not take `undefined` (required inputs). */
export type RequiredKeysOf<T> = { [K in keyof T]: undefined extends InputOf<T[K]> ? never : K }[keyof T];

/** The checked inputs of a table whose required fields stay required (as the zod object gives them). */
export type CheckedOf<T> = { [K in Exclude<keyof T, RequiredKeysOf<T>>]?: ValueOf<T[K]> } & {
  [K in RequiredKeysOf<T>]: ValueOf<T[K]>;
};

/** The keys of a table's fields with wire names, in table order. */
export function wireKeysOf<T extends Fields>(fields: T): WireKeys<T>[] {
  return entries(fields).flatMap(([k, f]) => (f.wire ? [k] : [])) as WireKeys<T>[];
}

/**
 * The JSON body of a write: each in-place value under its wire name (`wire.form` is the body's key),
 * `encode`d (an undefined value is left out of the JSON). Values with no wire name are not sent.
 */
export function jsonOf<V = unknown>(
  fields: Fields,
  values: Record<string, unknown>,
  encode: (value: unknown) => V = (v) => v as V,
): Record<string, V> {
  const body: Record<string, V> = {};
  for (const [k, f] of entries(fields)) if (f.wire) body[f.wire.form] = encode(values[k]);
  return body;
}
