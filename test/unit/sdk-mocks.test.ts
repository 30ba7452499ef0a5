import * as pulumi from "@pulumi/pulumi";

// The SDK classes under Pulumi's mocks: what they register, with which type tokens and inputs.
const registered: pulumi.runtime.MockResourceArgs[] = [];

pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      registered.push(args);
      return {
        id: `${args.name}-id`,
        state: { ...args.inputs, sid: "sid-1", phoneNumber: "+918047091234", applicationSid: "app-1" },
      };
    },
    call: (args) => args.inputs,
  },
  "project",
  "stack",
  false,
);

function value<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}

describe("SDK classes", () => {
  it("register dynamic resources with stable type tokens and a thin provider", async () => {
    const { ApifonicaApplication, ApifonicaNumber, ExoPhone, PlivoNumberOrder } = await import(
      "../../sdk/index.js"
    );
    const phone = new ExoPhone("support", { region: "KA", voiceUrl: "https://a.example/1" });
    const app = new ApifonicaApplication("ivr", { controller: "https://a.example/ivr", method: "POST" });
    new ApifonicaNumber("line", { countryCode: "GB", callAppSid: app.applicationSid });
    new PlivoNumberOrder("order", { countryIso: "US", quantity: 3 });

    expect(await value(phone.phoneNumber)).toBe("+918047091234");
    expect(await value(phone.sid)).toBe("sid-1");
    await value(app.applicationSid);
    await new Promise((r) => setTimeout(r, 50));

    const types = registered.map((r) => r.type).sort();
    expect(types).toEqual([
      "pulumi-nodejs:dynamic/phone-numbers:ApifonicaApplication",
      "pulumi-nodejs:dynamic/phone-numbers:ApifonicaNumber",
      "pulumi-nodejs:dynamic/phone-numbers:ExoPhone",
      "pulumi-nodejs:dynamic/phone-numbers:PlivoNumberOrder",
    ]);
    const exo = registered.find((r) => r.type.endsWith(":ExoPhone"))!;
    expect(exo.inputs).toMatchObject({ region: "KA", voiceUrl: "https://a.example/1" });
    // The provider text is the thin shim: it loads the provider module by name and holds no logic.
    const text = String(exo.inputs.__provider);
    expect(text).toContain('"pulumi-phone-numbers/provider"');
    expect(text).toContain('kind="exophone"');
    expect(text.length).toBeLessThan(320);
    const line = registered.find((r) => r.type.endsWith(":ApifonicaNumber"))!;
    expect(line.inputs.callAppSid).toBe("app-1");
  });
});
