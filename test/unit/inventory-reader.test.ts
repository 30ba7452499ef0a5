import { InventoryReader, type InventoryReaderOptions } from "../../provider/core/inventory.js";

interface Item {
  id: string;
}

function account(n: number, opts: Partial<InventoryReaderOptions> = {}) {
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
    { burst: 4, windowMs: 50, ttlMs: 10_000, ...opts },
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

  /** A clock the test moves by hand, so lifetimes are exact whatever the machine's load. */
  function clock() {
    let t = 1_000_000;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  }

  it("keeps one walk for a refresh that lasts longer than a walk's lifetime while reads keep coming", async () => {
    const c = clock();
    // 100 numbers, 10 a page; reads arrive 30 ms apart for 3 s, ten times the 300 ms lifetime.
    const a = account(100, { ttlMs: 300, windowMs: 1_000, now: c.now });
    const reads: Promise<Item | undefined>[] = [];
    for (const x of [...a.items].reverse()) {
      reads.push(a.read(x.id));
      c.advance(30);
      await new Promise((r) => setImmediate(r));
    }
    const got = await Promise.all(reads);
    expect(got.every((x, i) => x?.id === a.items[a.items.length - 1 - i]?.id)).toBe(true);
    expect(a.reader.stats.walks).toBe(1);
    expect(a.calls.pages).toBe(10); // every page once: one page per 10 numbers
    expect(a.calls.singles).toBe(3); // the reads before the burst was recognised
  });

  it("a walk nobody has read from for its lifetime is not used again", async () => {
    const c = clock();
    const a = account(20, { ttlMs: 300, windowMs: 1_000, now: c.now });
    await Promise.all(a.items.map((x) => a.read(x.id)));
    expect(a.calls.pages).toBe(2);
    c.advance(301);
    const singles = a.calls.singles;
    // Still within the burst window: the reads walk again at once, from the first page.
    await Promise.all(a.items.map((x) => a.read(x.id)));
    expect(a.reader.stats.walks).toBe(2);
    expect(a.calls.pages).toBe(4);
    expect(a.calls.singles).toBe(singles);
  });

  it("confirms a few numbers a finished walk did not see one by one, without walking again", async () => {
    const c = clock();
    const a = account(30, { ttlMs: 10_000, windowMs: 1_000, now: c.now });
    await Promise.all(a.items.map((x) => a.read(x.id)));
    c.advance(2_000);
    const pages = a.calls.pages;
    const singles = a.calls.singles;
    expect(await a.read("released-1")).toBeUndefined();
    expect(await a.read("released-2")).toBeUndefined();
    expect(a.calls.pages).toBe(pages);
    expect(a.calls.singles).toBe(singles + 2);
  });
});
