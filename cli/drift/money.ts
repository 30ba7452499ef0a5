/** Monthly rentals as exact sums per vendor and currency. */
import type { Vendor } from "../credentials.js";

export interface Money {
  vendor: Vendor;
  currency: string;
  /** In millionths. */
  micros: number;
}

/** A decimal string in millionths (exact for the vendors' 2 to 6 decimals); undefined if not a number. */
export function micros(amount: string): number | undefined {
  if (!/^-?\d+(\.\d+)?$/.test(amount.trim())) return undefined;
  return Math.round(Number(amount) * 1_000_000);
}

export function formatMoney(m: number): string {
  return `${m < 0 ? "-" : ""}${(Math.abs(m) / 1_000_000).toFixed(2)}`;
}

export function add(list: Money[], vendor: Vendor, currency: string, amount: number): void {
  const found = list.find((m) => m.vendor === vendor && m.currency === currency);
  if (found) found.micros += amount;
  else list.push({ vendor, currency, micros: amount });
}

const VENDOR_ORDER: Vendor[] = ["exotel", "plivo", "apifonica"];

/** The sum of several lists, ordered by vendor then currency. */
export function total(lists: Money[][]): Money[] {
  const out: Money[] = [];
  for (const list of lists) for (const m of list) add(out, m.vendor, m.currency, m.micros);
  return out.sort(
    (a, b) =>
      VENDOR_ORDER.indexOf(a.vendor) - VENDOR_ORDER.indexOf(b.vendor) || a.currency.localeCompare(b.currency),
  );
}
