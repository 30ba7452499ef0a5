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
import { e164Of, withPlus } from "../provider/core/check.js";
import { isLabel, type LabelledNumber, labelled } from "../provider/core/labels.js";
import { redactor } from "../provider/core/redact.js";
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
const held = (
  vendor: Vendor,
  number: string,
  entry: HeldNumber["entry"],
  rental?: string,
  currency?: string,
  name?: string | null,
): HeldNumber => ({
  vendor,
  number,
  name: nameFor(vendor, number),
  entry,
  ...(rental !== undefined && { monthlyRental: rental }),
  ...(currency !== undefined && { currency }),
  ...(isLabel(name) && { label: labelled(number, name) }),
});

async function exotelHeld(s: VendorSettings & { vendor: "exotel" }, tick: () => void): Promise<HeldNumber[]> {
  const out: HeldNumber[] = [];
  const { exotelClient } = await import("../provider/exotel/client.js");
  for await (const n of exotelClient(s.settings).listNumbers({ pageSize: 100 })) {
    const number = e164(n.phone_number);
    const entry: ExotelEntryFields = { phoneNumber: number, adopt: true };
    if (n.friendly_name && !isLabel(n.friendly_name)) entry.friendlyName = n.friendly_name;
    if (n.voice_url) entry.voiceUrl = n.voice_url;
    if (n.sms_url) entry.smsUrl = n.sms_url;
    out.push(held("exotel", number, entry, n.rental_price, n.currency, n.friendly_name));
    tick();
  }
  return out;
}

async function plivoHeld(s: VendorSettings & { vendor: "plivo" }, tick: () => void): Promise<HeldNumber[]> {
  const out: HeldNumber[] = [];
  const { plivoClient } = await import("../provider/plivo/client.js");
  for await (const n of plivoClient(s.settings).listNumbers()) {
    const number = e164(n.number);
    const country = parsePhoneNumberFromString(number)?.country ?? "US";
    // One order per number: the simplest mapping that stays stable as numbers come and go.
    const entry: PlivoEntryFields = { countryIso: country, numbers: [number], adopt: true };
    const appId = /\/Application\/([^/]+)\/?$/.exec(n.application ?? "")?.[1];
    if (appId) entry.appId = appId;
    if (n.alias && !isLabel(n.alias)) entry.alias = n.alias;
    out.push(held("plivo", number, entry, n.monthly_rental_rate, "USD", n.alias));
    tick();
  }
  return out;
}

async function apifonicaHeld(
  s: VendorSettings & { vendor: "apifonica" },
  tick: () => void,
): Promise<HeldNumber[]> {
  const { apifonicaClient } = await import("../provider/apifonica/client.js");
  const api = apifonicaClient(s.settings);
  const costs = new Map<string, { monthly: string; currency: string }>();
  for await (const c of api.listNumberCosts()) {
    costs.set(c.number_sid, { monthly: c.monthly_price, currency: c.currency });
  }
  const out: HeldNumber[] = [];
  for await (const n of api.listNumbers()) {
    const number = e164(n.number);
    const entry: ApifonicaNumberEntryFields = { number, adopt: true };
    // Applications are not adopted: the number keeps the literal SID of the one it links to.
    if (n.call_app_sid && !DEFAULT_APPS.has(n.call_app_sid)) entry.callAppSid = n.call_app_sid;
    if (n.msg_app_sid && !DEFAULT_APPS.has(n.msg_app_sid)) entry.msgAppSid = n.msg_app_sid;
    if (n.mode) entry.mode = n.mode as NonNullable<ApifonicaNumberEntryFields["mode"]>;
    const cost = costs.get(n.number_sid);
    out.push(held("apifonica", number, entry, cost?.monthly, cost?.currency, n.name));
    tick();
  }
  return out;
}

/** Every number the account of `s` holds, in number order; `progress` hears every 500th. */
export async function listHeldNumbers(s: VendorSettings, progress?: Progress): Promise<HeldNumber[]> {
  let count = 0;
  const tick = () => {
    count++;
    if (progress && count % 500 === 0) progress(`${s.vendor}: ${count} numbers read`);
  };
  const out =
    s.vendor === "exotel"
      ? await exotelHeld(s, tick)
      : s.vendor === "plivo"
        ? await plivoHeld(s, tick)
        : await apifonicaHeld(s, tick);
  return out.sort((a, b) => a.number.localeCompare(b.number));
}

/** An inventory (file shape) adopting the given held numbers. */
export function inventoryOf(held: HeldNumber[]): InventoryFile {
  const exotel: Record<string, ExotelEntryFields> = {};
  const plivo: Record<string, PlivoEntryFields> = {};
  const apifonica: Record<string, ApifonicaNumberEntryFields> = {};
  for (const h of held) {
    if (h.vendor === "exotel") exotel[h.name] = h.entry as ExotelEntryFields;
    else if (h.vendor === "plivo") plivo[h.name] = h.entry as PlivoEntryFields;
    else apifonica[h.name] = h.entry as ApifonicaNumberEntryFields;
  }
  const file: InventoryFile = {};
  if (Object.keys(exotel).length) file.exotel = exotel;
  if (Object.keys(plivo).length) file.plivo = plivo;
  if (Object.keys(apifonica).length) file.apifonica = { numbers: apifonica };
  return file;
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
