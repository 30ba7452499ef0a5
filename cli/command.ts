/**
 * The setup the vendor-reading commands (`doctor`, `inventory export`, `drift-report`) share: which
 * vendors `--vendor` names, where `--stack NAME [--cwd DIR]` reads credentials, and each vendor's
 * settings resolved from there (or what is missing).
 */
import { UsageError } from "./args.js";
import {
  type ConfigSource,
  type CredentialGap,
  isGap,
  resolveSettings,
  VENDORS,
  type Vendor,
  type VendorSettings,
} from "./credentials.js";
import { stackConfig } from "./pulumi-cli.js";

/** The vendors of `--vendor LIST` (comma-separated), each once, in order; a usage error names an unknown one. */
export function parseVendors(list: string): Vendor[] {
  const out: Vendor[] = [];
  for (const v of list.split(",").map((x) => x.trim())) {
    if (!isVendor(v))
      throw new UsageError(`--vendor: "${v}" is not a vendor; allowed: ${VENDORS.join(", ")}`);
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

const isVendor = (v: string): v is Vendor => (VENDORS as readonly string[]).includes(v);

/**
 * Where credentials come from for `--stack NAME [--cwd DIR]`: the stack's config (secrets decrypted
 * through the stack), then the environment; without a stack, the environment alone.
 */
export async function configSourceOf(stack: string | undefined, cwd = "."): Promise<ConfigSource> {
  if (stack === undefined) return {};
  return { config: await stackConfig({ name: stack, cwd, label: stack }), stack: `stack ${stack}` };
}

/** Each vendor's settings from `source`, and the vendors whose credentials are missing or incomplete. */
export function resolveVendors(
  vendors: readonly Vendor[],
  source: ConfigSource,
): { resolved: VendorSettings[]; gaps: CredentialGap[] } {
  const resolved: VendorSettings[] = [];
  const gaps: CredentialGap[] = [];
  for (const vendor of vendors) {
    const s = resolveSettings(vendor, source);
    if (isGap(s)) gaps.push(s);
    else resolved.push(s);
  }
  return { resolved, gaps };
}
