import { InventoryReader } from "../../provider/core/inventory.js";

interface Item {
  id: string;
}

function account(n: number) {
  const items: Item[] = Array.from({ length: n }, (_, i) => ({ id: `n${i}` }));
  const calls = { pages: 0, singles: 0 };
  const reader = new InventoryReader<Item>(
    async function* () {
      for (let i = 0; i < items.length; i += 10) {
        calls.pages++;
        yield items.slice(i, i + 10);
      }
    },
    (x) => x.id,
    { burst: 4, windowMs: 50, ttlMs: 10_000 },
  );
  const read = (id: string) =>
    reader.read(id, async () => {
      calls.singles++;
      return items.find((x) => x.id === id);
    });
  return { items, calls, reader, read };
}

describe("InventoryReader", () => {
  it("answers a burst of reads from one walk of the list pages", async () => {
    const a = account(50);
    const got = await Promise.all(a.items.map((x) => a.read(x.id)));
    expect(got.map((x) => x?.id)).toEqual(a.items.map((x) => x.id));
    expect(a.calls.pages).toBe(5);
    expect(a.calls.singles).toBe(3); // the reads before the burst was recognised
  });

  it("walks only as far as waiting reads need (lazy)", async () => {
    const a = account(100);
    await Promise.all(["n0", "n1", "n2", "n3", "n4"].map(a.read));
    expect(a.calls.pages).toBe(1);
  });

  it("confirms a number missing from the walk with a single read before calling it gone", async () => {
    const a = account(20);
    await Promise.all(a.items.map((x) => a.read(x.id)));
    const singles = a.calls.singles;
    expect(await a.read("released")).toBeUndefined();
    expect(a.calls.singles).toBe(singles + 1);
  });

  it("never answers from a walk for a number this process changed since", async () => {
    const a = account(20);
    await Promise.all(a.items.map((x) => a.read(x.id)));
    a.reader.invalidate("n7");
    const singles = a.calls.singles;
    await a.read("n7");
    expect(a.calls.singles).toBe(singles + 1);
  });

  it("walks again for numbers created after a finished walk", async () => {
    const a = account(20);
    await Promise.all(a.items.map((x) => a.read(x.id)));
    const pages = a.calls.pages;
    await new Promise((r) => setTimeout(r, 60));
    a.items.push(...Array.from({ length: 10 }, (_, i) => ({ id: `new${i}` })));
    await Promise.all(a.items.slice(20).map((x) => a.read(x.id)));
    expect(a.calls.pages).toBeGreaterThan(pages);
    expect(a.calls.singles).toBeLessThan(20 + 10);
  });
});
