/**
 * Acceptance tests against real vendor accounts, opt-in the way Terraform providers do it (TF_ACC).
 *
 *   PHONE_NUMBERS_LIVE=exotel,plivo,apifonica   which vendors to check (credentials from the
 *                                               environment, as the provider reads them: README)
 *   PHONE_NUMBERS_LIVE_PURCHASE=1               also rent one number per vendor, then release it
 *   PHONE_NUMBERS_LIVE_MAX_SPEND=500            required with PURCHASE: the most one number may cost
 *                                               (one-time plus first month, in the vendor's currency)
 *
 * Without them every test here is skipped, and the suite says why. Read-only checks never write;
 * a purchase costs real money and is released in `afterAll` even when a check fails.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { VENDORS, type Vendor } from "../../cli/credentials.js";
import { doctor, formatReport } from "../../cli/doctor.js";
import { apifonicaClient } from "../../provider/apifonica/client.js";
import {
  apifonicaSettings,
  exotelSettings,
  plivoSettings,
  setConfigSource,
} from "../../provider/core/config.js";
import { exotelClient } from "../../provider/exotel/client.js";
import { provider } from "../../provider/index.js";
import { plivoClient } from "../../provider/plivo/client.js";

const live = new Set(
  (process.env.PHONE_NUMBERS_LIVE ?? "")
    .split(",")
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v !== ""),
);
const unknown = [...live].filter((v) => !(VENDORS as readonly string[]).includes(v));
const purchase = process.env.PHONE_NUMBERS_LIVE_PURCHASE === "1";
const capText = process.env.PHONE_NUMBERS_LIVE_MAX_SPEND;
const cap = capText === undefined || capText.trim() === "" ? undefined : Number(capText);

const HOW =
  "set PHONE_NUMBERS_LIVE=exotel,plivo,apifonica (any of them) and that vendor's credentials to run read-only checks against a real account";

/** Why a vendor's live tests are skipped, or undefined when they run. */
function skipReason(vendor: Vendor): string | undefined {
  if (!live.has(vendor)) return `PHONE_NUMBERS_LIVE does not name ${vendor}: ${HOW}`;
  return undefined;
}

function purchaseSkip(vendor: Vendor): string | undefined {
  if (skipReason(vendor)) return skipReason(vendor);
  if (!purchase) return "PHONE_NUMBERS_LIVE_PURCHASE=1 is not set (a purchase costs real money)";
  // Apifonica shows a number's price only once it is held (balance/numbers): no cap could be kept.
  if (vendor === "apifonica")
    return "Apifonica shows no price before renting, so the spending cap cannot be kept";
  return undefined;
}

// Said once, on one line, when nothing is enabled: the default `npm test` output stays one line longer at most.
if (live.size === 0) process.stderr.write(`test/live: skipped, ${HOW}\n`);

describe("live acceptance: settings", () => {
  it("names only known vendors, and a purchase only with a spending cap", () => {
    expect(unknown).toEqual([]);
    if (purchase) {
      expect({ PHONE_NUMBERS_LIVE_MAX_SPEND: capText }).toEqual({
        PHONE_NUMBERS_LIVE_MAX_SPEND: expect.any(String),
      });
      expect(Number.isFinite(cap) && (cap ?? 0) > 0).toBe(true);
    }
  });
});

for (const vendor of VENDORS) {
  const reason = skipReason(vendor);
  const suite = reason ? describe.skip : describe;
  suite(`${vendor} live, read-only${reason ? ` (skipped: ${reason})` : ""}`, () => {
    beforeAll(() => setConfigSource(() => undefined)); // the environment only

    it("passes the doctor: authenticated, every answer matches the client's schemas", async () => {
      const { report } = await doctor({ vendors: [vendor], source: {} });
      if (!report.ok) throw new Error(`the doctor found problems:\n${formatReport(report)}`);
      expect(report.vendors.map((v) => v.vendor)).toEqual([vendor]);
    });

    it("walks the account's list and reads each of the first numbers through the provider", async () => {
      const held = await firstHeld(vendor, 3);
      for (const props of held) {
        const kind = KINDS[vendor];
        const read = await provider(kind).read!(String(props.id), props.props);
        expect(read.id).toBe(props.id);
      }
    });
  });

  const pReason = purchaseSkip(vendor);
  const buy = pReason ? describe.skip : describe;
  buy(`${vendor} live purchase${pReason ? ` (skipped: ${pReason})` : ""}`, () => {
    let bought: { id: string; outs: Record<string, unknown> } | undefined;
    beforeAll(() => setConfigSource(() => undefined));
    afterAll(async () => {
      if (bought) await provider(KINDS[vendor]).delete!(bought.id, bought.outs);
    });

    it(`rents one number costing at most PHONE_NUMBERS_LIVE_MAX_SPEND, reads it without drift, releases it`, async () => {
      if (cap === undefined || !Number.isFinite(cap) || cap <= 0)
        throw new Error(
          "PHONE_NUMBERS_LIVE_MAX_SPEND must be a positive amount when PHONE_NUMBERS_LIVE_PURCHASE=1",
        );
      const news = await affordable(vendor, cap);
      const p = provider(KINDS[vendor]);
      const { inputs, failures } = await p.check!({}, { __provider: "live", ...news });
      expect(failures ?? []).toEqual([]);
      const created = await p.create!(inputs);
      bought = { id: created.id, outs: created.outs as Record<string, unknown> };
      const read = await p.read!(created.id, created.outs);
      expect(read.id).toBe(created.id);
      expect(await p.diff!(created.id, read.props!, inputs)).toMatchObject({ changes: false });
      bought = { id: created.id, outs: read.props! };
      await p.delete!(created.id, read.props!);
      bought = undefined;
    });
  });
}

const KINDS: Record<Vendor, string> = {
  exotel: "exophone",
  plivo: "plivo-number-order",
  apifonica: "apifonica-number",
};

/** Read props for the first numbers the account holds: the id and the keys read() needs. */
async function firstHeld(
  vendor: Vendor,
  n: number,
): Promise<Array<{ id: string; props: Record<string, unknown> }>> {
  const out: Array<{ id: string; props: Record<string, unknown> }> = [];
  if (vendor === "exotel") {
    for await (const x of exotelClient(exotelSettings()).list({ pageSize: n })) {
      out.push({ id: x.sid, props: { sid: x.sid, phoneNumber: x.phone_number } });
      if (out.length >= n) break;
    }
  } else if (vendor === "plivo") {
    for await (const x of plivoClient(plivoSettings()).list({ pageSize: n })) {
      const number = `+${x.number.replace(/^\+/, "")}`;
      out.push({
        id: `live-${x.number}`,
        props: { countryIso: "US", numbers: [number], details: [{ number }], quantity: 1 },
      });
      if (out.length >= n) break;
    }
  } else {
    for await (const x of apifonicaClient(apifonicaSettings()).list({ pageSize: n })) {
      out.push({
        id: x.number_sid,
        props: { numberSid: x.number_sid, number: `+${x.number.replace(/^\+/, "")}` },
      });
      if (out.length >= n) break;
    }
  }
  return out;
}

/** Inputs renting one exact number whose price is within the cap; fails when none is. */
async function affordable(vendor: Vendor, max: number): Promise<Record<string, unknown>> {
  if (vendor === "exotel") {
    const offer = await exotelClient(exotelSettings()).searchAvailableNumbers({
      country: "IN",
      numberType: "Landline",
    });
    const pick = offer.find((o) => Number(o.one_time_price) + Number(o.rental_price) <= max);
    if (!pick) throw new Error(`no Exotel Landline in IN costs at most ${max} (one-time plus a month)`);
    return { phoneNumber: pick.phone_number };
  }
  if (vendor === "plivo") {
    for await (const o of plivoClient(plivoSettings()).search({ countryIso: "US", limit: 20 })) {
      if (Number(o.setup_rate) + Number(o.monthly_rental_rate) <= max)
        return { countryIso: "US", numbers: [`+${o.number.replace(/^\+/, "")}`] };
    }
    throw new Error(`no Plivo US number costs at most ${max} (setup plus a month)`);
  }
  throw new Error(`no purchase test for ${vendor}`);
}
