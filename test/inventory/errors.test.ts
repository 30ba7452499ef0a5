/**
 * Inventory files with mistakes: every problem is reported at once, each as
 * `file:line:column: field: what is wrong; allowed: ...`, and a file with any problem declares nothing.
 */
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, test } from "@jest/globals";
import * as pulumi from "@pulumi/pulumi";
import { formatProblem, InventoryError, loadInventory, parseInventory } from "../../sdk/inventory.js";

const registered: string[] = [];
pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      registered.push(`${args.type}::${args.name}`);
      return { id: `${args.name}-id`, state: { ...args.inputs, applicationSid: "app-1" } };
    },
    call: (args) => args.inputs,
  },
  "project",
  "stack",
  false,
);

// Line numbers matter: each mistake's position is asserted below.
const BROKEN = `exotel:
  support:
    region: XX
    voiceUrl: ftp://example.com/voice
    colour: red
    numberType: Fixed
  "bad name":
    region: KA
  adopted:
    adopt: true
    protect: "yes"
  support:
    region: KA
plivo:
  support:
    countryIso: US
    quantity: 0
  exact:
    countryIso: US
    numbers: ["+14155550100"]
apifonica:
  applications:
    ivr:
      controller: https://ivr.example.com/voice
  numbers:
    line:
      number: "+14155550100"
      callApp: ivr-typo
stuff: 1
`;

describe("inventory problems", () => {
  test("every kind of mistake is reported together with its position, field and what is allowed", async () => {
    const { inventory, problems } = await parseInventory(BROKEN, "numbers.yaml");
    expect(inventory).toBeUndefined();
    const lines = problems.map(formatProblem);
    const expected: [string, RegExp][] = [
      // a cross-field rule of the resource (Indian telecom circle)
      ["numbers.yaml:3:13: exotel.support.region: ", /not an Indian telecom circle; allowed: AP, /],
      // a field's own validation
      ["numbers.yaml:4:15: exotel.support.voiceUrl: ", /not an http\(s\) URL; allowed: /],
      // an unknown key, pointing at the key
      [
        "numbers.yaml:5:5: exotel.support.colour: ",
        /unknown field; allowed fields: phoneNumber, .*protect, retainOnDelete, previousNames$/,
      ],
      // an enum
      [
        "numbers.yaml:6:17: exotel.support.numberType: ",
        /"Fixed" is not allowed; allowed: "Landline", "Mobile", "TollFree"/,
      ],
      // a resource name Pulumi cannot use
      ["numbers.yaml:7:3: exotel.bad name: ", /is not a resource name; allowed: /],
      // adopt needs an exact number
      ["numbers.yaml:10:12: exotel.adopted.adopt: ", /needs phoneNumber; allowed: /],
      // a resource option of the wrong type
      [
        "numbers.yaml:11:14: exotel.adopted.protect: ",
        /must be a boolean, got the string "yes"; allowed: true or false/,
      ],
      // the same key twice in one mapping
      ["numbers.yaml:12:3: exotel.support: ", /appears twice \(first on line 2\); allowed: each key once/],
      // the same resource name in two sections
      [
        "numbers.yaml:15:3: plivo.support: ",
        /already used by exotel.support \(line 2\); allowed: each resource name once/,
      ],
      // a number out of range
      ["numbers.yaml:17:15: plivo.support.quantity: ", /must be at least 1; allowed: 1 to 100/],
      // a missing required field, pointing at the entry's name
      ["numbers.yaml:23:5: apifonica.applications.ivr.method: ", /is required; allowed: "GET", "POST"/],
      // the same exact number in two entries
      [
        "numbers.yaml:27:15: apifonica.numbers.line.number: ",
        /\+14155550100 is already declared by plivo.exact.numbers.0 \(line 20\); allowed: each number once/,
      ],
      // a reference to an application the file does not have
      [
        "numbers.yaml:28:16: apifonica.numbers.line.callApp: ",
        /"ivr-typo" is not an application of this file; allowed: ivr$/,
      ],
      // an unknown top-level key
      ["numbers.yaml:29:1: stuff: ", /unknown key; allowed: allowEmpty, exotel, plivo, apifonica$/],
    ];
    for (const [prefix, rest] of expected) {
      const line = lines.find((l) => l.startsWith(prefix));
      expect({ prefix, line }).toEqual({ prefix, line: expect.stringMatching(rest) });
    }
    expect(lines).toHaveLength(expected.length);
  });

  test("a file without entries is refused unless it says allowEmpty: true", async () => {
    for (const text of ["", "# nothing\n", "exotel:\n", "exotel: {}\nplivo:\n"]) {
      const { inventory, problems } = await parseInventory(text, "numbers.yaml");
      expect(inventory).toBeUndefined();
      expect(problems.map(formatProblem)).toEqual([
        "numbers.yaml:1:1: (file): has no entries: `pulumi up` of it would release every number the stack manages; allowed: at least one entry, or `allowEmpty: true` at the top of the file to release everything on purpose",
      ]);
    }
    const allowed = await parseInventory("allowEmpty: true\nexotel: {}\n", "numbers.yaml");
    expect(allowed.problems).toEqual([]);
    expect(allowed.inventory?.allowEmpty).toBe(true);
    const wrong = await parseInventory('allowEmpty: "yes"\n', "numbers.yaml");
    expect(wrong.problems.map(formatProblem)).toEqual([
      'numbers.yaml:1:13: allowEmpty: must be a boolean, got string "yes"; allowed: true or false',
    ]);
  });

  test("previousNames must be earlier names, not names of entries of the file", async () => {
    const text = `exotel:
  a:
    region: KA
    previousNames: [old-a, b]
  b:
    region: DL
    previousNames: [b]
`;
    const { problems } = await parseInventory(text, "numbers.yaml");
    expect(problems.map(formatProblem)).toEqual([
      'numbers.yaml:4:28: exotel.a.previousNames.1: "b" is the name of exotel.b (line 5); allowed: names the entry had before, used by no entry now',
      'numbers.yaml:7:21: exotel.b.previousNames.0: "b" is the name of this entry; allowed: names the entry had before, used by no entry now',
    ]);
    const ok = await parseInventory(
      text.replace(", b]", "]").replace("previousNames: [b]", "previousNames: [old-b]"),
      "x",
    );
    expect(ok.inventory?.exotel.map((e) => e.options.previousNames)).toEqual([["old-a"], ["old-b"]]);
  });

  test("YAML syntax errors carry their position", async () => {
    const { problems } = await parseInventory("exotel:\n  a: [\n", "bad.yaml");
    expect(problems.length).toBeGreaterThan(0);
    expect(formatProblem(problems[0]!)).toMatch(/^bad\.yaml:\d+:\d+: \(yaml\): .*; allowed: valid YAML$/);
  });

  test("loadInventory declares nothing when the file has any problem, and everything when it has none", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "inventory-errors-"));
    try {
      const broken = path.join(dir, "broken.yaml");
      await fs.writeFile(broken, BROKEN);
      const err = await loadInventory(broken).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InventoryError);
      expect((err as InventoryError).problems).toHaveLength(14);
      expect((err as InventoryError).message).toContain(`${broken}:29:1: stuff: unknown key`);
      await new Promise((r) => setTimeout(r, 20));
      expect(registered).toEqual([]);

      const good = path.join(dir, "good.yaml");
      await fs.writeFile(
        good,
        BROKEN.replace(/^stuff: 1\n/m, "")
          .replace(
            /region: XX\n {4}voiceUrl: ftp:\/\/example.com\/voice\n {4}colour: red\n {4}numberType: Fixed/,
            "region: KA",
          )
          .replace(/ {2}"bad name":\n {4}region: KA\n/, "")
          .replace(
            / {4}adopt: true\n {4}protect: "yes"/,
            '    phoneNumber: "+918047091234"\n    adopt: true\n    protect: true',
          )
          .replace(/ {2}support:\n {4}region: KA\n(?=plivo)/, "")
          .replace(
            / {2}support:\n {4}countryIso: US\n {4}quantity: 0/,
            "  us:\n    countryIso: US\n    quantity: 2",
          )
          .replace(/(controller: .*\n)/, "$1      method: POST\n")
          .replace(/number: "\+14155550100"\n {6}callApp: ivr-typo/, "countryCode: GB\n      callApp: ivr"),
      );
      const inv = await loadInventory(good);
      expect(Object.keys(inv.exotel)).toEqual(["support", "adopted"]);
      expect(Object.keys(inv.plivo)).toEqual(["us", "exact"]);
      expect(Object.keys(inv.apifonicaNumbers)).toEqual(["line"]);
      expect(Object.keys(inv.numbers).sort()).toEqual(["adopted", "exact", "line", "support", "us"]);
      await new Promise((r) => setTimeout(r, 50));
      expect(registered.sort()).toEqual([
        "pulumi-nodejs:dynamic/phone-numbers:ApifonicaApplication::ivr",
        "pulumi-nodejs:dynamic/phone-numbers:ApifonicaNumber::line",
        "pulumi-nodejs:dynamic/phone-numbers:ExoPhone::adopted",
        "pulumi-nodejs:dynamic/phone-numbers:ExoPhone::support",
        "pulumi-nodejs:dynamic/phone-numbers:PlivoNumberOrder::exact",
        "pulumi-nodejs:dynamic/phone-numbers:PlivoNumberOrder::us",
      ]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
