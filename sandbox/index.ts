// Its declarations use Node's modules; TypeScript 6 no longer includes @types/node by default.
/// <reference types="node" preserve="true" />
/** The local emulator of the Exotel, Plivo and Apifonica number APIs. */
export { DEFAULT_ACCOUNTS } from "./accounts.js";
export { runSandboxCommand } from "./cli.js";
export { DEFAULT_RATE_LIMITS } from "./ratelimit.js";
export { startSandbox } from "./server.js";
export { BODY_LIMIT } from "./transport.js";
export type {
  ApifonicaAccount,
  ExotelAccount,
  PlivoAccount,
  RateLimit,
  SandboxAccounts,
  SandboxHandle,
  SandboxOptions,
  Vendor,
} from "./types.js";
export { VARIANT_NAMES, VARIANTS } from "./variants.js";
