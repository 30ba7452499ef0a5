/**
 * ApifonicaApplication's declaration, without any client: its input schema, outputs and diff rules
 * (read by provider/registry.ts, the SDK's inventory and the provider).
 */
import { z } from "zod";
import { httpUrl, nonEmpty, oneOf } from "../core/check.js";
import type { FieldRules } from "../core/diff.js";

export const apifonicaApplicationInputs = z.strictObject({
  controller: httpUrl(),
  method: oneOf(["GET", "POST"]),
  name: nonEmpty(100).optional(),
  events: z
    .string()
    .regex(/^(none|all|[a-z_]+(\|[a-z_]+)*)$/, {
      error:
        'is not a list of events; allowed: "none", "all" or event names joined by "|", such as "answered|completed"',
    })
    .optional(),
});
export type ApifonicaApplicationInputs = z.infer<typeof apifonicaApplicationInputs>;

/** What state holds (a type, not an interface: it passes as props without a cast). */
export type ApifonicaApplicationOutputs = {
  stateVersion: number;
  applicationSid: string;
  controller: string;
  method: string;
  name: string | null;
  events: string | null;
};

/** The outputs the ApifonicaApplication class declares (state keys besides the internal ones). */
export const APIFONICA_APPLICATION_OUTPUTS = [
  "applicationSid",
  "controller",
  "method",
  "name",
  "events",
] as const satisfies readonly (keyof ApifonicaApplicationOutputs)[];

/** Every field updates in place. */
export const apifonicaApplicationRules: FieldRules = { controller: {}, method: {}, name: {}, events: {} };
