/** What the three vendor modules share: the catalog, state and variants they answer from, the path account. */
import type { Catalog } from "./catalog.js";
import type { ResolvedAccount, VendorModule, VendorRequest, VendorResponse } from "./http.js";
import type { SandboxState } from "./state.js";
import { Variants } from "./variants.js";

/** The base of a vendor module: its answers come from the catalog and the state, as the variants read them. */
export abstract class VendorApi implements VendorModule {
  constructor(
    protected readonly catalog: Catalog,
    protected readonly state: SandboxState,
    protected readonly variants: Variants = new Variants([]),
  ) {}

  abstract pathAccount(req: VendorRequest): string | undefined;
  abstract error(req: VendorRequest, status: number, message: string): VendorResponse;
  abstract handle(req: VendorRequest, account: ResolvedAccount): VendorResponse;
}

/** The account id of a path that starts `/<version>/<accounts>/<id>`, else undefined. */
export function accountInPath(req: VendorRequest, version: string, accounts: string): string | undefined {
  const [v, acc, id] = req.segments;
  return v === version && acc === accounts && id ? id : undefined;
}
