/** The doctor's Apifonica check: list, search, costs, read one number, and the list filter adoption relies on. */
import {
  apifonicaAvailableSchema,
  apifonicaNumberCostSchema,
  apifonicaNumberSchema,
  cursorListOf,
} from "../../provider/apifonica/client.js";
import type { ApifonicaSettings } from "../credentials.js";
import { digitsOf, isObj, listOf, str } from "./json.js";
import { answeredOk, firstPageNote, type Session } from "./session.js";

/**
 * Checks one Apifonica account, recording each call in `c`; `wanted` is the held number to read
 * (default: the first listed).
 */
export async function apifonica(
  c: Session,
  { accountSid }: ApifonicaSettings,
  wanted: string | undefined,
): Promise<void> {
  const base = `v2/accounts/${encodeURIComponent(accountSid)}`;
  const held = await listNumbers(c, base);
  const pick = held.find((n) => !wanted || digitsOf(str(n["number"]) ?? "") === digitsOf(wanted));
  const country = (pick && str(pick["country_code"])) || "GB";
  await c.probe(
    "search numbers for sale",
    `${base}/availableNumbers/${encodeURIComponent(country.toLowerCase())}`,
    {},
    apifonicaAvailableSchema,
  );
  await c.probe(
    "list number costs",
    `${base}/balance/numbers`,
    { limit: "5" },
    cursorListOf(apifonicaNumberCostSchema),
  );
  if (!pick) return c.skipRead(wanted);
  const sid = str(pick["number_sid"]) ?? "";
  const one = await c.probe(
    "read one number",
    `${base}/numbers/${encodeURIComponent(sid)}`,
    {},
    apifonicaNumberSchema,
  );
  if (one?.status === 404)
    c.note(
      "GET numbers/<number_sid> answered 404: that path is inferred, not documented (reads fall back to the filtered list)",
    );
  await findByFilter(c, base, sid, digitsOf(str(pick["number"]) ?? ""));
}

/** The first list page (5 numbers) and what it says about the account. */
async function listNumbers(c: Session, base: string) {
  const list = await c.probe(
    "authenticate and list numbers",
    `${base}/numbers`,
    { limit: "5" },
    cursorListOf(apifonicaNumberSchema),
  );
  const held = listOf(list?.body, "numbers").filter(isObj);
  if (answeredOk(list)) {
    c.note(firstPageNote(held.length));
    if (held.length > 0)
      c.note(
        held.every((n) => "name" in n)
          ? "list items carry name"
          : "list items have no name key (handled: the last known name is kept)",
      );
  }
  return held;
}

/** Whether the list's number filter finds the number (adoption and recovery rely on it). */
async function findByFilter(c: Session, base: string, sid: string, digits: string): Promise<void> {
  const filtered = await c.probe(
    "find the number with the list filter",
    `${base}/numbers`,
    { number: digits },
    cursorListOf(apifonicaNumberSchema),
  );
  if (!answeredOk(filtered)) return;
  const found = listOf(filtered.body, "numbers")
    .filter(isObj)
    .some((n) => str(n["number_sid"]) === sid);
  c.note(
    found
      ? "the number filter (E.164 without +) finds the number"
      : "the number filter (E.164 without +) did not find the number: adoption and recovery after an ambiguous rent rely on it",
  );
}
