/**
 * An uncertain record (a rent that failed ambiguously and could not be checked) is looked at until the
 * settle window since the failed rent has passed, by read, update and delete alike: an answer of "not
 * held" given before a late rent lands would leave a billed number in no state.
 */
import { settleMark } from "../../provider/core/one-number.js";

const WINDOW_MS = 400;
const markSince = (agoMs: number) => ({
  number: "+15550001111",
  reason: "test",
  since: new Date(Date.now() - agoMs).toISOString(),
});

beforeAll(() => {
  process.env["PHONE_NUMBERS_SETTLE_MS"] = String(WINDOW_MS);
});
afterAll(() => {
  delete process.env["PHONE_NUMBERS_SETTLE_MS"];
});

describe("settleMark", () => {
  it("finds a rent that lands within the window since the mark, though the first look saw nothing", async () => {
    const landsAt = Date.now() + 250;
    let looks = 0;
    const held = await settleMark("ExoPhone", markSince(0), async () => {
      looks++;
      return Date.now() >= landsAt ? "sid-1" : undefined;
    });
    expect(held).toBe("sid-1");
    expect(looks).toBeGreaterThan(1);
  });

  it("answers not held after one look when the window since the mark has passed", async () => {
    let looks = 0;
    const held = await settleMark("ExoPhone", markSince(10 * WINDOW_MS), async () => {
      looks++;
      return undefined;
    });
    expect(held).toBeUndefined();
    expect(looks).toBe(1);
  });

  it("throws, naming the number and keeping the record, when the account cannot be checked", async () => {
    await expect(
      settleMark("ApifonicaNumber", markSince(10 * WINDOW_MS), async () => {
        throw new Error("HTTP 503");
      }),
    ).rejects.toThrow(/ApifonicaNumber: \+15550001111 was recorded as uncertain .*HTTP 503.*stays recorded/);
  });
});
