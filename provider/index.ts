/**
 * The provider module: what every resource's `__provider` shim loads at call time (see sdk/shim.ts).
 *
 * `provider(kind)` is a permanent contract. State written by any earlier version names its kind and
 * calls these methods (older shims one by one; the current shim copies them onto its own object, so
 * none may depend on `this`), so kinds are never renamed or removed, and each implementation must
 * accept the outputs every earlier version wrote.
 *
 * The kinds are the registry's (provider/registry.ts). A kind's implementation (its client and
 * resource logic) is imported the first time the kind is called, so a provider process serving only
 * ExoPhones never loads Plivo's or Apifonica's code.
 */
import type * as pulumi from "@pulumi/pulumi";
import { requireSettingsOf } from "./core/config.js";
import { type KindProvider, kindOf, type ResourceKind } from "./registry.js";

export type { KindProvider } from "./registry.js";

const cache = new Map<string, KindProvider>();

function isConfigureRequest(req: unknown): req is pulumi.dynamic.ConfigureRequest {
  const config = (req as { config?: { get?: unknown } } | null | undefined)?.config;
  return typeof config?.get === "function";
}

function lazy(d: ResourceKind): KindProvider {
  const kind = d.kind;
  let loaded: Promise<KindProvider> | undefined;
  // A failed import is retried by the next call rather than cached.
  const impl = () =>
    (loaded ??= d.load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    }));
  return {
    async configure(req) {
      // The shim sends whatever reaches it here: anything but a configure request means a method
      // was called before configure (or after a failed load); it must fail, never be answered.
      if (!isConfigureRequest(req)) {
        throw new Error(
          `pulumi-phone-numbers: the ${kind} provider was called before it was configured. ` +
            "The dynamic-provider host of @pulumi/pulumi 3.139.0 and newer configures it first: upgrade @pulumi/pulumi in the project and run again.",
        );
      }
      await (await impl()).configure(req);
      // Preview runs configure too: missing credentials fail it as they would fail up.
      requireSettingsOf(d.vendor);
    },
    check: async (olds, news) => (await impl()).check(olds, news),
    diff: async (id, olds, news) => (await impl()).diff(id, olds, news),
    create: async (inputs) => (await impl()).create(inputs),
    read: async (id, props) => (await impl()).read(id, props),
    update: async (id, olds, news) => (await impl()).update(id, olds, news),
    delete: async (id, props) => (await impl()).delete(id, props),
  };
}

/** The implementation behind a resource kind; throws a clear error for a kind this version lacks. */
export function provider(kind: string): KindProvider {
  let impl = cache.get(kind);
  if (!impl) {
    const d = kindOf(kind);
    if (!d) {
      throw new Error(
        `pulumi-phone-numbers: this installed version has no resource kind "${kind}". ` +
          "The stack's state was written by a newer version of the package; install that version (npm install pulumi-phone-numbers@latest) and run again.",
      );
    }
    impl = lazy(d);
    cache.set(kind, impl);
  }
  return impl;
}

export { type ConfigLookup, setConfigSource } from "./core/config.js";
