/**
 * ApifonicaNumber state: the outputs of a number (with its cost), and the per-account bundle
 * (client, readers, label index) every ApifonicaNumber of the process shares.
 */
import { e164Of, type Props } from "../core/check.js";
import { limiterKeyOf } from "../core/client-factory.js";
import { apifonicaSettings } from "../core/config.js";
import { fieldOutputsOf } from "../core/fields.js";
import { InventoryReader } from "../core/inventory.js";
import { isBlankName, LabelIndex } from "../core/labels.js";
import { waitingFor } from "../core/limiter.js";
import { ListLookup } from "../core/list-lookup.js";
import { vendorAccount } from "../core/vendor-account.js";
import { KINDS, type ResourceKind } from "../registry.js";
import { type ApifonicaNumber, type ApifonicaNumberCost, apifonicaClients } from "./client.js";
import { APIFONICA_NUMBER_FIELDS, type ApifonicaNumberOutputs } from "./number.schema.js";

export const D: ResourceKind = KINDS["apifonica-number"];
/** The input schema, typed (the registry's, built from the field table). */
export const INPUTS = KINDS["apifonica-number"].inputs;
export const KIND = D.kind;
export const STATE_VERSION = 1;
export const MAX_CANDIDATES = 5;
export const DEFAULT_APPS = new Set(["default_call_app_sid", "default_msg_app_sid", ""]);

export const app = (sid: string | null | undefined) => (sid && !DEFAULT_APPS.has(sid) ? sid : null);

/**
 * The outputs for a number as Apifonica answered it. The in-place fields come from the field table:
 * the answer's value (a default application reads as none), or, when the answer leaves the key out
 * (one copy of the list documentation has no `name`), the value `inputs` holds, else null.
 */
export function outputsOf(
  n: ApifonicaNumber,
  inputs: Props,
  cost: ApifonicaNumberCost | undefined,
): ApifonicaNumberOutputs {
  const out: ApifonicaNumberOutputs = {
    stateVersion: STATE_VERSION,
    numberSid: n.number_sid,
    number: e164Of(n.number) ?? n.number,
    countryCode: n.country_code.toUpperCase(),
    countryName: n.country_name ?? "",
    type: n.type,
    voice: n.voice === true,
    messaging: n.messaging === true,
    ...fieldOutputsOf(
      APIFONICA_NUMBER_FIELDS,
      { ...n, call_app_sid: app(n.call_app_sid), msg_app_sid: app(n.msg_app_sid) },
      inputs,
      {},
    ),
    mode: n.mode ?? "xml",
    monthlyRental: cost?.monthly_price ?? null,
    setupPrice: cost?.setup_price ?? null,
    currency: cost?.currency ?? null,
  };
  if (typeof inputs.adopt === "boolean") out.adopt = inputs.adopt;
  return out;
}

/** The account's client and readers, shared by every ApifonicaNumber of the process. */
export type Account = ReturnType<typeof account>;

/**
 * How long a cost-list walk gathers lookups first: 20 ms while the account's requests start at once
 * (a create waits for it, so short), 500 ms while they queue for the rate limit (then every page is
 * a request the creates wait behind, and a longer gather shares one page among more of them).
 */
export function costGatherMs(limiterKey: string): number {
  return waitingFor(limiterKey) > 0 ? 500 : 20;
}

export function account() {
  const settings = apifonicaSettings();
  const limiterKey = limiterKeyOf("apifonica", settings.accountSid, settings.baseUrl);
  return vendorAccount(KIND, apifonicaClients, settings, ({ api }) => ({
    /** Numbers carrying an identity label (`name`), from one walk per process. */
    labels: new LabelIndex(
      () => api.list(),
      (n) => n.name,
      // A list without the `name` key (one copy of the documents): the record must be read.
      (n) => (!("name" in n) ? "unknown" : isBlankName(n.name, n.number)),
    ),
    reader: new InventoryReader(
      () => api.listPages(),
      (n: ApifonicaNumber) => n.number_sid,
    ),
    costs: new InventoryReader(
      () => pages(api.listNumberCosts()),
      (c: ApifonicaNumberCost) => c.number_sid,
    ),
    /**
     * Costs of single numbers (new ones, missed by `costs`): the lookups waiting at once share a walk,
     * from the last page a recent walk read when it can (new numbers come last).
     */
    costList: new ListLookup(
      (from: string | undefined) => api.listNumberCostPages(from),
      (c: ApifonicaNumberCost) => c.number_sid,
      { gatherMs: () => costGatherMs(limiterKey) },
    ),
  }));
}

export async function* pages<T>(items: AsyncIterable<T>, size = 20): AsyncIterable<T[]> {
  let page: T[] = [];
  for await (const item of items) {
    page.push(item);
    if (page.length === size) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

/**
 * A number's prices: Apifonica has no per-number cost endpoint, so its cost list is walked: reads in
 * a burst share the reader's walk, and a number it does not hold is looked up in a walk shared with
 * the other lookups under way (a create's lookup goes there directly: its number is new to any walk).
 */
export function costOf(a: Account, numberSid: string): Promise<ApifonicaNumberCost | undefined> {
  return a.costs.read(numberSid, () => a.costList.get(numberSid));
}

export async function outputsNow(
  a: Account,
  n: ApifonicaNumber,
  inputs: Props,
): Promise<ApifonicaNumberOutputs> {
  return outputsOf(n, inputs, await costOf(a, n.number_sid));
}

export async function findHeld(a: Account, e164: string): Promise<ApifonicaNumber | undefined> {
  for await (const n of a.api.list({ number: e164 })) {
    if (e164Of(n.number) === e164) return n;
  }
  return undefined;
}
