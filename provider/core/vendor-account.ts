/**
 * The per-account bundle a resource kind keeps (its client plus the readers built on it), written
 * once for every vendor: one bundle per (kind, account) for the life of the process, its client
 * made through the vendor's factory (so a test's `setClientFactory` reaches it) with the response
 * timeout override applied.
 */
import { perAccount } from "./accounts.js";
import { clientFactoryGeneration, type VendorAccountBase, type VendorClients } from "./client-factory.js";
import { responseTimeoutOverride } from "./purchase.js";

/** What every bundle holds besides what the resource module adds. */
export interface AccountContext<C> {
  /** The account's client. */
  api: C;
  /** The account's key (`<vendor>:<base URL>:<account id>`), for claims, labels and logs. */
  key: string;
}

/**
 * The bundle of `kind` for the account of `settings`, built by `build` the first time. Bundles built
 * before a `setClientFactory`/`restoreClientFactory` call are not reused after it.
 */
export function vendorAccount<A extends VendorAccountBase, C, B extends object>(
  kind: string,
  clients: VendorClients<A, C>,
  settings: A,
  build: (context: AccountContext<C>) => B,
): B & AccountContext<C> {
  const key = clients.accountKey(settings);
  const generation = clientFactoryGeneration();
  return perAccount(kind, generation === 0 ? key : `${key}#${generation}`, () => {
    const responseMs = responseTimeoutOverride();
    const api = clients.client(
      responseMs === undefined ? settings : { ...settings, timeouts: { responseMs } },
    );
    return { ...build({ api, key }), api, key };
  });
}
