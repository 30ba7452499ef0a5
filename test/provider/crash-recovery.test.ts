/**
 * Creates that survive a crash (issue 11 item 10). The process was killed after the vendor applied a
 * rent: the engine kept only a pending create, and the next `up` creates again with the same inputs.
 * Simulated here by renting and labelling a number directly, as the killed process did, before this
 * process's first create: the create must take that number instead of renting a second one.
 * (Its own file: the label walk is shared once per account per provider process.)
 */
import { stripMeta } from "../../provider/core/check.js";
import { labelFor } from "../../provider/core/labels.js";
import { provider } from "../../provider/index.js";
import { admin, clearLog, requests, type Sandbox, start, vendor } from "../support/sandbox.js";

process.env.PHONE_NUMBERS_SETTLE_MS ??= "1500";

const exo = provider("exophone");
const plivo = provider("plivo-number-order");
const num = provider("apifonica-number");
let sb: Sandbox;

beforeAll(async () => {
  sb = await start();
});
afterAll(async () => {
  await sb.close();
});

type Holdings = Record<"exotel" | "plivo" | "apifonica", Record<string, string[]>>;
const held = async (v: keyof Holdings) =>
  Object.values((await admin<Holdings>(sb, "GET", "holdings"))[v]).reduce((n, l) => n + l.length, 0);

async function checked(kind: ReturnType<typeof provider>, news: Record<string, unknown>) {
  const { inputs, failures } = await kind.check!({}, { __provider: "shim", ...news });
  expect(failures ?? []).toEqual([]);
  return inputs;
}

const writes = async (v: string) => (await requests(sb, v)).filter((r) => r.method !== "GET");

describe("a rerun after the process was killed mid-rent takes the number it rented", () => {
  it("ExoPhone (label in FriendlyName, written with the rent)", async () => {
    const news = await checked(exo, { region: "KA", __identity: "shop/prod/support" });
    const label = labelFor("shop/prod/support", stripMeta(news));
    const [candidate] = (await vendor(sb, "exotel", "GET", "/AvailablePhoneNumbers/IN/Landline?InRegion=KA"))
      .json as { phone_number: string }[];
    const orphan = (
      await vendor(sb, "exotel", "POST", "/IncomingPhoneNumbers", {
        PhoneNumber: candidate!.phone_number,
        FriendlyName: label,
      })
    ).json as { sid: string };
    const before = await held("exotel");
    await clearLog(sb);
    const created = await exo.create!(news);
    expect(created.id).toBe(orphan.sid);
    expect(await writes("exotel")).toEqual([]); // nothing rented
    expect(await held("exotel")).toBe(before);

    // A resource replaced with unchanged inputs (`up --replace`) gives its number to the new one:
    // deleting the old one in the same process keeps it; deleting the new one releases it.
    const { __tookByLabel: _mark, ...oldProps } = created.outs;
    await exo.delete!(created.id, oldProps);
    expect(await held("exotel")).toBe(before);
    await exo.delete!(created.id, created.outs);
    expect(await held("exotel")).toBe(before - 1);
  });

  it("ExoPhone rents with the label when nothing carries it, and a user-set friendlyName wins", async () => {
    const plain = await checked(exo, { region: "DL", __identity: "shop/prod/sales" });
    const a = await exo.create!(plain);
    expect(a.outs.friendlyName).toBe(labelFor("shop/prod/sales", stripMeta(plain)));
    const named = await checked(exo, { region: "DL", friendlyName: "sales", __identity: "shop/prod/sales2" });
    const b = await exo.create!(named);
    expect(b.outs.friendlyName).toBe("sales");
    await exo.delete!(a.id, a.outs);
    await exo.delete!(b.id, b.outs);
  });

  it("PlivoNumberOrder (label in alias, written right after the buy)", async () => {
    const news = await checked(plivo, { countryIso: "US", quantity: 1, __identity: "shop/prod/us" });
    const label = labelFor("shop/prod/us", stripMeta(news));
    const search = (await vendor(sb, "plivo", "GET", "/PhoneNumber/?country_iso=US&limit=1")).json as {
      objects: { number: string }[];
    };
    const digits = search.objects[0]!.number;
    expect((await vendor(sb, "plivo", "POST", `/PhoneNumber/${digits}/`, {})).status).toBe(201);
    expect((await vendor(sb, "plivo", "POST", `/Number/${digits}/`, { alias: label })).status).toBeLessThan(
      300,
    );
    const before = await held("plivo");
    await clearLog(sb);
    const created = await plivo.create!(news);
    expect(created.outs.numbers).toEqual([`+${digits}`]);
    expect(await writes("plivo")).toEqual([]);
    expect(await held("plivo")).toBe(before);
    await plivo.delete!(created.id, created.outs);
    expect(await held("plivo")).toBe(before - 1);
  });

  it("ApifonicaNumber (label in name, written right after the rent)", async () => {
    const news = await checked(num, { countryCode: "GB", __identity: "shop/prod/uk" });
    const label = labelFor("shop/prod/uk", stripMeta(news));
    const avail = (await vendor(sb, "apifonica", "GET", "/availableNumbers/GB")).json as {
      available_numbers: { number: string }[];
    };
    const rent = (
      await vendor(sb, "apifonica", "POST", "/numbers", { number: avail.available_numbers[0]!.number })
    ).json as { uri: string };
    const sid = rent.uri.split("/").pop()!;
    expect((await vendor(sb, "apifonica", "PUT", `/numbers/${sid}`, { name: label })).status).toBe(200);
    const before = await held("apifonica");
    await clearLog(sb);
    const created = await num.create!(news);
    expect(created.id).toBe(sid);
    expect((await writes("apifonica")).filter((r) => r.method === "POST")).toEqual([]);
    expect(await held("apifonica")).toBe(before);
    await num.delete!(created.id, created.outs);
    expect(await held("apifonica")).toBe(before - 1);
  });
});
