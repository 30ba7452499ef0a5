/**
 * The whole program of a YAML inventory: load numbers.yaml, export what people need to know. No
 * top-level `await`, so the same program works in CommonJS and ES module projects: Pulumi resolves
 * stack outputs that are promises.
 */
import { loadInventory } from "pulumi-phone-numbers";

const inventory = loadInventory("numbers.yaml");

export const numbers = inventory.then((i) => i.numbers);
export const monthlyRental = inventory.then((i) =>
  Object.fromEntries(
    [...Object.entries(i.exotel), ...Object.entries(i.plivo)].map(([name, r]) => [name, r.monthlyRental]),
  ),
);
