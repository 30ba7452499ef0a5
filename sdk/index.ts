/**
 * pulumi-phone-numbers: phone numbers from Exotel, Plivo and Apifonica as Pulumi resources.
 *
 * @packageDocumentation
 */
export {
  ApifonicaApplication,
  type ApifonicaApplicationArgs,
  type ApifonicaApplicationInputs,
} from "./apifonica-application.js";
export { ApifonicaNumber, type ApifonicaNumberArgs, type ApifonicaNumberInputs } from "./apifonica-number.js";
export { ExoPhone, type ExoPhoneArgs, type ExoPhoneConnectivity, type ExoPhoneInputs } from "./exophone.js";
export type { PlainInputs } from "./inputs.js";
export {
  type Inventory,
  InventoryError,
  type InventoryProblem,
  type LoadInventoryOptions,
  loadInventory,
  parseInventory,
  readInventory,
} from "./inventory.js";
export {
  type PlivoNumberDetail,
  PlivoNumberOrder,
  type PlivoNumberOrderArgs,
  type PlivoNumberOrderInputs,
} from "./plivo-number-order.js";
export { providerShim } from "./shim.js";
