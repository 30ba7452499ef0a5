/**
 * What a resource kind keeps per vendor account (its client and batched readers), built once and
 * shared by every resource of that kind in the provider process.
 */
const entries = new Map<string, unknown>();

export function perAccount<T>(kind: string, account: string, make: () => T): T {
  const key = `${kind}\n${account}`;
  let entry = entries.get(key) as T | undefined;
  if (entry === undefined) {
    entry = make();
    entries.set(key, entry);
  }
  return entry;
}
