/**
 * The demo program: declares the inventory in numbers.yaml (what `npm run demo` reconciles against
 * the sandbox). Point the provider at real vendor accounts (see the README's configuration table) and
 * the same file rents real numbers.
 */
import { loadInventory } from "pulumi-phone-numbers";

const inventory = await loadInventory("numbers.yaml");

/** Every entry's number (or, for a Plivo order, numbers), by resource name. */
export const numbers = inventory.numbers;
export const exophoneSids = Object.fromEntries(
  Object.entries(inventory.exotel).map(([name, phone]) => [name, phone.sid]),
);
export const monthlyRental = {
  exotel: Object.values(inventory.exotel).map((p) => p.monthlyRental),
  plivo: Object.values(inventory.plivo).map((o) => o.monthlyRental),
};
