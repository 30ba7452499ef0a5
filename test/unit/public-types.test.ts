/**
 * The public types are plain TypeScript (sdk/*.ts) so that no zod declaration file reaches a
 * consumer's type check; the registry's zod schemas (provider/registry.ts) stay the validation. This
 * file proves the two declare the same fields: the type-level assertions fail `npm run typecheck`
 * when an input is added, renamed, retyped or made required on one side only (the Args of a class
 * are its plain inputs with `pulumi.Input`, so they are covered too), when a class declares an output
 * the registry's outputs list lacks (or the other way round) or types it differently from the
 * provider's outputs type, and when the inventory's sections differ from the registry's. The runtime
 * tests fail when a class's constructor lets a key through that its schema does not know.
 *
 * ExoPhone's Args and outputs are derived from its field table (sdk/inputs.ts `ArgsOf`, `OutputsOf`)
 * and its zod object is built from the same table (provider/core/field-schema.ts): the assertions then
 * check that the two derivations agree (a mapping that loses or retypes a field fails them).
 * PlivoNumberOrder's are derived from its table the same way (sdk/plivo-number-order.ts `OrderArgsOf`:
 * `countryIso` stays required, lists take inputs item by item), and ApifonicaNumber's from its table
 * with `ArgsOf` and `OutputsOf` as ExoPhone's (sdk/apifonica-number.ts); ApifonicaApplication's too
 * (sdk/apifonica-application.ts: `controller` and `method` stay required).
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { ApifonicaApplicationOutputs } from "../../provider/apifonica/application.schema.js";
import type { ApifonicaNumberOutputs } from "../../provider/apifonica/number.schema.js";
import type { ExoPhoneOutputs } from "../../provider/exotel/exophone.schema.js";
import type { PlivoNumberOrderOutputs } from "../../provider/plivo/number-order.schema.js";
import { ALL_KINDS, KINDS } from "../../provider/registry.js";
import type {
  ApifonicaApplication,
  ApifonicaApplicationInputs,
  ApifonicaNumber,
  ApifonicaNumberInputs,
  ExoPhone,
  ExoPhoneInputs,
  Inventory,
  ParsedInventory,
  PlivoNumberOrder,
  PlivoNumberOrderInputs,
} from "../../sdk/index.js";

const exoPhoneInputs = KINDS.exophone.inputs;
const plivoNumberOrderInputs = KINDS["plivo-number-order"].inputs;
const apifonicaNumberInputs = KINDS["apifonica-number"].inputs;
const apifonicaApplicationInputs = KINDS["apifonica-application"].inputs;

// ---- type level: the plain interfaces and the schemas' input types agree field by field ----

/** Every key, made required, with `undefined` taken out of its type (optionality is compared apart). */
type Defined<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Agree<Plain, Schema extends z.ZodType> = [
  Same<Defined<Plain>, Defined<z.input<Schema>>>,
  Same<RequiredKeys<Plain>, RequiredKeys<z.input<Schema>>>,
];

const agreements: {
  exoPhone: Agree<ExoPhoneInputs, typeof exoPhoneInputs>;
  plivoNumberOrder: Agree<PlivoNumberOrderInputs, typeof plivoNumberOrderInputs>;
  apifonicaNumber: Agree<ApifonicaNumberInputs, typeof apifonicaNumberInputs>;
  apifonicaApplication: Agree<ApifonicaApplicationInputs, typeof apifonicaApplicationInputs>;
} = {
  exoPhone: [true, true],
  plivoNumberOrder: [true, true],
  apifonicaNumber: [true, true],
  apifonicaApplication: [true, true],
};

// ---- type level: each class declares exactly its registry outputs, typed as the provider writes them ----

/** The outputs a class declares (beyond what every Pulumi resource has), unwrapped. */
type Declared<C> = { [K in Exclude<keyof C, keyof pulumi.CustomResource>]: pulumi.Unwrap<C[K]> };
type OutputsAgree<C, Outputs, Keys extends keyof Outputs> = [
  Same<Exclude<keyof C, keyof pulumi.CustomResource>, Keys>,
  Same<Defined<Declared<C>>, Defined<Pick<Outputs, Keys>>>,
];
type Keys<K extends keyof typeof KINDS> = (typeof KINDS)[K]["outputs"][number];

const outputsAgree: {
  exoPhone: OutputsAgree<ExoPhone, ExoPhoneOutputs, Keys<"exophone">>;
  plivoNumberOrder: OutputsAgree<PlivoNumberOrder, PlivoNumberOrderOutputs, Keys<"plivo-number-order">>;
  apifonicaNumber: OutputsAgree<ApifonicaNumber, ApifonicaNumberOutputs, Keys<"apifonica-number">>;
  apifonicaApplication: OutputsAgree<
    ApifonicaApplication,
    ApifonicaApplicationOutputs,
    Keys<"apifonica-application">
  >;
} = {
  exoPhone: [true, true],
  plivoNumberOrder: [true, true],
  apifonicaNumber: [true, true],
  apifonicaApplication: [true, true],
};

// ---- type level: the inventory's sections are the registry's ----

type InventoryKeys = (typeof KINDS)[keyof typeof KINDS]["inventoryKey"];
const sectionsAgree: [
  Same<Exclude<keyof ParsedInventory, "file" | "allowEmpty">, InventoryKeys>,
  Same<Exclude<keyof Inventory, "numbers">, InventoryKeys>,
] = [true, true];

// ---- runtime: what the constructors accept is what the schemas accept ----

pulumi.runtime.setMocks(
  {
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: (args) => args.inputs,
  },
  "project",
  "stack",
  false,
);

// Loaded after setMocks, as the SDK's own mock test does.
let sdk: typeof import("../../sdk/index.js");
beforeAll(async () => {
  sdk = await import("../../sdk/index.js");
});

const classes = [
  { type: "ExoPhone", make: (a: object) => new sdk.ExoPhone("r", a as never), schema: exoPhoneInputs },
  {
    type: "PlivoNumberOrder",
    make: (a: object) => new sdk.PlivoNumberOrder("r", a as never),
    schema: plivoNumberOrderInputs,
  },
  {
    type: "ApifonicaNumber",
    make: (a: object) => new sdk.ApifonicaNumber("r", a as never),
    schema: apifonicaNumberInputs,
  },
  {
    type: "ApifonicaApplication",
    make: (a: object) => new sdk.ApifonicaApplication("r", a as never),
    schema: apifonicaApplicationInputs,
  },
];

/** Waits until the mocks registered the resource, so nothing is left running after the test. */
const registered = (r: pulumi.CustomResource): Promise<string> =>
  new Promise((resolve) => r.urn.apply(resolve));

const rejection = (make: () => unknown): string => {
  try {
    make();
  } catch (e) {
    expect(e).toBeInstanceOf(pulumi.RunError);
    return (e as Error).message;
  }
  throw new Error("the constructor accepted it");
};

describe("public types and schemas", () => {
  it("agree at the type level (checked by tsc)", () => {
    expect(Object.values(agreements).flat()).toEqual(Array(8).fill(true));
    expect(Object.values(outputsAgree).flat()).toEqual(Array(8).fill(true));
    expect(sectionsAgree).toEqual([true, true]);
  });

  it("every registered kind has a class in the test above", () => {
    expect(ALL_KINDS.map((d) => d.typeName).sort()).toEqual(classes.map((c) => c.type).sort());
  });

  it.each(classes)("$type accepts every field its schema declares", async ({ make, schema }) => {
    // Values are not validated here (that is check's job): only the keys are.
    const every = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, "x"]));
    expect(await registered(make(every))).toMatch(/::r$/);
  });
});

describe("output names and unknown keys passed as inputs are a clear error, not silently dropped", () => {
  it("ApifonicaNumber: callController (routing lives on the application) and numberSid (an output)", () => {
    const message = rejection(
      () =>
        new sdk.ApifonicaNumber("uk-line", {
          countryCode: "GB",
          callController: "https://ivr.example.com/voice",
          numberSid: "abc",
        } as never),
    );
    expect(message).toMatch(
      /^ApifonicaNumber "uk-line": callController: is set on the linked ApifonicaApplication .*; allowed inputs: number, countryCode, type,/m,
    );
    expect(message).toMatch(
      /^ApifonicaNumber "uk-line": numberSid: is an output of ApifonicaNumber, not an input \(read it from the resource: uk-line\.numberSid\); allowed inputs: number,/m,
    );
  });

  it.each([
    ["ExoPhone", () => new sdk.ExoPhone("support", { region: "KA", sid: "x" } as never), "sid"],
    [
      "ExoPhone",
      () => new sdk.ExoPhone("support", { region: "KA", monthlyRental: "1" } as never),
      "monthlyRental",
    ],
    [
      "PlivoNumberOrder",
      () => new sdk.PlivoNumberOrder("pool", { countryIso: "US", status: "fulfilled" } as never),
      "status",
    ],
    [
      "ApifonicaApplication",
      () =>
        new sdk.ApifonicaApplication("ivr", {
          controller: "https://a.example",
          method: "GET",
          applicationSid: "x",
        } as never),
      "applicationSid",
    ],
  ])("%s: the output %s", (type, make, key) => {
    expect(rejection(make)).toMatch(
      new RegExp(`: ${key}: is an output of ${type}, not an input .*; allowed inputs: `),
    );
  });

  it("names an unknown key and lists the inputs", () => {
    expect(rejection(() => new sdk.ExoPhone("support", { region: "KA", colour: "blue" } as never))).toBe(
      'ExoPhone "support": colour: is not an input of ExoPhone; allowed inputs: phoneNumber, country, numberType, region, contains, incomingSms, friendlyName, voiceUrl, smsUrl, adopt',
    );
  });

  it("lets an input that is also an output through (phoneNumber, numbers, quantity)", async () => {
    await registered(new sdk.ExoPhone("a", { phoneNumber: "+918047091234" }));
    await registered(
      new sdk.PlivoNumberOrder("b", { countryIso: "US", numbers: ["+14155550100"], quantity: 1 }),
    );
  });
});
