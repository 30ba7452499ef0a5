// ESM throughout (got 14 is ESM-only): jest runs with --experimental-vm-modules (see package.json "jest").
// ts-jest only transpiles; `npm run typecheck` does the type checking once for the whole tree.
/** @type {import('jest').Config} */
export default {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: {
    "^(\\.{1,2}/.*)\\.js$": "$1",
    // Its ESM build imports JSON without an import attribute, which jest warns about on every import.
    "^libphonenumber-js$": "<rootDir>/node_modules/libphonenumber-js/index.cjs",
  },
  transform: {
    "^.+\\.ts$": ["ts-jest", { useESM: true, diagnostics: false }],
  },
  testTimeout: 60_000,
  globalSetup: "<rootDir>/test/global-setup.js",
  // Two cores: the engine tests pace themselves; unit tests are fast either way.
  maxWorkers: 2,
  // The longest suites first, on a fresh clone too (see the file).
  testSequencer: "<rootDir>/test/sequencer.js",
};
