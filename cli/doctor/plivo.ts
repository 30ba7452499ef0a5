/** The doctor's Plivo check: list, search, read one number. */
import {
  plivoAccountNumberSchema,
  plivoAvailableNumberSchema,
  plivoListOf,
} from "../../provider/plivo/client.js";
import type { PlivoSettings } from "../credentials.js";
import { digitsOf, isObj, listOf, str } from "./json.js";
import { answeredOk, type Session } from "./session.js";

/**
 * Checks one Plivo account, recording each call in `c`; `wanted` is the held number to read
 * (default: the first listed).
 */
export async function plivo(
  c: Session,
  { authId }: PlivoSettings,
  wanted: string | undefined,
): Promise<void> {
  const base = `v1/Account/${encodeURIComponent(authId)}`;
  const list = await c.probe(
    "authenticate and list numbers",
    `${base}/Number/`,
    { limit: "5", offset: "0" },
    plivoListOf(plivoAccountNumberSchema),
  );
  const held = listOf(list?.body, "objects").filter(isObj);
  if (answeredOk(list)) {
    const total = isObj(list.body) && isObj(list.body["meta"]) ? list.body["meta"]["total_count"] : undefined;
    c.note(`the account holds ${typeof total === "number" ? total : held.length} number(s)`);
    const apps = new Set(held.map((n) => str(n["application"]) ?? "null"));
    if (held.length > 0)
      c.note(
        `applications linked on the first page: ${[...apps].map((a) => (a === "null" ? "none" : (/\/Application\/([^/]+)\//.exec(a)?.[1] ?? a))).join(", ")}`,
      );
  }
  const pick = held.find((n) => !wanted || digitsOf(str(n["number"]) ?? "") === digitsOf(wanted));
  await c.probe(
    "search numbers for sale",
    `${base}/PhoneNumber/`,
    { country_iso: "US", limit: "5" },
    plivoListOf(plivoAvailableNumberSchema),
  );
  if (!pick) return c.skipRead(wanted);
  const number = str(pick["number"]) ?? "";
  await c.probe(
    "read one number",
    `${base}/Number/${encodeURIComponent(number)}/`,
    {},
    plivoAccountNumberSchema,
  );
}
