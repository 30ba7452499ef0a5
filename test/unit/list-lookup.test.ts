import { ListLookup } from "../../provider/core/list-lookup.js";

interface Item {
  id: string;
}

/** A list that grows (items appended, as a rent appends a cost entry), walked 10 a page with latency. */
function list(n: number, opts: { delayMs?: number; failAt?: number; snapshot?: boolean } = {}) {
  const items: Item[] = Array.from({ length: n }, (_, i) => ({ id: `n${i}` }));
  const calls = { pages: 0, walks: 0 };
  let now = 0;
  const lookup = new ListLookup<Item>(
    async function* () {
      calls.walks++;
      // snapshot: a walk shows only the items held when it started (the worst case of a live list).
      const walked = opts.snapshot ? [...items] : items;
      for (let i = 0; i < walked.length; i += 10) {
        await new Promise((r) => setTimeout(r, opts.delayMs ?? 1));
        calls.pages++;
        if (opts.failAt === calls.pages) throw new Error("list failed");
        yield walked.slice(i, i + 10);
      }
    },
    (x) => x.id,
    { gatherMs: 5, ttlMs: 1_000, now: () => now },
  );
  const add = (id: string) => items.push({ id });
  return { items, calls, lookup, add, tick: (ms: number) => (now += ms) };
}

describe("ListLookup", () => {
  it("answers the lookups waiting at once from one walk, paging only as far as they need", async () => {
    const l = list(100);
    const got = await Promise.all(["n3", "n12", "n25"].map((id) => l.lookup.get(id)));
    expect(got.map((x) => x?.id)).toEqual(["n3", "n12", "n25"]);
    expect(l.calls).toEqual({ walks: 1, pages: 3 });
  });

  it("says undefined for an id the list does not hold, after one whole walk", async () => {
    const l = list(30);
    expect(await l.lookup.get("missing")).toBeUndefined();
    expect(l.calls).toEqual({ walks: 1, pages: 3 });
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
});
