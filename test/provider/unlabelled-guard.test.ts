/**
 * The pulumi process killed while a Plivo or Apifonica rent was in flight (issue 11 item 10): the vendor
 * applied it, the label (written only after the buy) never was, the engine kept only a pending create.
 * Emulated by renting through the sandbox directly, without a name, before this process's first create.
 * A search create with the same identity and criteria must rent nothing and fail naming the number;
 * with the window at 0 it rents. (Its own file: the list walk is shared once per account per process.)
 */
import { stripMeta } from "../../provider/core/check.js";
import { labelFor } from "../../provider/core/labels.js";
import { provider } from "../../provider/index.js";
import { clearLog, heldBy, requests, type Sandbox, start, vendor } from "../support/sandbox.js";

process.env.PHONE_NUMBERS_SETTLE_MS ??= "1500";

const plivo = provider("plivo-number-order");
const num = provider("apifonica-number");

const held = heldBy;

async function checked(kind: ReturnType<typeof provider>, news: Record<string, unknown>) {
  const { inputs, failures } = await kind.check!({}, { __provider: "shim", ...news });
  expect(failures ?? []).toEqual([]);
  return inputs;
}

async function rentApifonicaByHand(sb: Sandbox, country: string, pick = 0) {
  const avail = (await vendor(sb, "apifonica", "GET", `/availableNumbers/${country}?type=local`)).json as {
    available_numbers: { number: string }[];
  };
  const number = avail.available_numbers[pick]!.number;
  const rent = (await vendor(sb, "apifonica", "POST", "/numbers", { number })).json as { uri: string };
  return { number, sid: rent.uri.split("/").pop()! };
}

const rejection = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected the create to fail");
};

afterEach(() => {
  delete process.env.PHONE_NUMBERS_UNLABELLED_WINDOW_HOURS;
});

describe("a rent cut off before its label: the rerun rents nothing while uncertain", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await start();
  });
  afterAll(async () => {
    await sb.close();
  });

  it("ApifonicaNumber: fails naming the unnamed number; normal flows and the window 0 still rent", async () => {
    const orphan = await rentApifonicaByHand(sb, "GB");
    // A number named by hand (or labelled) never blocks.
    const named = await rentApifonicaByHand(sb, "GB", 1);
    expect(
      (await vendor(sb, "apifonica", "PUT", `/numbers/${named.sid}`, { name: "reception" })).status,
    ).toBe(200);
    // Another country does not match the criteria.
    await rentApifonicaByHand(sb, "US");
    const before = await held(sb, "apifonica");
    const news = await checked(num, { countryCode: "GB", type: "local", __identity: "shop/prod/uk" });
    await clearLog(sb);
    const err = await rejection(num.create!(news));
    expect(err.message).toContain(`+${orphan.number.replace(/^\+/, "")}`);
    expect(err.message).toMatch(/rented \w{3}, \d{2} \w{3} \d{4}/); // when it was rented
    expect(err.message).toContain("adopt: true");
    expect(err.message).toContain("PHONE_NUMBERS_UNLABELLED_WINDOW_HOURS=0");
    expect(err.message).not.toContain(named.number.replace(/^\+/, ""));
    expect((await requests(sb, "apifonica")).filter((r) => r.method !== "GET")).toEqual([]);
    expect(await held(sb, "apifonica")).toEqual(before);
    expect((err as unknown as { id?: string }).id).toBeUndefined(); // nothing recorded

    // The window at 0 rents anyway (another number).
    process.env.PHONE_NUMBERS_UNLABELLED_WINDOW_HOURS = "0";
    const anyway = await num.create!(news);
    expect(anyway.outs.number).not.toBe(`+${orphan.number.replace(/^\+/, "")}`);
    await num.delete!(anyway.id, anyway.outs);
    process.env.PHONE_NUMBERS_UNLABELLED_WINDOW_HOURS = "soon";
    await expect(num.create!(news)).rejects.toThrow(/PHONE_NUMBERS_UNLABELLED_WINDOW_HOURS.*number of hours/);
    delete process.env.PHONE_NUMBERS_UNLABELLED_WINDOW_HOURS;

    // Adopting it is the way on (the adopt create needs no search and no guard).
    const adopted = await num.create!(
      await checked(num, {
        number: `+${orphan.number.replace(/^\+/, "")}`,
        adopt: true,
        __identity: "shop/prod/uk",
      }),
    );
    expect(adopted.id).toBe(orphan.sid);
    // Now held by a resource of this process: the same create rents, and labels what it rents.
    const created = await num.create!(news);
    expect(created.outs.name).toBe(labelFor("shop/prod/uk", stripMeta(news)));
    expect((await held(sb, "apifonica")).length).toBe(before.length + 1);
    // Several creates in one run: the numbers they rent are claimed, none blocks another.
    const many = await Promise.all(
      [1, 2, 3].map(async (i) =>
        num.create!(await checked(num, { countryCode: "GB", type: "local", __identity: `shop/prod/uk${i}` })),
      ),
    );
    expect(new Set(many.map((m) => m.outs.number)).size).toBe(3);
    for (const m of [...many, created, adopted]) await num.delete!(m.id, m.outs);
  });
});

describe("in a fresh provider process (a new sandbox account is a new walk)", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await start({ port: 0 });
  });
  afterAll(async () => {
    await sb.close();
  });

  it("PlivoNumberOrder: fails naming the number without alias; window 0 buys", async () => {
    const search = (await vendor(sb, "plivo", "GET", "/PhoneNumber/?country_iso=US&type=local&limit=1"))
      .json as { objects: { number: string }[] };
    const digits = search.objects[0]!.number;
    expect((await vendor(sb, "plivo", "POST", `/PhoneNumber/${digits}/`, {})).status).toBe(201);
    const news = await checked(plivo, { countryIso: "US", quantity: 1, __identity: "shop/prod/us" });
    const before = await held(sb, "plivo");
    await clearLog(sb);
    const err = await rejection(plivo.create!(news));
    expect(err.message).toContain(`+${digits}`);
    expect(err.message).toMatch(/rented \d{4}-\d{2}-\d{2}/);
    expect(err.message).toContain(`numbers: ["+${digits}"], adopt: true`);
    expect((await requests(sb, "plivo")).filter((r) => r.method !== "GET")).toEqual([]);
    expect(await held(sb, "plivo")).toEqual(before);

    // Other criteria (toll-free) are not blocked by it.
    process.env.PHONE_NUMBERS_UNLABELLED_WINDOW_HOURS = "0";
    const created = await plivo.create!(news);
    expect(created.outs.numbers).not.toContain(`+${digits}`);
    expect((await held(sb, "plivo")).length).toBe(before.length + 1);
    expect(created.outs.alias).toBe(labelFor("shop/prod/us", stripMeta(news)));
    await plivo.delete!(created.id, created.outs);
  });

  it("ApifonicaNumber: a rent older than the window does not block (its first walk)", async () => {
    const orphan = await rentApifonicaByHand(sb, "GB");
    process.env.PHONE_NUMBERS_UNLABELLED_WINDOW_HOURS = "0.0000001"; // 0.36 ms: the rent is older
    await new Promise((r) => setTimeout(r, 1100)); // the vendor's dates have whole seconds
    const created = await num.create!(
      await checked(num, { countryCode: "GB", type: "local", __identity: "shop/prod/uk-old" }),
    );
    expect(created.outs.number).not.toBe(`+${orphan.number.replace(/^\+/, "")}`);
    await num.delete!(created.id, created.outs);
  });
});

describe("a list without `name` (variant apifonica-list-without-name): the record is read", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await start({ port: 0, variants: ["apifonica-list-without-name"] });
  });
  afterAll(async () => {
    await sb.close();
  });

  it("blocks on the unnamed number, not on the named one", async () => {
    const orphan = await rentApifonicaByHand(sb, "GB");
    const named = await rentApifonicaByHand(sb, "GB", 1);
    await vendor(sb, "apifonica", "PUT", `/numbers/${named.sid}`, { name: "reception" });
    const news = await checked(num, { countryCode: "GB", type: "local", __identity: "shop/prod/uk" });
    const err = await rejection(num.create!(news));
    expect(err.message).toContain(orphan.number.replace(/^\+/, ""));
    expect(err.message).not.toContain(named.number.replace(/^\+/, ""));
    expect(err.message).toMatch(/holds a number /);
    const gets = (await requests(sb, "apifonica")).filter(
      (r) => r.method === "GET" && /numbers\/num/.test(r.path),
    );
    expect(gets.length).toBeGreaterThanOrEqual(2); // each candidate's record was read
  });
});
