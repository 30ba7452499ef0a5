/** The purchase engine, the release engine and the candidate pool, with scripted vendor answers. */
import { claim, isClaimed, unclaim } from "../../provider/core/claims.js";
import { VendorApiError } from "../../provider/core/errors.js";
import { labelFor, labelled } from "../../provider/core/labels.js";
import { CandidatePool } from "../../provider/core/pool.js";
import { purchase, release } from "../../provider/core/purchase.js";

const fast = { windowMs: 60, firstDelayMs: 5, maxDelayMs: 20, extraLooks: 2 };
const ambiguous = () => new VendorApiError({ vendor: "exotel", operation: "rentNumber", ambiguous: true });
const status = (s: number, retryAfter?: number) =>
  new VendorApiError({
    vendor: "exotel",
    operation: "rentNumber",
    status: s,
    ambiguous: s >= 500,
    retryAfter,
  });

describe("purchase", () => {
  it("asks again after a 429 (a refusal) and returns what was bought", async () => {
    let calls = 0;
    const out = await purchase({
      what: "rent",
      settle: fast,
      buy: async () => {
        if (calls++ === 0) throw status(429, 0);
        return "n1";
      },
      findHeld: async () => undefined,
    });
    expect(out).toEqual({ outcome: "bought", value: "n1", recovered: false });
    expect(calls).toBe(2);
  });

  it("keeps looking after an ambiguous failure until the request lands", async () => {
    let looks = 0;
    const out = await purchase({
      what: "rent",
      settle: { ...fast, windowMs: 10_000 }, // found on the third look, long before the window ends
      buy: async () => {
        throw ambiguous();
      },
      findHeld: async () => (++looks >= 3 ? "landed" : undefined),
    });
    expect(out).toEqual({ outcome: "bought", value: "landed", recovered: true });
    expect(looks).toBe(3);
  });

  it("calls it not bought only when a look after the window finds nothing", async () => {
    const looks: number[] = [];
    const start = Date.now();
    const out = await purchase({
      what: "rent",
      settle: fast,
      buy: async () => {
        throw ambiguous();
      },
      findHeld: async () => {
        looks.push(Date.now() - start);
        return undefined;
      },
    });
    expect(out).toMatchObject({ outcome: "taken", afterAmbiguous: true });
    expect(looks.length).toBeGreaterThan(1);
    expect(looks[looks.length - 1]).toBeGreaterThanOrEqual(fast.windowMs);
  });

  it("is uncertain when the looks themselves fail: a failed look-up is not 'not bought'", async () => {
    let looks = 0;
    const out = await purchase({
      what: "rent",
      settle: fast,
      buy: async () => {
        throw ambiguous();
      },
      findHeld: async () => {
        looks++;
        if (looks === 1) return undefined; // nothing yet, early
        throw status(503);
      },
    });
    expect(out).toMatchObject({ outcome: "uncertain" });
    expect((out as { reason: string }).reason).toMatch(/could not be checked/);
  });

  it("treats a not-available answer as taken and other client errors as failures", async () => {
    await expect(
      purchase({
        what: "rent",
        settle: fast,
        buy: async () => Promise.reject(status(400)),
        findHeld: async () => undefined,
      }),
    ).resolves.toMatchObject({ outcome: "taken", afterAmbiguous: false });
    await expect(
      purchase({
        what: "rent",
        settle: fast,
        buy: async () => Promise.reject(status(401)),
        findHeld: async () => undefined,
      }),
    ).rejects.toThrow(/HTTP 401/);
  });
});

describe("release", () => {
  it("counts a number gone after an ambiguous failure as released, and fails loudly otherwise", async () => {
    let held = true;
    await release({
      what: "release",
      settle: fast,
      release: async () => {
        held = false; // applied, answer lost
        throw ambiguous();
      },
      isHeld: async () => held,
    });
    await expect(
      release({
        what: "release",
        settle: fast,
        release: async () => Promise.reject(ambiguous()),
        isHeld: async () => true,
      }),
    ).rejects.toThrow(VendorApiError);
    await expect(
      release({
        what: "release",
        settle: fast,
        release: async () => Promise.reject(status(404)),
        isHeld: async () => true,
      }),
    ).resolves.toBeUndefined();
  });
});

describe("CandidatePool", () => {
  it("shares one search between creates and searches again only after purchases settle", async () => {
    const stock = Array.from({ length: 25 }, (_, i) => `+1555000${String(i).padStart(4, "0")}`);
    const rented = new Set<string>();
    let searches = 0;
    const pool = new CandidatePool(
      "test:pool",
      async () => {
        searches++;
        return stock.filter((n) => !rented.has(n)).slice(0, 10); // a search answers at most 10
      },
      (n: string) => n,
    );
    const got = await Promise.all(
      Array.from({ length: 25 }, async () => {
        const n = await pool.take();
        if (n === undefined) return undefined;
        await new Promise((r) => setTimeout(r, 5));
        rented.add(n);
        pool.settle();
        return n;
      }),
    );
    expect(new Set(got).size).toBe(25);
    expect(searches).toBeLessThanOrEqual(6);
    // Dry: one more search finds nothing new and nothing is in flight.
    await expect(pool.take()).resolves.toBeUndefined();
    for (const n of stock) unclaim("test:pool", n);
  });

  it("never hands out a number another create has claimed", async () => {
    claim("test:pool2", "+15550000001");
    const pool = new CandidatePool(
      "test:pool2",
      async () => ["+15550000001", "+15550000002"],
      (n: string) => n,
    );
    await expect(pool.take()).resolves.toBe("+15550000002");
    expect(isClaimed("test:pool2", "+15550000002")).toBe(true);
  });
});

describe("labels", () => {
  it("are stable for the same identity and inputs, differ for new inputs, and name the resource", () => {
    const a = labelFor("proj/dev/support", { region: "KA" });
    expect(a).toBe(labelFor("proj/dev/support", { region: "KA", __provider: "x" }));
    expect(a).not.toBe(labelFor("proj/dev/support", { region: "DL" }));
    expect(labelled("+9180", a).identity).toBe("proj/dev/support");
    const long = labelFor(`proj/dev/${"x".repeat(200)}`, {});
    expect(long.length).toBeLessThanOrEqual(64);
    expect(labelled("+9180", long).identity).toBeUndefined();
  });
});
