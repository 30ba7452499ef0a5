/**
 * The vendor accounts the drift report reads: the checked stacks grouped by the account their
 * credentials name (two stacks with the same account read it once), credential gaps where they
 * matter, and each account's held numbers.
 */
import type { Progress } from "../args.js";
import {
  accountKey,
  type CredentialGap,
  isGap,
  resolveSettings,
  VENDORS,
  type Vendor,
  type VendorSettings,
} from "../credentials.js";
import { listHeldNumbers } from "../inventory.js";
import { vendorsOfPreview } from "./analyse.js";
import type { AccountRead, NotRead } from "./joint.js";
import type { Checked } from "./stacks.js";

/** One vendor account, and the stacks whose credentials name it. */
export interface Account {
  settings: VendorSettings;
  stacks: string[];
}

/** Groups the stacks by vendor account; credential gaps are kept where they matter. */
export function accountsOf(checked: Checked[]): {
  accounts: Account[];
  gaps: { gap: CredentialGap; stack: string }[];
  notRead: NotRead[];
} {
  const accounts = new Map<string, Account>();
  const gaps: { gap: CredentialGap; stack: string }[] = [];
  const notRead: NotRead[] = [];
  for (const vendor of VENDORS) {
    const vendorGaps: { gap: CredentialGap; stack: string; uses: boolean }[] = [];
    for (const c of checked) {
      const s = resolveSettings(vendor, c.source);
      const uses = vendorsOfPreview(c.preview).includes(vendor);
      if (isGap(s)) vendorGaps.push({ gap: s, stack: c.label, uses });
      else {
        const key = accountKey(s);
        const a = accounts.get(key) ?? { settings: s, stacks: [] };
        a.stacks.push(c.label);
        accounts.set(key, a);
      }
    }
    gaps.push(...vendorGaps.filter((g) => g.uses || g.gap.partial));
    const anyAccount = [...accounts.values()].some((a) => a.settings.vendor === vendor);
    if (!anyAccount && !vendorGaps.some((g) => g.uses || g.gap.partial))
      notRead.push({ vendor, reason: "no credentials, and no listed stack has resources of it" });
  }
  return { accounts: [...accounts.values()], gaps, notRead };
}

/** Reads each account's held numbers; an account that fails, or a credential gap, is a skipped read. */
export async function readAccounts(
  accounts: Account[],
  gaps: { gap: CredentialGap; stack: string }[],
  progress: Progress,
) {
  const reads: AccountRead[] = [];
  const perVendor = (v: Vendor) => accounts.filter((a) => a.settings.vendor === v);
  for (const a of accounts) {
    const v = a.settings.vendor;
    const label = perVendor(v).length > 1 ? `${v} account ${perVendor(v).indexOf(a) + 1}` : v;
    progress(`reading the ${label} account`);
    try {
      reads.push({ vendor: v, label, stacks: a.stacks, held: await listHeldNumbers(a.settings, progress) });
    } catch (err) {
      reads.push({
        vendor: v,
        label,
        stacks: a.stacks,
        skipped: (err instanceof Error ? err.message : String(err)).split("\n")[0]!,
      });
    }
  }
  for (const { gap, stack } of gaps)
    reads.push({
      vendor: gap.vendor,
      label: `${gap.vendor} (${stack})`,
      stacks: [stack],
      skipped: gap.message,
    });
  return reads;
}
