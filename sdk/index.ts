/** pulumi-phone-numbers: phone numbers from Exotel, Plivo and Apifonica as Pulumi resources. */
export { ApifonicaApplication, type ApifonicaApplicationArgs } from "./apifonica-application.js";
export { ApifonicaNumber, type ApifonicaNumberArgs } from "./apifonica-number.js";
export { ExoPhone, type ExoPhoneArgs, type ExoPhoneConnectivity } from "./exophone.js";
export {
  type Inventory,
  InventoryError,
  type InventoryProblem,
  type LoadInventoryOptions,
  loadInventory,
  parseInventory,
  readInventory,
} from "./inventory.js";
export { type PlivoNumberDetail, PlivoNumberOrder, type PlivoNumberOrderArgs } from "./plivo-number-order.js";
export { providerShim } from "./shim.js";
