import { ListLookup } from "../../provider/core/list-lookup.js";

interface Item {
  id: string;
}

/**
 * A list that grows (items appended, as a rent appends a cost entry), walked 10 a page with latency;
 * a page's cursor is the index it starts at. `snapshot`: a walk shows only the items held when it
 * started (the worst case of a live list); `shuffled`: new items go first (a list kept in no order).
 */
function list(
  n: number,
  opts: {
    delayMs?: number;
    failAt?: number;
    snapshot?: boolean;
    shuffled?: boolean;
    badCursor?: boolean;
  } = {},
) {
  const items: Item[] = Array.from({ length: n }, (_, i) => ({ id: `n${i}` }));
  const calls = { pages: 0, walks: 0, fromCursor: 0 };
  let now = 0;
  const lookup = new ListLookup<Item, number>(
    async function* (from) {
      calls.walks++;
      if (from !== undefined) calls.fromCursor++;
      if (from !== undefined && opts.badCursor) throw new Error("invalid cursor");
      const walked = opts.snapshot ? [...items] : items;
      for (let i = from ?? 0; i < walked.length; i += 10) {
        await new Promise((r) => setTimeout(r, opts.delayMs ?? 1));
        calls.pages++;
        if (opts.failAt === calls.pages) throw new Error("list failed");
        yield { items: walked.slice(i, i + 10), at: i === 0 ? undefined : i };
      }
    },
    (x) => x.id,
    { gatherMs: 5, ttlMs: 1_000, now: () => now },
  );
  const add = (id: string) => (opts.shuffled ? items.unshift({ id }) : items.push({ id }));
  return { items, calls, lookup, add, tick: (ms: number) => (now += ms) };
}

describe("ListLookup", () => {
  it("gathers as long as gatherMs says before each walk: lookups spread over it share one walk", async () => {
    const run = async (gatherMs: number) => {
      let walks = 0;
      let asked = 0;
      const lookup = new ListLookup<Item, number>(
        async function* () {
          walks++;
          await new Promise((r) => setTimeout(r, 1));
          yield { items: [{ id: "a" }, { id: "b" }, { id: "c" }], at: undefined };
        },
        (x) => x.id,
        {
          gatherMs: () => {
            asked++;
            return gatherMs;
          },
          ttlMs: 0,
        },
      );
      const later = (ms: number, id: string) =>
        new Promise((r) => setTimeout(r, ms)).then(() => lookup.get(id));
      const got = await Promise.all([lookup.get("a"), later(100, "b"), later(200, "c")]);
      expect(got.map((x) => x?.id)).toEqual(["a", "b", "c"]);
      return { walks, asked };
    };
    // Busy (requests queue for the rate limit): one walk answers all three.
    expect(await run(400)).toEqual({ walks: 1, asked: 1 });
    // Idle: each lookup walks soon after it came in.
    expect(await run(5)).toEqual({ walks: 3, asked: 3 });
  });

  it("answers the lookups waiting at once from one walk, paging only as far as they need", async () => {
    const l = list(100);
    const got = await Promise.all(["n3", "n12", "n25"].map((id) => l.lookup.get(id)));
    expect(got.map((x) => x?.id)).toEqual(["n3", "n12", "n25"]);
    expect(l.calls).toMatchObject({ walks: 1, pages: 3 });
  });

  it("says undefined for an id the list does not hold, after one whole walk", async () => {
    const l = list(30);
    expect(await l.lookup.get("missing")).toBeUndefined();
    expect(l.calls).toMatchObject({ walks: 1, pages: 3 });
  });

  it("a lookup that came in during a walk and was not found waits for the next walk (its item may be new)", async () => {
    const l = list(30, { delayMs: 20, snapshot: true });
    const missing = l.lookup.get("missing");
    await new Promise((r) => setTimeout(r, 30)); // the walk is under way
    l.add("late");
    const late = l.lookup.get("late");
    expect(await missing).toBeUndefined(); // waited since before the walk: not in the list
    expect((await late)?.id).toBe("late"); // found by the next walk
    expect(l.calls.walks).toBe(2);
  });

  it("answers from what a walk saw until its lifetime ends, then walks again", async () => {
    const l = list(20);
    await l.lookup.get("n0");
    expect((await l.lookup.get("n5"))?.id).toBe("n5"); // seen on the first page
    expect(l.calls.walks).toBe(1);
    l.tick(1_000);
    expect((await l.lookup.get("n5"))?.id).toBe("n5");
    expect(l.calls.walks).toBe(2);
    l.lookup.forget("n5");
    await l.lookup.get("n5");
    expect(l.calls.walks).toBe(3);
  });

  it("a failed walk fails the lookups waiting on it; the next lookup walks again", async () => {
    const l = list(30, { failAt: 2 });
    await expect(l.lookup.get("n25")).rejects.toThrow("list failed");
    expect((await l.lookup.get("n25"))?.id).toBe("n25");
    expect(l.calls.walks).toBe(2);
  });

  it("many lookups arriving over several walks cost a few walks, not one each", async () => {
    const l = list(0, { delayMs: 2 });
    const waits: Promise<Item | undefined>[] = [];
    for (let i = 0; i < 40; i++) {
      l.add(`x${i}`);
      waits.push(l.lookup.get(`x${i}`));
      if (i % 8 === 7) await new Promise((r) => setTimeout(r, 3));
    }
    expect((await Promise.all(waits)).map((x) => x?.id)).toEqual(l.items.map((x) => x.id));
    expect(l.calls.walks).toBeLessThan(12);
  });

  it("walks from the last page a recent walk read: new items cost a page, not the whole list", async () => {
    const l = list(95);
    await l.lookup.get("n94"); // a whole walk: 10 pages
    l.add("new1");
    l.add("new2");
    const got = await Promise.all([l.lookup.get("new1"), l.lookup.get("new2")]);
    expect(got.map((x) => x?.id)).toEqual(["new1", "new2"]);
    expect(l.calls).toEqual({ walks: 2, pages: 11, fromCursor: 1 });
  });

  it("a tail walk never says missing: what it does not find is looked up by a whole walk", async () => {
    const l = list(35, { shuffled: true });
    await l.lookup.get("n34");
    l.add("first"); // lands at the head of the list, before the tail
    expect((await l.lookup.get("first"))?.id).toBe("first");
    expect((await l.lookup.get("n40"))?.id).toBeUndefined();
    expect(l.calls.walks).toBe(5); // whole, tail, whole (found on its first page), tail, whole
  });

  it("a tail cursor the vendor refuses falls back to a whole walk", async () => {
    const l = list(35, { badCursor: true });
    await l.lookup.get("n34");
    l.add("new");
    expect((await l.lookup.get("new"))?.id).toBe("new");
    expect(l.calls).toMatchObject({ walks: 3, fromCursor: 1 });
  });
});
