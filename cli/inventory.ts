/**
 * `phone-numbers inventory`: inventory files from the command line.
 *
 * - `inventory export --vendor exotel|plivo|apifonica[,...] [--only NUMBERS] [--stack NAME [--cwd DIR]]
 *   [--out FILE [--force]]` reads every number the account holds (every page) and writes an inventory
 *   whose entries adopt them: the exact number, `adopt: true` and the current routing, named after the
 *   number (`exotel-918047091234`). `pulumi up` of that file buys nothing. With `--out` the file is
 *   written atomically (a temporary file, then a rename): a failed export never leaves a truncated file.
 * - `inventory check FILE...` validates files and prints every problem with its position.
 *
 * Credentials are read as the provider reads them: the config of `--stack` (secrets decrypted through
 * the stack), then the environment (`EXOTEL_API_KEY`, ...; see the README's configuration table).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parsePhoneNumberFromString } from "libphonenumber-js";
import { Document } from "yaml";
import { APIFONICA_NUMBER_FIELDS } from "../provider/apifonica/number.schema.js";
import type { Props } from "../provider/core/check.js";
import { e164Of, withPlus } from "../provider/core/check.js";
import { exportedLive } from "../provider/core/fields.js";
import { isLabel, type LabelledNumber, labelled } from "../provider/core/labels.js";
import { redactor } from "../provider/core/redact.js";
import { EXOPHONE_FIELDS } from "../provider/exotel/exophone.schema.js";
import { PLIVO_NUMBER_ORDER_FIELDS } from "../provider/plivo/number-order.schema.js";
import { ALL_KINDS, adoptionEntry, kindsOf, type ResourceKind } from "../provider/registry.js";
import type {
  ApifonicaNumberEntryFields,
  ExotelEntryFields,
  ParsedInventory,
  PlivoEntryFields,
} from "../sdk/inventory.js";
import type { InventoryFile } from "../sdk/inventory-schema.js";
import {
  type Io,
  type Progress,
  parseCommand,
  processIo,
  progressTo,
  runCommand,
  UsageError,
  writeFileAtomic,
} from "./args.js";
import { configSourceOf, parseVendors, resolveVendors } from "./command.js";
import { secretsOf, VENDORS, type Vendor, type VendorSettings } from "./credentials.js";

/** The inventory parser, loaded when used (it brings the SDK classes and @pulumi/pulumi): `--help` stays fast. */
const sdk = () => import("../sdk/inventory.js");

/** A number an account holds, with the inventory entry that adopts it. */
export interface HeldNumber {
  vendor: Vendor;
  /** E.164. */
  number: string;
  /** Stable resource name derived from the number, e.g. `exotel-918047091234`. */
  name: string;
  entry: ExotelEntryFields | PlivoEntryFields | ApifonicaNumberEntryFields;
  /** Monthly rental as the vendor states it (decimal string), when it does. */
  monthlyRental?: string;
  currency?: string;
  /** The identity label a purchase wrote on it (`pulumi:<project>/<stack>/<name>`), if any. */
  label?: LabelledNumber;
}

const e164 = (n: string) => e164Of(n) ?? withPlus(n);
const nameFor = (vendor: Vendor, number: string) => `${vendor}-${number.replace(/^\+/, "")}`;
const DEFAULT_APPS = new Set(["", "default_call_app_sid", "default_msg_app_sid"]);
/** An application SID a number really links to (not the account's default). */
const linkedApp = (sid: string | null | undefined) => (sid && !DEFAULT_APPS.has(sid) ? sid : undefined);

/** The kind an exported number of `vendor` adopts (the one with an exact number). */
function adoptingKind(vendor: Vendor): ResourceKind {
  const kind = kindsOf(vendor).find((k) => k.exact);
  if (!kind) throw new Error(`${vendor} has no kind that adopts a number`);
  return kind;
}

/** What the export reads of one held number: the live values of its kind's exported fields, and more. */
interface Live {
  number: string;
  /** The live values, under the inputs' names; the registry picks the exported ones. */
  values: Props;
  /** Fields the entry needs besides them (Plivo's `countryIso`). */
  base?: Props;
  rental?: string | undefined;
  currency?: string | undefined;
  /** The vendor-side text an identity label may be written in. */
  labelText?: string | null | undefined;
}

function heldOf(vendor: Vendor, live: Live): HeldNumber {
  const number = e164(live.number);
  return {
    vendor,
    number,
    name: nameFor(vendor, number),
    entry: adoptionEntry(
      adoptingKind(vendor),
      number,
      live.values,
      isLabel,
      live.base,
    ) as HeldNumber["entry"],
    ...(live.rental !== undefined && { monthlyRental: live.rental }),
    ...(live.currency !== undefined && { currency: live.currency }),
    ...(isLabel(live.labelText) && { label: labelled(number, live.labelText) }),
  };
}

async function* exotelHeld(s: VendorSettings & { vendor: "exotel" }): AsyncIterable<HeldNumber> {
  const { exotelClient } = await import("../provider/exotel/client.js");
  for await (const n of exotelClient(s.settings).list({ pageSize: 100 }))
    yield heldOf("exotel", {
      number: n.phone_number,
      values: exportedLive(EXOPHONE_FIELDS, n),
      rental: n.rental_price,
      currency: n.currency,
      labelText: n.friendly_name,
    });
}

async function* plivoHeld(s: VendorSettings & { vendor: "plivo" }): AsyncIterable<HeldNumber> {
  const { plivoClient } = await import("../provider/plivo/client.js");
  for await (const n of plivoClient(s.settings).list()) {
    // One order per number: the simplest mapping that stays stable as numbers come and go.
    const countryIso = parsePhoneNumberFromString(e164(n.number))?.country ?? "US";
    const appId = /\/Application\/([^/]+)\/?$/.exec(n.application ?? "")?.[1];
    yield heldOf("plivo", {
      number: n.number,
      // The answer's `application` is a URI: the entry takes the application's id.
      values: { ...exportedLive(PLIVO_NUMBER_ORDER_FIELDS, n), appId },
      base: { countryIso },
      rental: n.monthly_rental_rate,
      currency: "USD",
      labelText: n.alias,
    });
  }
}

async function* apifonicaHeld(s: VendorSettings & { vendor: "apifonica" }): AsyncIterable<HeldNumber> {
  const { apifonicaClient } = await import("../provider/apifonica/client.js");
  const api = apifonicaClient(s.settings);
  const costs = new Map<string, { monthly: string; currency: string }>();
  for await (const c of api.listNumberCosts()) {
    costs.set(c.number_sid, { monthly: c.monthly_price, currency: c.currency });
  }
  for await (const n of api.list()) {
    const cost = costs.get(n.number_sid);
    yield heldOf("apifonica", {
      number: n.number,
      // Applications are not adopted: the number keeps the literal SID of the one it links to.
      values: {
        ...exportedLive(APIFONICA_NUMBER_FIELDS, n),
        callAppSid: linkedApp(n.call_app_sid),
        msgAppSid: linkedApp(n.msg_app_sid),
      },
      rental: cost?.monthly,
      currency: cost?.currency,
      labelText: n.name,
    });
  }
}

function heldNumbersOf(s: VendorSettings): AsyncIterable<HeldNumber> {
  if (s.vendor === "exotel") return exotelHeld(s);
  if (s.vendor === "plivo") return plivoHeld(s);
  return apifonicaHeld(s);
}

/** Every number the account of `s` holds, in number order; `progress` hears every 500th. */
export async function listHeldNumbers(s: VendorSettings, progress?: Progress): Promise<HeldNumber[]> {
  const out: HeldNumber[] = [];
  for await (const h of heldNumbersOf(s)) {
    out.push(h);
    if (progress && out.length % 500 === 0) progress(`${s.vendor}: ${out.length} numbers read`);
  }
  return out.sort((a, b) => a.number.localeCompare(b.number));
}

/** An inventory (file shape) adopting the given held numbers, its sections in the registry's order. */
export function inventoryOf(held: HeldNumber[]): InventoryFile {
  const file: Record<string, Record<string, unknown>> = {};
  for (const kind of ALL_KINDS) {
    const entries = held.filter((h) => h.vendor === kind.vendor && kind.exact);
    if (entries.length === 0) continue;
    const [top, sub] = kind.section;
    const named = Object.fromEntries(entries.map((h) => [h.name, h.entry]));
    file[top] = sub === undefined ? named : { ...file[top], [sub]: named };
  }
  return file as InventoryFile;
}

/** The YAML text of an inventory, with the editor schema comment pointing at `schemaRef`. */
export function inventoryYaml(file: InventoryFile, schemaRef: string, note?: string): string {
  const doc = new Document(file);
  doc.commentBefore = [
    ` yaml-language-server: $schema=${schemaRef}`,
    ...(note ? ["", ...note.split("\n").map((l) => ` ${l}`)] : []),
  ].join("\n");
  return doc.toString({ lineWidth: 0 });
}

/** `$schema` of an exported file: relative to the file's directory (or the current one for stdout). */
export async function schemaRefFor(outFile: string | undefined): Promise<string> {
  const { inventorySchemaPath } = await sdk();
  const base = outFile ? path.dirname(path.resolve(outFile)) : process.cwd();
  const rel = path.relative(base, inventorySchemaPath()).split(path.sep).join("/");
  return rel.startsWith(".") ? rel : `./${rel}`;
}

const EXPORT = {
  command: "phone-numbers inventory export",
  usage: `usage: phone-numbers inventory export --vendor exotel|plivo|apifonica[,...] [options]

Writes an inventory adopting every number the vendor accounts hold (adopt: true, current routing).

  --vendor LIST    vendors to read, comma-separated (exotel, plivo, apifonica)
  --only NUMBERS   keep just these numbers (comma-separated E.164)
  --stack NAME     read credentials from this stack's config (secrets decrypted through the stack),
                   then from the environment; without it, from the environment only
  --cwd DIR        the Pulumi project directory of --stack (default: the current directory)
  --out FILE       write FILE atomically (never a truncated file); use it instead of \`> FILE\`,
                   which empties FILE before the export runs
  --force          overwrite an existing --out FILE
  --quiet          no progress lines on stderr

Credentials: stack config keys exotel:apiKey, exotel:apiToken, exotel:accountSid, plivo:authId,
plivo:authToken, apifonica:accountSid, apifonica:authToken, or the environment variables
EXOTEL_API_KEY, EXOTEL_API_TOKEN, EXOTEL_ACCOUNT_SID, PLIVO_AUTH_ID, PLIVO_AUTH_TOKEN,
APIFONICA_ACCOUNT_SID, APIFONICA_AUTH_TOKEN (see the README's configuration table).
Exit code: 0 written, 1 error (nothing written), 2 usage.`,
  options: {
    vendor: { type: "string" },
    only: { type: "string" },
    stack: { type: "string" },
    cwd: { type: "string" },
    out: { type: "string" },
    force: { type: "boolean" },
    quiet: { type: "boolean" },
  },
} as const;

const CHECK = {
  command: "phone-numbers inventory check",
  usage: `usage: phone-numbers inventory check FILE...

Validates inventory files offline and prints every problem as file:line:column: field: message.
A file without entries is refused unless it says \`allowEmpty: true\` (\`pulumi up\` of it would release
every number of the stack).
Exit code: 0 all valid, 1 any problem (or a file that cannot be read), 2 usage.`,
  options: {},
  positionals: true,
} as const;

const USAGE = `usage: phone-numbers inventory <export|check> [options]

  export   write an inventory adopting the numbers the vendor accounts hold
  check    validate inventory files

\`phone-numbers inventory export --help\` and \`phone-numbers inventory check --help\` show their options.`;

function vendorsOf(list: string | undefined): Vendor[] {
  if (list === undefined) throw new UsageError(`--vendor is required; allowed: ${VENDORS.join(", ")}`);
  return parseVendors(list);
}

/** The settings of each vendor, from the stack's config then the environment; throws naming what is missing. */
async function exportSettings(vendors: Vendor[], stack: string | undefined, cwd: string) {
  const { resolved, gaps } = resolveVendors(vendors, await configSourceOf(stack || undefined, cwd));
  if (gaps.length)
    throw new Error(
      `${gaps.map((g) => g.message).join("; ")}${stack ? "" : " (pass --stack NAME to read a stack's config)"}`,
    );
  return resolved;
}

function exportNote(vendors: Vendor[], count: number): string {
  return [
    `Exported by \`phone-numbers inventory export --vendor ${vendors.join(",")}\`: ${count} number(s) the account(s) hold,`,
    "each adopted (adopt: true) with its current routing, so `pulumi up` buys nothing.",
    ...(vendors.includes("apifonica")
      ? [
          "Apifonica applications are not adopted: numbers keep the literal callAppSid/msgAppSid they link to.",
        ]
      : []),
  ].join("\n");
}

async function runExport(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(EXPORT, argv, io);
  if (!parsed) return 0;
  const v = parsed.values;
  const vendors = vendorsOf(v.vendor);
  const only =
    v.only === undefined
      ? undefined
      : new Set(
          v.only
            .split(",")
            .filter((x) => x.trim())
            .map((n) => e164(n.trim())),
        );
  if (v.out && fs.existsSync(v.out) && !v.force)
    throw new UsageError(`${v.out} exists; pass --force to overwrite it`);
  const progress = progressTo(io, v.quiet === true);
  const settings = await exportSettings(vendors, v.stack, v.cwd ?? ".");
  const redact = redactor(settings.flatMap(secretsOf));
  let list: HeldNumber[] = [];
  try {
    for (const s of settings) {
      progress(`reading the ${s.vendor} account`);
      list.push(...(await listHeldNumbers(s, progress)));
    }
  } catch (err) {
    throw new Error(redact(err instanceof Error ? err.message : String(err)));
  }
  if (only) list = list.filter((h) => only.has(h.number));
  if (list.length === 0)
    throw new Error("no numbers to export: the account(s) hold none (or none of --only); nothing written");
  const text = inventoryYaml(inventoryOf(list), await schemaRefFor(v.out), exportNote(vendors, list.length));
  const { formatProblem, parseInventory } = await sdk();
  // The export must load: check it like any other inventory before writing it.
  const { problems } = await parseInventory(text, v.out ?? "(export)");
  for (const p of problems) io.err(`warning: ${formatProblem(p)}\n`);
  if (v.out) {
    await writeFileAtomic(v.out, text);
    io.err(`wrote ${list.length} number(s) to ${v.out}\n`);
  } else io.out(text);
  return problems.length > 0 ? 1 : 0;
}

async function runCheck(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(CHECK, argv, io);
  if (!parsed) return 0;
  const files = parsed.positionals;
  if (files.length === 0) throw new UsageError("name at least one file");
  const { formatProblem } = await sdk();
  let bad = 0;
  for (const file of files) {
    const { problems, inventory } = await readChecked(file);
    for (const p of problems) io.err(`${formatProblem(p)}\n`);
    if (problems.length > 0) bad++;
    else io.out(`${file}: ok (${entryCount(inventory)} entries)\n`);
  }
  return bad > 0 ? 1 : 0;
}

async function readChecked(file: string) {
  let text: string;
  try {
    text = await fs.promises.readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (code ?? String(err));
    return { problems: [{ file, line: 1, column: 1, field: "(file)", message: `cannot be read: ${why}` }] };
  }
  return (await sdk()).parseInventory(text, file);
}

const entryCount = (i: ParsedInventory | undefined) =>
  i ? i.exotel.length + i.plivo.length + i.apifonicaApplications.length + i.apifonicaNumbers.length : 0;

/** Entry point of `phone-numbers inventory <subcommand>`. */
export async function runInventoryCommand(argv: string[], io: Io = processIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "export") return runCommand(EXPORT, io, () => runExport(rest, io));
  if (sub === "check") return runCommand(CHECK, io, () => runCheck(rest, io));
  if (sub === "--help" || sub === "-h") {
    io.out(`${USAGE}\n`);
    return 0;
  }
  io.err(
    `phone-numbers inventory: ${sub ? `unknown subcommand "${sub}"` : "name a subcommand"}\n\n${USAGE}\n`,
  );
  return 2;
}
