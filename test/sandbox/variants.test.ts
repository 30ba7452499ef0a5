/**
 * Sandbox variants as options: `--variant NAME` (repeatable) and `startSandbox({ variants })`, checked
 * names, the admin API and banner naming them, and each variant strict about its own form (raw HTTP).
 */
import { parseSandboxArgs, SANDBOX_USAGE, sandboxBanner } from "../../sandbox/cli.js";
import { DEFAULT_ACCOUNTS, startSandbox, VARIANT_NAMES, VARIANTS } from "../../sandbox/index.js";
import { adminRequest, vendorRequest } from "../../scripts/sandbox-client.js";

describe("sandbox variants", () => {
  it("parses --variant repeatedly, refuses unknown and contradictory names, and lists them in --help", () => {
    expect(parseSandboxArgs(["--variant", "exotel-outage", "--variant=exotel-v2-207"])).toEqual({
      kind: "run",
      options: { variants: ["exotel-outage", "exotel-v2-207"] },
    });
    expect(parseSandboxArgs(["--variant", "nope"])).toEqual({
      kind: "error",
      message: `unknown sandbox variant "nope"; allowed: ${VARIANT_NAMES.join(", ")}`,
    });
    expect(
      parseSandboxArgs(["--variant", "exotel-rent-national-only", "--variant", "exotel-rent-e164-only"]),
    ).toMatchObject({ kind: "error", message: expect.stringContaining("exclude each other") });
    for (const name of VARIANT_NAMES) expect(SANDBOX_USAGE).toContain(name);
    expect(Object.keys(VARIANTS)).toEqual(VARIANT_NAMES);
  });

  it("startSandbox refuses an unknown variant before listening", async () => {
    await expect(startSandbox({ port: 0, quiet: true, variants: ["exotel-typo"] })).rejects.toThrow(
      /unknown sandbox variant "exotel-typo"; allowed: /,
    );
  });

  it("names its variants in the handle, the admin API and the banner", async () => {
    const sb = await startSandbox({ port: 0, quiet: true, variants: ["exotel-url-rewrite"] });
    try {
      expect(sb.variants).toEqual(["exotel-url-rewrite"]);
      expect(await adminRequest<{ variants: string[] }>(sb, "GET", "")).toMatchObject({
        variants: ["exotel-url-rewrite"],
      });
      expect(sandboxBanner(sb)).toContain("Variants   exotel-url-rewrite");
      expect(sandboxBanner({ url: sb.url, accounts: DEFAULT_ACCOUNTS })).not.toContain("Variants");
    } finally {
      await sb.close();
    }
  });

  it("each variant answers one form only: the rent's PhoneNumber, the stored URL, the number filter", async () => {
    const sb = await startSandbox({
      port: 0,
      quiet: true,
      variants: ["exotel-rent-national-only", "exotel-url-rewrite", "apifonica-strict-number-filter"],
    });
    try {
      const search = await vendorRequest(
        sb,
        "exotel",
        "GET",
        "/AvailablePhoneNumbers/IN/Landline?InRegion=DL",
      );
      const [a] = search.json as Array<{ phone_number: string }>;
      const e164 = await vendorRequest(sb, "exotel", "POST", "/IncomingPhoneNumbers", {
        PhoneNumber: a!.phone_number,
      });
      expect(e164.status).toBe(400);
      const national = `0${a!.phone_number.slice(3)}`;
      const rented = await vendorRequest(sb, "exotel", "POST", "/IncomingPhoneNumbers", {
        PhoneNumber: national,
        VoiceUrl: "http://my.exotel.com/x/exoml/start_voice/1",
      });
      expect(rented.status).toBe(200);
      expect(rented.json).toMatchObject({
        phone_number: a!.phone_number,
        voice_url: "https://my.exotel.in/x/exoml/start_voice/1",
      });

      const offer = await vendorRequest(sb, "apifonica", "GET", "/availableNumbers/gb");
      const [n] = (offer.json as { available_numbers: Array<{ number: string }> }).available_numbers;
      expect((await vendorRequest(sb, "apifonica", "POST", "/numbers", { number: n!.number })).status).toBe(
        201,
      );
      const count = async (q: string) =>
        (
          (await vendorRequest(sb, "apifonica", "GET", `/numbers?number=${encodeURIComponent(q)}`)).json as {
            numbers: unknown[];
          }
        ).numbers.length;
      expect(await count(n!.number.slice(1))).toBe(1);
      expect(await count(n!.number)).toBe(0);
    } finally {
      await sb.close();
    }
  });

  it("the default sandbox forgives a + in the number filter and stores URLs verbatim", async () => {
    const sb = await startSandbox({ port: 0, quiet: true });
    try {
      const offer = await vendorRequest(sb, "apifonica", "GET", "/availableNumbers/gb");
      const [n] = (offer.json as { available_numbers: Array<{ number: string }> }).available_numbers;
      await vendorRequest(sb, "apifonica", "POST", "/numbers", { number: n!.number });
      const listed = await vendorRequest(
        sb,
        "apifonica",
        "GET",
        `/numbers?number=${encodeURIComponent(n!.number)}`,
      );
      expect((listed.json as { numbers: unknown[] }).numbers).toHaveLength(1);
    } finally {
      await sb.close();
    }
  });
});
