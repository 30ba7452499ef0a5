/** The whole program of a YAML inventory: load numbers.yaml, export what people need to know. */
import { loadInventory } from "pulumi-phone-numbers";

const inventory = await loadInventory("numbers.yaml");

export const numbers = inventory.numbers;
export const monthlyRental = Object.fromEntries(
  [...Object.entries(inventory.exotel), ...Object.entries(inventory.plivo)].map(([name, r]) => [
    name,
    r.monthlyRental,
  ]),
);
