/**
 * The drift report's analysis on hand-made preview JSON (no engine): numbers managed across stacks,
 * conflicts, what `up` would release (removed entries, replacements, a Plivo order shrunk) for the
 * release guard, adoptions that buy nothing, labelled numbers no state holds, credentials read from
 * stack config before the environment, incomplete credentials named, and the exit codes.
 */
import { describe, expect, test } from "@jest/globals";
import { isGap, resolveSettings } from "../../cli/credentials.js";
import { analyseStack, type PreviewJson, type PreviewStep } from "../../cli/drift/analyse.js";
import { EXIT, exitCodeOf, joinReports } from "../../cli/drift/joint.js";
import { renderMarkdown, renderText } from "../../cli/drift/render.js";
import type { HeldNumber } from "../../cli/inventory.js";
import { labelled } from "../../provider/core/labels.js";

for (const k of Object.keys(process.env)) if (/^(EXOTEL|PLIVO|APIFONICA)_/.test(k)) delete process.env[k];

const T = "pulumi-nodejs:dynamic/phone-numbers:";
const urn = (stack: string, type: string, name: string) =>
  `urn:pulumi:${stack}::numbers::${T}${type}::${name}`;
const exo = (stack: string, name: string, phoneNumber: string, rent = "150.00"): PreviewStep => ({
  op: "refresh",
  urn: urn(stack, "ExoPhone", name),
  oldState: {
    urn: urn(stack, "ExoPhone", name),
    id: `sid-${name}`,
    type: `${T}ExoPhone`,
    inputs: { phoneNumber, adopt: true },
    outputs: { phoneNumber, monthlyRental: rent, currency: "INR" },
  },
});
const same = (s: PreviewStep): PreviewStep => ({ ...s, op: "same" });
const removed = (s: PreviewStep): PreviewStep => ({ ...s, op: "delete" });
const heldOf = (number: string, extra: Partial<HeldNumber> = {}): HeldNumber => ({
  vendor: "exotel",
  number,
  name: `exotel-${number.slice(1)}`,
  entry: { phoneNumber: number, adopt: true },
  monthlyRental: "150.00",
  currency: "INR",
  ...extra,
});

async function joint(previews: Record<string, PreviewJson>, held: HeldNumber[], maxReleases?: number) {
  const stacks = [];
  for (const [stack, p] of Object.entries(previews)) stacks.push(await analyseStack(stack, p));
  return joinReports({
    stacks,
    stateOnly: [],
    accounts: [{ vendor: "exotel", label: "exotel", stacks: Object.keys(previews), held }],
    notRead: [],
    accountsChecked: true,
    ...(maxReleases !== undefined && { maxReleases }),
  });
}

describe("many stacks", () => {
  const a1 = exo("a", "a-one", "+918000000001");
  const b1 = exo("b", "b-one", "+918000000002");

  test("a number is unmanaged only when no listed stack manages it", async () => {
    const held = ["+918000000001", "+918000000002", "+918000000003"].map((n) => heldOf(n));
    const r = await joint({ a: { steps: [a1, same(a1)] }, b: { steps: [b1, same(b1)] } }, held);
    expect(r.accounts[0]!.unmanaged.map((n) => n.number)).toEqual(["+918000000003"]);
    expect(exitCodeOf(r)).toBe(EXIT.ok);
    expect(renderText(r)).toContain("--only +918000000003 --out");
    expect(renderText(r)).toContain(
      "result: no drift: the stacks match their files; the exotel account(s) were read: 1 number(s) in no listed stack",
    );
    const all = await joint({ a: { steps: [a1] }, b: { steps: [b1] } }, held.slice(0, 2));
    expect(renderText(all)).toContain(
      "result: no drift: the stacks match their files, and the exotel account(s) hold no number outside them",
    );
    const alone = await joint({ a: { steps: [a1, same(a1)] } }, held);
    expect(alone.accounts[0]!.unmanaged.map((n) => n.number)).toEqual(["+918000000002", "+918000000003"]);
  });

  test("a number two stacks manage is a conflict: exit 8, both managers named", async () => {
    const dup = exo("b", "b-dup", "+918000000001");
    const r = await joint({ a: { steps: [a1] }, b: { steps: [b1, dup] } }, [heldOf("+918000000001")]);
    expect(r.conflicts).toEqual([
      {
        vendor: "exotel",
        number: "+918000000001",
        managers: [
          { stack: "a", resource: "a-one" },
          { stack: "b", resource: "b-dup" },
        ],
      },
    ]);
    expect(exitCodeOf(r)).toBe(EXIT.conflict);
    expect(renderText(r)).toContain(
      "conflict: +918000000001 (exotel) is managed by a-one in a and b-dup in b",
    );
  });

  test("an unmanaged number carrying a purchase label names the resource that rented it", async () => {
    const lost = heldOf("+918000000009", {
      label: labelled("+918000000009", "pulumi:numbers/b/b-new#0a1b2c3d"),
    });
    const r = await joint({ a: { steps: [a1] } }, [heldOf("+918000000001"), lost]);
    expect(renderText(r)).toContain("labelled: +918000000009 was rented by numbers/b/b-new");
    expect(renderMarkdown(r)).toContain("- labelled: +918000000009 was rented by numbers/b/b-new");
  });
});

describe("the release guard", () => {
  const a1 = exo("a", "a-one", "+918000000001", "100.00");
  const a2 = exo("a", "a-two", "+918000000002", "200.00");
  const plivo: PreviewStep = {
    op: "update",
    urn: urn("a", "PlivoNumberOrder", "pool"),
    oldState: {
      id: "order-1",
      type: `${T}PlivoNumberOrder`,
      inputs: { countryIso: "US", quantity: 3 },
      outputs: {
        countryIso: "US",
        quantity: 3,
        status: "fulfilled",
        numbers: ["+14150000001", "+14150000002", "+14150000003"],
      },
    },
    newState: { type: `${T}PlivoNumberOrder`, inputs: { countryIso: "US", quantity: 1 } },
  };

  test("removed entries and a shrunk Plivo order count; --max-releases 2 fails with 3, the change by currency", async () => {
    const steps = [a1, a2, removed(a1), same(a2), plivo];
    const r = await joint({ a: { steps } }, [], 2);
    expect(r.releaseCount).toBe(3);
    expect(r.stacks[0]!.releases.map((x) => x.numbers)).toEqual([
      ["+918000000001"],
      ["+14150000002", "+14150000003"],
    ]);
    expect(exitCodeOf(r)).toBe(EXIT.tooManyReleases);
    const text = renderText(r);
    expect(text).toContain(
      "release guard FAILS: pulumi up would release 3 number(s); allowed: 2 (--max-releases)",
    );
    expect(text).toContain(
      "release: a-one +918000000001: removed from the file: `pulumi up` releases it (100.00 INR/month)",
    );
    expect(text).toMatch(/after pulumi up: exotel -100\.00 INR/);
    expect(renderMarkdown(r)).toContain("| exotel | INR | 300.00 | 200.00 (-100.00) |");
    const enough = await joint({ a: { steps } }, [], 3);
    expect(exitCodeOf(enough)).toBe(EXIT.changes);
  });

  test("an adopted entry buys nothing: listed as an adoption, not a rent", async () => {
    const create: PreviewStep = {
      op: "create",
      urn: urn("a", "ExoPhone", "new"),
      newState: { type: `${T}ExoPhone`, inputs: { phoneNumber: "+918000000005", adopt: true } },
    };
    const r = await joint({ a: { steps: [create] } }, [heldOf("+918000000005")]);
    expect(r.stacks[0]!.purchases).toEqual([]);
    expect(r.stacks[0]!.adoptions.map((x) => [x.resource, x.numbers, x.monthlyRental])).toEqual([
      ["new", ["+918000000005"], undefined],
    ]);
    expect(renderText(r)).toContain(
      "adopt: new +918000000005: adopts a number the account rents: nothing is bought",
    );
  });
});

describe("credentials and accounts not checked", () => {
  test("stack config first, then the environment; incomplete credentials name every missing key", () => {
    const config = new Map([
      ["exotel:apiKey", "k"],
      ["exotel:accountSid", "acme"],
    ]);
    const gap = resolveSettings("exotel", { config, stack: "stack prod" });
    expect(isGap(gap) && gap).toMatchObject({
      partial: true,
      message:
        "incomplete exotel credentials: missing exotel:apiToken (config of stack prod) or EXOTEL_API_TOKEN",
    });
    process.env.EXOTEL_API_TOKEN = "from-env";
    try {
      const ok = resolveSettings("exotel", { config, stack: "stack prod" });
      expect(!isGap(ok) && ok.settings).toMatchObject({
        apiKey: "k",
        apiToken: "from-env",
        accountSid: "acme",
      });
    } finally {
      delete process.env.EXOTEL_API_TOKEN;
    }
  });

  test("an account not read is named, never reported as matching: exit 6", async () => {
    const r = joinReports({
      stacks: [await analyseStack("a", { steps: [exo("a", "a-one", "+918000000001")] })],
      stateOnly: [],
      accounts: [
        {
          vendor: "exotel",
          label: "exotel (a)",
          stacks: ["a"],
          skipped: "no exotel credentials: missing ...",
        },
      ],
      notRead: [{ vendor: "plivo", reason: "no credentials, and no listed stack has resources of it" }],
      accountsChecked: true,
    });
    expect(exitCodeOf(r)).toBe(EXIT.notChecked);
    const text = renderText(r);
    expect(text).toContain("accounts exotel (a): NOT CHECKED (no exotel credentials: missing ...)");
    expect(text).toContain(
      "accounts plivo: not read (no credentials, and no listed stack has resources of it)",
    );
    expect(text).toContain(
      "result: the stack matches the file, but the exotel (a) account(s) were NOT checked",
    );
    expect(text).not.toContain("no drift");
  });
});
