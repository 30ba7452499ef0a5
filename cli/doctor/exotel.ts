/** The doctor's Exotel check: v2_beta list, search and read, then v2 details and connectivity. */
import { z } from "zod";
import {
  exotelAvailableNumberSchema,
  exotelListSchema,
  exotelNationalForm,
  exotelNumberAnswerSchema,
  exotelNumberDetailsSchema,
  exotelV2EnvelopeSchema,
} from "../../provider/exotel/client.js";
import type { ExotelSettings } from "../credentials.js";
import { isObj, type Json, listOf, shortJson, str } from "./json.js";
import { type Answered, answeredOk, firstPageNote, mismatchesOf, type Session } from "./session.js";

/**
 * Checks one Exotel account, recording each call in `c`; `wanted` is the held number to read
 * (default: the first listed).
 */
export async function exotel(
  c: Session,
  { accountSid }: ExotelSettings,
  wanted: string | undefined,
): Promise<void> {
  const beta = `v2_beta/Accounts/${encodeURIComponent(accountSid)}`;
  const held = await listNumbers(c, beta);
  const pick = held.filter(isObj).find((n) => !wanted || str(n["phone_number"]) === wanted);
  const country = (pick && str(pick["country"])) || "IN";
  const search = await c.probe(
    "search numbers for sale",
    `${beta}/AvailablePhoneNumbers/${encodeURIComponent(country)}/Landline`,
    {},
    z.array(exotelAvailableNumberSchema),
  );
  if (search && Array.isArray(search.body) && search.body.length === 0)
    c.note(`no Landline numbers for sale in ${country} right now`);
  if (!pick) return c.skipRead(wanted);

  const sid = str(pick["sid"]) ?? "";
  const e164 = str(pick["phone_number"]) ?? "";
  await c.probe(
    "read one number (v2_beta)",
    `${beta}/IncomingPhoneNumbers/${encodeURIComponent(sid)}`,
    {},
    exotelNumberAnswerSchema,
  );
  if (/^[0-9a-f]{32}$/i.test(sid)) c.note("list sids are 32-hex ids (the rent example's form)");
  else if (sid === exotelNationalForm(e164))
    c.note("list sids are the national number (the list and v2 examples' form)");
  const details = await v2Details(c, accountSid, sid, e164);
  if (answeredOk(details) && isObj(details.body)) detailsNotes(c, details.body, sid);
}

/** The first list page (5 numbers) and what it says about the account. */
async function listNumbers(c: Session, beta: string): Promise<Json[]> {
  const list = await c.probe(
    "authenticate and list numbers",
    `${beta}/IncomingPhoneNumbers`,
    { Page: "0", PageSize: "5" },
    exotelListSchema,
  );
  const held = listOf(list?.body, "incoming_phone_numbers");
  if (answeredOk(list)) {
    c.note(firstPageNote(held.length));
    const next = isObj(list.body) ? str(list.body["next_page_uri"]) : undefined;
    if (next)
      c.note(
        `next_page_uri is absolute (${new URL(next, "http://x.invalid").host}); the client uses only its Page/PageSize`,
      );
  }
  const prices = held.filter(isObj).map((n) => n["rental_price"]);
  if (prices.some((p) => typeof p === "number"))
    c.note("prices are JSON numbers (the tables' Double), not the examples' strings: read either way");
  return held;
}

/** v2 details by the v2_beta sid, then (on a 404) by the national number, as the provider reads them. */
async function v2Details(
  c: Session,
  accountSid: string,
  sid: string,
  e164: string,
): Promise<Answered | undefined> {
  const v2 = `v2/accounts/${encodeURIComponent(accountSid)}/incoming-phone-numbers`;
  const details = await c.probe(
    "read details and connectivity (v2, by sid)",
    `${v2}/${encodeURIComponent(sid)}`,
    {},
    exotelV2EnvelopeSchema,
  );
  const national = exotelNationalForm(e164);
  if (details?.status !== 404 || !national || national === sid) return details;
  const bySid = c.last;
  const byNational = await c.probe(
    "read details and connectivity (v2, by national number)",
    `${v2}/${encodeURIComponent(national)}`,
    {},
    exotelV2EnvelopeSchema,
  );
  if (answeredOk(byNational)) {
    // Not a failure: the documents allow it, and the provider reads v2 that way too.
    bySid.outcome = "ok";
    bySid.detail = "404 by the v2_beta sid; answered by the national number below";
    c.note(
      `v2 details know ${e164} by its national number ${national}, not by the v2_beta sid ${sid} (handled: the provider tries both)`,
    );
  }
  return byNational;
}

/** The v2 envelope's data checked against the details schema, and its facts as notes. */
function detailsNotes(c: Session, envelope: Record<string, Json>, sid: string): void {
  const [block] = listOf(envelope, "response");
  if (!isObj(block)) return;
  const last = c.last;
  const dataIssues = mismatchesOf(exotelNumberDetailsSchema, block["data"], "response.0.data");
  last.mismatches.push(...dataIssues);
  if (dataIssues.length > 0) last.outcome = "mismatch";
  const code = block["code"];
  if (code !== 200 || envelope["http_code"] !== 200)
    c.note(
      `v2 answered http_code ${String(envelope["http_code"])}, block code ${String(code)} (a partial success is read when data is present)`,
    );
  const data = isObj(block["data"]) ? block["data"] : {};
  if (str(data["sid"]) && str(data["sid"]) !== sid)
    c.note(`v2 data.sid is ${str(data["sid"])}, the v2_beta sid is ${sid}`);
  const conn = isObj(data["connectivity"]) ? data["connectivity"] : {};
  for (const side of ["incoming_call", "outgoing_call"]) {
    const s = isObj(conn[side]) ? conn[side] : undefined;
    if (!s) continue;
    c.note(
      `connectivity.${side}: ${str(s["status"]) ?? "?"}${s["alternate_exophone"] == null ? "" : `, alternate_exophone ${shortJson(s["alternate_exophone"])}`}`,
    );
  }
  for (const key of ["voice_url", "sms_url"]) {
    const url = str(data[key]);
    if (url) c.note(`${key} host as stored: ${safeHost(url)}`);
  }
}

function safeHost(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return "(not a URL)";
  }
}
