/**
 * Purchase intents (provider/core/intents.ts): a provider process killed (SIGKILL) while its buy is in
 * flight, on Plivo and Apifonica where the label is written only after the buy. The vendor applies the
 * buy after the kill, so the account holds a number with no label that no state names; the rerun's
 * create (this process, same inputs and identity) must take that number instead of renting another.
 * Also: an intent whose buy never landed does not stop a rent, and one whose number is someone else's
 * is not taken.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stripMeta } from "../../provider/core/check.js";
import { Intents, intentDir } from "../../provider/core/intents.js";
import { labelFor } from "../../provider/core/labels.js";
import { provider } from "../../provider/index.js";
import { sandboxStackConfig } from "../../scripts/sandbox-client.js";
import { admin, clearLog, fault, heldBy, requests, type Sandbox, start, vendor } from "../support/sandbox.js";

process.env.PHONE_NUMBERS_SETTLE_MS ??= "1500";
// An intent directory of this file's own: other suites running at the same time (the fault campaign)
// leave intents of their ambiguous buys in the run's shared one, by design.
process.env.PHONE_NUMBERS_INTENT_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "phone-numbers-intents-test-"));

const plivo = provider("plivo-number-order");
const num = provider("apifonica-number");
const root = path.resolve(import.meta.dirname, "..", "..");
let sb: Sandbox;
let config: Record<string, string>;

beforeAll(async () => {
  sb = await start();
  const { config: plain, secrets } = sandboxStackConfig(sb);
  config = { ...plain, ...secrets, "plivo:rateLimit": "100000/60s", "apifonica:rateLimit": "100000/60s" };
});
afterAll(async () => {
  await sb.close();
});

const heldNumbers = (v: "plivo" | "apifonica") => heldBy(sb, v);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const posts = async (v: string) => (await requests(sb, v)).filter((r) => r.method === "POST");

async function checked(kind: ReturnType<typeof provider>, news: Record<string, unknown>) {
  const { inputs, failures } = await kind.check!({}, { __provider: "shim", ...news });
  expect(failures ?? []).toEqual([]);
  return inputs;
}

const CHILD = `
const { pathToFileURL } = await import("node:url");
const m = await import(pathToFileURL(process.env.PROVIDER_MODULE).href);
const config = JSON.parse(process.env.CHILD_CONFIG);
m.setConfigSource((k) => config[k]);
await m.provider(process.env.CHILD_KIND).create(JSON.parse(process.env.CHILD_NEWS));
`;

/** Runs one create in a provider process of its own and kills it once its buy is held up in the sandbox. */
async function killedCreate(kind: string, news: Record<string, unknown>, buyPath: string): Promise<void> {
  await fault(sb, {
    vendor: kind.startsWith("plivo") ? "plivo" : "apifonica",
    method: "POST",
    path: buyPath,
    times: 1,
    action: { type: "latency", ms: 2500, apply: "end" },
  });
  const child = spawn(process.execPath, ["--input-type=module", "-e", CHILD], {
    env: {
      ...process.env,
      PROVIDER_MODULE: path.join(root, "dist", "provider", "index.js"),
      CHILD_CONFIG: JSON.stringify(config),
      CHILD_KIND: kind,
      CHILD_NEWS: JSON.stringify(news),
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let fired = 0;
  for (let i = 0; i < 200 && fired === 0; i++) {
    const f = await admin<{ fired: Record<string, number> }>(sb, "GET", "faults");
    fired = Object.values(f.fired).reduce((a, b) => a + b, 0);
    if (fired === 0) await sleep(50);
  }
  expect(fired).toBe(1);
  child.kill("SIGKILL");
  await exited;
  await sleep(3000); // the sandbox applies the held-up buy once its latency is over
  await admin(sb, "DELETE", "faults");
}

describe("a rerun after the provider process was killed during a buy takes the number that landed", () => {
  it("ApifonicaNumber: one number held, labelled by the rerun, nothing rented again", async () => {
    const news = await checked(num, { countryCode: "GB", __identity: "shop/prod/killed-uk" });
    const before = await heldNumbers("apifonica");
    await killedCreate("apifonica-number", news, "/numbers$");
    const landed = (await heldNumbers("apifonica")).filter((n) => !before.includes(n));
    expect(landed).toHaveLength(1); // the buy landed after the kill: held, unlabelled, in no state
    await clearLog(sb);
    const created = await num.create!(news);
    expect(created.outs.number).toBe(`+${landed[0]!.replace(/^\+/, "")}`);
    expect(created.outs.name).toBe(labelFor("shop/prod/killed-uk", stripMeta(news)));
    expect(await posts("apifonica")).toEqual([]); // nothing rented
    expect((await heldNumbers("apifonica")).length).toBe(before.length + 1);
    expect(fs.readdirSync(intentDir()).filter((f) => f.includes("-44"))).toEqual([]);
    await num.delete!(created.id, created.outs);
    expect((await heldNumbers("apifonica")).length).toBe(before.length);
  });

  it("PlivoNumberOrder: the order takes the number that landed and buys only the rest", async () => {
    const news = await checked(plivo, { countryIso: "US", quantity: 2, __identity: "shop/prod/killed-us" });
    const before = await heldNumbers("plivo");
    await killedCreate("plivo-number-order", news, "/PhoneNumber/[^/]+/$");
    const landed = (await heldNumbers("plivo")).filter((n) => !before.includes(n));
    expect(landed).toHaveLength(1);
    await clearLog(sb);
    const created = await plivo.create!(news);
    const numbers = created.outs.numbers as string[];
    expect(numbers).toHaveLength(2);
    expect(numbers).toContain(`+${landed[0]!.replace(/^\+/, "")}`);
    const buys = (await posts("plivo")).filter((r) => /\/PhoneNumber\//.test(r.path));
    expect(buys).toHaveLength(1); // only the second number
    expect((await heldNumbers("plivo")).length).toBe(before.length + 2);
    await plivo.delete!(created.id, created.outs);
    expect((await heldNumbers("plivo")).length).toBe(before.length);
  });
});

describe("intents that are not a landed buy of this create", () => {
  const apifonicaKey = () => `apifonica:${config["apifonica:baseUrl"]}:${config["apifonica:accountSid"]}`;

  it("a buy that never landed: the rerun rents as usual and removes the intent", async () => {
    const news = await checked(num, { countryCode: "GB", __identity: "shop/prod/never-landed" });
    const intents = new Intents(apifonicaKey(), labelFor("shop/prod/never-landed", stripMeta(news)));
    const avail = (await vendor(sb, "apifonica", "GET", "/availableNumbers/GB")).json as {
      available_numbers: { number: string }[];
    };
    const ghost = avail.available_numbers.at(-1)!.number;
    intents.record(ghost);
    expect(intents.pending().map((i) => i.number)).toEqual([ghost]);
    await clearLog(sb);
    const created = await num.create!(news);
    expect(await posts("apifonica")).toHaveLength(1); // one rent
    expect(intents.pending()).toEqual([]);
    await num.delete!(created.id, created.outs);
  });

  it("a number someone else holds under a name of theirs is not taken", async () => {
    const news = await checked(num, { countryCode: "GB", __identity: "shop/prod/other" });
    const intents = new Intents(apifonicaKey(), labelFor("shop/prod/other", stripMeta(news)));
    const avail = (await vendor(sb, "apifonica", "GET", "/availableNumbers/GB")).json as {
      available_numbers: { number: string }[];
    };
    const theirs = avail.available_numbers[0]!.number;
    const rent = (await vendor(sb, "apifonica", "POST", "/numbers", { number: theirs })).json as {
      uri: string;
    };
    const sid = rent.uri.split("/").pop()!;
    await vendor(sb, "apifonica", "PUT", `/numbers/${sid}`, { name: "front desk" });
    intents.record(theirs);
    const created = await num.create!(news);
    expect(created.id).not.toBe(sid);
    expect(created.outs.number).not.toBe(theirs);
    expect(intents.pending()).toEqual([]);
    await num.delete!(created.id, created.outs);
    await vendor(sb, "apifonica", "DELETE", `/numbers/${sid}`);
  });
});
