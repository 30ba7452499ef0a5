/**
 * The zod object of a field table (provider/core/fields.ts): the validators of its fields, strict (an
 * unknown key is an error), typed from the table so the registry keeps each kind's input types.
 */
import { z } from "zod";
import type { Fields, InputOf, ValueOf } from "./fields.js";

/** The zod schema of one field: optional when its validator takes `undefined`. */
type SchemaOfField<F> =
  undefined extends InputOf<F>
    ? z.ZodOptional<z.ZodType<Exclude<ValueOf<F>, undefined>, Exclude<InputOf<F>, undefined>>>
    : z.ZodType<ValueOf<F>, InputOf<F>>;

/** The strict zod object of a field table. */
export type SchemaOf<T extends Fields> = z.ZodObject<
  { -readonly [K in keyof T]: SchemaOfField<T[K]> },
  z.core.$strict
>;

/** The strict zod object of a table's validators, in table order. */
export function inputSchemaOf<T extends Fields>(fields: T): SchemaOf<T> {
  const shape = Object.fromEntries(
    Object.entries(fields).map(([k, f]) => [k, f.check as unknown as z.ZodType]),
  );
  return z.strictObject(shape) as unknown as SchemaOf<T>;
}
