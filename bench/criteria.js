// The search criteria the benchmarks create numbers with, per vendor: number i of a run uses
// CRITERIA[vendor][i % length] (spread over Exotel's circles, Plivo's area codes and Apifonica's
// countries and types, so no one criterion runs out of the sandbox's stock at N = 1,000).
const CIRCLES = [
  "AP", "AS", "BR", "DL", "GJ", "HP", "HR", "JK", "KA", "KL", "KO",
  "MH", "MP", "MU", "NE", "OR", "PB", "RJ", "TN", "UE", "UW", "WB",
]; // biome-ignore format: a table

export const CRITERIA = {
  exotel: CIRCLES.map((region) => ({ region })),
  plivo: ["415", "212", "312", "512"].map((prefix) => ({ countryIso: "US", numberType: "local", prefix })),
  apifonica: [
    ["GB", "local"], ["GB", "mobile"], ["IE", "local"], ["IE", "mobile"],
    ["RU", "local"], ["RU", "mobile"], ["US", "local"],
  ].map(([countryCode, type]) => ({ countryCode, type })), // biome-ignore format: a table
};

/** Inputs every number of a vendor gets besides its criterion. */
export const EXTRA = {
  exotel: { voiceUrl: "https://my.exotel.com/bench/exoml/start_voice/1" },
  plivo: { quantity: 1 },
  apifonica: {},
};
