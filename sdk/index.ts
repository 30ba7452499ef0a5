/** pulumi-phone-numbers: phone numbers from Exotel, Plivo and Apifonica as Pulumi resources. */
export { providerShim } from "./shim.js";
