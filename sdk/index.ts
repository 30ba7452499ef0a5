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
export {
  ExoPhone,
  type ExoPhoneArgs,
  type ExoPhoneCallConnectivity,
  type ExoPhoneConnectivity,
  type ExoPhoneInputs,
} from "./exophone.js";
export type { PlainInputs } from "./inputs.js";
export {
  type ApifonicaApplicationEntryFields,
  type ApifonicaNumberEntry,
  type ApifonicaNumberEntryFields,
  declareInventory,
  type EntryOptions,
  type ExotelEntryFields,
  type Inventory,
  type InventoryEntry,
  InventoryError,
  type InventoryProblem,
  type LoadInventoryOptions,
  loadInventory,
  type ParsedInventory,
  type ParseResult,
  type PlivoEntryFields,
  parseInventory,
  readInventory,
} from "./inventory.js";
export {
  type PlivoNumberDetail,
  PlivoNumberOrder,
  type PlivoNumberOrderArgs,
  type PlivoNumberOrderInputs,
} from "./plivo-number-order.js";
export { providerText } from "./shim.js";
