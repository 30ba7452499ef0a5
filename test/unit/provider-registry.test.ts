import { provider } from "../../provider/index.js";

describe("provider(kind)", () => {
  it("names the missing kind and says how to fix it", () => {
    expect(() => provider("no-such-kind")).toThrow(/no resource kind "no-such-kind".*install that version/);
  });
});
