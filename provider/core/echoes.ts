/**
 * Vendor normalisation of what was written ("echoes").
 *
 * A vendor may store an equivalent but different form of a value it was sent: Exotel's documents send
 * a flow URL as `http://my.exotel.com/...` and show it answered as `https://my.exotel.in/...`. Compared
 * with the input as it is, that would be drift on every refresh, and every `up` would write the URL
 * again, forever. So after a write the resource records, per field, what it sent and what the vendor
 * answered (output key `echoes`); a later read that finds exactly the stored form reports the sent
 * form under the input key, and anything else is reported as it is (real drift). A new pair is said
 * once, in one log line.
 */

/** One field the vendor stored in another form than it was sent. */
export interface Echo {
  sent: string;
  stored: string;
}

/** Echoes by field (input key), as kept in state under `echoes`. */
export type Echoes = Record<string, Echo>;

let log: (line: string) => void = (line) => console.log(line);
const said = new Set<string>();

/** Replaces the log line sink (tests). Returns the previous one. */
export function setEchoLog(sink: (line: string) => void): (line: string) => void {
  const previous = log;
  log = sink;
  return previous;
}

function isEcho(value: unknown): value is Echo {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Echo).sent === "string" &&
    typeof (value as Echo).stored === "string"
  );
}

/** The echoes kept in a resource's state (none for state written before echoes existed). */
export function echoesOf(props: Record<string, unknown> | undefined): Echoes {
  const raw = props?.["echoes"];
  const out: Echoes = {};
  if (typeof raw !== "object" || raw === null) return out;
  for (const [field, e] of Object.entries(raw))
    if (isEcho(e)) out[field] = { sent: e.sent, stored: e.stored };
  return out;
}

/**
 * The echoes after a write: for every field that was `sent`, the pair when the vendor answered
 * another form (`stored`), dropped when it answered the sent form. Fields not sent keep their pair.
 */
export function recordEchoes(
  what: string,
  sent: Record<string, string | null | undefined>,
  stored: Record<string, string | null | undefined>,
  previous: Echoes,
): Echoes {
  const out: Echoes = { ...previous };
  for (const [field, value] of Object.entries(sent)) {
    if (typeof value !== "string") {
      if (value === null) delete out[field];
      continue;
    }
    const answer = stored[field];
    if (answer === undefined) continue; // an abridged answer says nothing about the field
    if (typeof answer === "string" && answer !== value) {
      out[field] = { sent: value, stored: answer };
      const key = `${what}\n${field}\n${value}\n${answer}`;
      if (!said.has(key)) {
        said.add(key);
        log(
          `pulumi-phone-numbers: ${what} stored ${field} "${value}" as "${answer}"; ` +
            "that stored form counts as the value sent (no drift), any other value is drift",
        );
      }
    } else {
      delete out[field];
    }
  }
  return out;
}

/** The value to report for `field`: the sent form while the vendor holds exactly the form it stored. */
export function throughEchoes<T extends string | null>(echoes: Echoes, field: string, live: T): T | string {
  const e = echoes[field];
  return e !== undefined && live === e.stored ? e.sent : live;
}
