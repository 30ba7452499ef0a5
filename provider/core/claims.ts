/**
 * Numbers being bought or held by resources in this provider process, per vendor account.
 *
 * Pulumi creates many resources at once in one process. Without this, two creates with the same search
 * criteria pick the same first candidate (one then fails over), and, worse, after an ambiguous failure
 * one resource could find a number in the account that another resource has just bought and claim it too.
 */
const claimed = new Map<string, Set<string>>();

function set(account: string): Set<string> {
  let s = claimed.get(account);
  if (!s) {
    s = new Set();
    claimed.set(account, s);
  }
  return s;
}

/** Claims `number` for the caller; false when another resource in this process has it. */
export function claim(account: string, number: string): boolean {
  const s = set(account);
  if (s.has(number)) return false;
  s.add(number);
  return true;
}

export function isClaimed(account: string, number: string): boolean {
  return set(account).has(number);
}

export function unclaim(account: string, number: string): void {
  set(account).delete(number);
}
