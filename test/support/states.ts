/** States of resources as earlier runs left them, for tests that start from one. */

/**
 * The state of a PlivoNumberOrder whose buys of `numbers` (in `countryIso`) were all left uncertain,
 * as a partial create records it: nothing held, every number pending.
 */
export function pendingPlivoOrder(countryIso: string, numbers: string[]): Record<string, unknown> {
  return {
    __provider: "shim",
    stateVersion: 1,
    countryIso,
    quantity: numbers.length,
    numbers: [],
    status: "pending",
    pendingDetails: null,
    pendingNumbers: numbers,
    pendingOrders: [],
    appId: null,
    alias: null,
    details: [],
    monthlyRental: "0.00000",
    currency: "USD",
  };
}
