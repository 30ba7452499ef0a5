/**
 * ApifonicaApplication's declaration, without any client: its field table, outputs and diff rules
 * (read by provider/registry.ts, the SDK's inventory and the provider).
 */
import { z } from "zod";
import { httpUrl, nonEmpty, oneOf } from "../core/check.js";
import { type CheckedOf, type FieldOutputs, field, outputKeysOf, rulesOf } from "../core/fields.js";

/**
 * Every ApifonicaApplication input, declared once: its validation, its diff rule (every field updates
 * in place) and its Apifonica wire names (`form`: the key of the create and update JSON bodies;
 * `answer`: the application record's key), and whether state reports it under the same key
 * (`output`: the record's value, null when unset). The TSDoc of each entry is the field's
 * documentation in the SDK (`ApifonicaApplicationArgs`, and the output of the same name).
 */
export const APIFONICA_APPLICATION_FIELDS = {
  /** The http(s) URL Apifonica calls for events (XML instructions for calls, message events). Lifecycle: updated **in place**. */
  controller: field(httpUrl(), {
    rule: {},
    // Not `output`: state reports it as the record's string (ApifonicaApplicationOutputs).
    wire: { form: "controller", answer: "controller" },
  }),
  /** `GET` (event data as URL parameters) or `POST` (form-encoded). Lifecycle: updated **in place**. */
  method: field(oneOf(["GET", "POST"]), { rule: {}, wire: { form: "method", answer: "method" } }),
  /** A name for the application (as an output: its name, null when none). Lifecycle: updated **in place**. */
  name: field(nonEmpty(100).optional(), { rule: {}, wire: { form: "name", answer: "name" }, output: true }),
  /** Which events are sent: `none` (default), `all`, or names joined by `|` such as `answered|completed` (as an output: the events sent). Lifecycle: updated **in place**. */
  events: field(
    z
      .string()
      .regex(/^(none|all|[a-z_]+(\|[a-z_]+)*)$/, {
        error:
          'is not a list of events; allowed: "none", "all" or event names joined by "|", such as "answered|completed"',
      })
      .optional(),
    { rule: {}, wire: { form: "events", answer: "events" }, output: true },
  ),
};

/** The checked inputs of an ApifonicaApplication (`controller` and `method` are required). */
export type ApifonicaApplicationInputs = CheckedOf<typeof APIFONICA_APPLICATION_FIELDS>;

/**
 * What state holds (a type, not an interface: it passes as props without a cast); `name` and `events`
 * come from {@link APIFONICA_APPLICATION_FIELDS}. The TSDoc of each property is the SDK output's
 * documentation.
 */
export type ApifonicaApplicationOutputs = {
  /** The version of this state's layout. */
  stateVersion: number;
  /** Apifonica's id of the application; link numbers to it. */
  applicationSid: string;
  /** The controller URL (live value). */
  controller: string;
  /** The controller's HTTP method. */
  method: string;
} & FieldOutputs<typeof APIFONICA_APPLICATION_FIELDS>;

/** The outputs the ApifonicaApplication class declares (state keys besides the internal ones). */
export const APIFONICA_APPLICATION_OUTPUTS = [
  "applicationSid",
  "controller",
  "method",
  ...outputKeysOf(APIFONICA_APPLICATION_FIELDS),
] as const satisfies readonly (keyof ApifonicaApplicationOutputs)[];

/** Every field updates in place. */
export const apifonicaApplicationRules = rulesOf(APIFONICA_APPLICATION_FIELDS);
