/**
 * The provider module: what every resource's `__provider` shim loads at call time (see sdk/shim.ts).
 *
 * `provider(kind)` is a permanent contract. State written by any earlier version names its kind and
 * calls these methods, so kinds are never renamed or removed, and each implementation must accept
 * the outputs every earlier version wrote.
 */
import type * as pulumi from "@pulumi/pulumi";
import { apifonicaApplicationProvider } from "./apifonica/application.js";
import { apifonicaNumberProvider } from "./apifonica/number.js";
import { exoPhoneProvider } from "./exotel/exophone.js";
import { plivoNumberOrderProvider } from "./plivo/number-order.js";

/** The dynamic-provider methods the shim delegates to, for one resource kind. */
export type KindProvider = Required<
  Pick<pulumi.dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete">
> & {
  configure(req: pulumi.dynamic.ConfigureRequest): Promise<void>;
};

const kinds: Record<string, KindProvider> = {
  exophone: exoPhoneProvider,
  "plivo-number-order": plivoNumberOrderProvider,
  "apifonica-number": apifonicaNumberProvider,
  "apifonica-application": apifonicaApplicationProvider,
};

/** The implementation behind a resource kind; throws a clear error for a kind this version lacks. */
export function provider(kind: string): KindProvider {
  const impl = kinds[kind];
  if (!impl) {
    throw new Error(
      `pulumi-phone-numbers: this installed version has no resource kind "${kind}". ` +
        "The stack's state was written by a newer version of the package; install that version (npm install pulumi-phone-numbers@latest) and run again.",
    );
  }
  return impl;
}

export { setConfigSource } from "./core/config.js";
