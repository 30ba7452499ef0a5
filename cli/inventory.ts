/**
 * `phone-numbers inventory`: inventory files from the command line.
 *
 * - `inventory export --vendor exotel|plivo|apifonica[,...] [--only NUMBERS] [--out FILE [--force]]` reads
 *   every number the account holds (every page) and writes an inventory whose entries adopt them: the
 *   exact number, `adopt: true` and the current routing, named after the number (`exotel-918047091234`).
 *   `pulumi up` of that file buys nothing and the preview after it shows no changes.
 * - `inventory check FILE...` validates files and prints every problem with its position.
 *
 * Credentials come from the same settings as the provider: environment variables (`EXOTEL_API_KEY`,
 * ...; see the README's configuration table), or whatever `setConfigSource` installed in-process.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parsePhoneNumberFromString } from "libphonenumber-js";
import { Document } from "yaml";
import { apifonicaClient } from "../provider/apifonica/client.js";
import { e164Of, withPlus } from "../provider/core/check.js";
import { apifonicaSettings, exotelSettings, plivoSettings } from "../provider/core/config.js";
import { exotelClient } from "../provider/exotel/client.js";
import { plivoClient } from "../provider/plivo/client.js";
import { formatProblem, inventorySchemaPath, parseInventory } from "../sdk/inventory.js";
import type {
  ApifonicaNumberEntryFields,
  ExotelEntryFields,
  InventoryFile,
  PlivoEntryFields,
} from "../sdk/inventory-schema.js";

export const VENDORS = ["exotel", "plivo", "apifonica"] as const;
export type Vendor = (typeof VENDORS)[number];

/** Where text goes; tests pass their own. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}
export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

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
}

const e164 = (n: string) => e164Of(n) ?? withPlus(n);
const nameFor = (vendor: Vendor, number: string) => `${vendor}-${number.replace(/^\+/, "")}`;
const DEFAULT_APPS = new Set(["", "default_call_app_sid", "default_msg_app_sid"]);

/** Every number the configured account of `vendor` holds, in number order. Throws when credentials are missing. */
export async function listHeldNumbers(vendor: Vendor): Promise<HeldNumber[]> {
  const out: HeldNumber[] = [];
  if (vendor === "exotel") {
    const api = exotelClient(exotelSettings());
    for await (const n of api.listNumbers({ pageSize: 100 })) {
      const number = e164(n.phone_number);
      const entry: ExotelEntryFields = { phoneNumber: number, adopt: true };
      if (n.friendly_name) entry.friendlyName = n.friendly_name;
      if (n.voice_url) entry.voiceUrl = n.voice_url;
      if (n.sms_url) entry.smsUrl = n.sms_url;
      out.push({
        vendor,
        number,
        name: nameFor(vendor, number),
        entry,
        monthlyRental: n.rental_price,
        currency: n.currency,
      });
    }
  } else if (vendor === "plivo") {
    const api = plivoClient(plivoSettings());
    for await (const n of api.listNumbers()) {
      const number = e164(n.number);
      const country = parsePhoneNumberFromString(number)?.country ?? "US";
      // One order per number: the simplest mapping that stays stable as numbers come and go.
      const entry: PlivoEntryFields = { countryIso: country, numbers: [number], adopt: true };
      const appId = /\/Application\/([^/]+)\/?$/.exec(n.application ?? "")?.[1];
      if (appId) entry.appId = appId;
      if (n.alias) entry.alias = n.alias;
      out.push({
        vendor,
        number,
        name: nameFor(vendor, number),
        entry,
        monthlyRental: n.monthly_rental_rate,
        currency: "USD",
      });
    }
  } else {
    const api = apifonicaClient(apifonicaSettings());
    const costs = new Map<string, { monthly: string; currency: string }>();
    for await (const c of api.listNumberCosts()) {
      costs.set(c.number_sid, { monthly: c.monthly_price, currency: c.currency });
    }
    for await (const n of api.listNumbers()) {
      const number = e164(n.number);
      const entry: ApifonicaNumberEntryFields = { number, adopt: true };
      // Applications are not adopted: the number keeps the literal SID of the one it links to.
      if (n.call_app_sid && !DEFAULT_APPS.has(n.call_app_sid)) entry.callAppSid = n.call_app_sid;
      if (n.msg_app_sid && !DEFAULT_APPS.has(n.msg_app_sid)) entry.msgAppSid = n.msg_app_sid;
      if (n.mode) entry.mode = n.mode as NonNullable<ApifonicaNumberEntryFields["mode"]>;
      const cost = costs.get(n.number_sid);
      out.push({
        vendor,
        number,
        name: nameFor(vendor, number),
        entry,
        ...(cost && { monthlyRental: cost.monthly, currency: cost.currency }),
      });
    }
  }
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

function schemaRefFor(outFile: string | undefined): string {
  const schema = inventorySchemaPath();
  if (!outFile) return schema;
  const rel = path
    .relative(path.dirname(path.resolve(outFile)), schema)
    .split(path.sep)
    .join("/");
  return rel.startsWith(".") ? rel : `./${rel}`;
}

const USAGE = `usage:
  phone-numbers inventory export --vendor exotel|plivo|apifonica[,...] [--only NUMBERS] [--out FILE [--force]]
  phone-numbers inventory check FILE...

export   writes an inventory adopting every number the vendor account holds (adopt: true, current routing);
         --only keeps just the given numbers (comma-separated E.164). Credentials: the provider's
         environment variables (EXOTEL_API_KEY, PLIVO_AUTH_ID, APIFONICA_ACCOUNT_SID, ...).
check    validates inventory files; exit code 1 when any has problems.`;

interface ExportArgs {
  vendors: Vendor[];
  only?: Set<string>;
  out?: string;
  force: boolean;
}

function parseExportArgs(argv: string[]): ExportArgs | string {
  const args: ExportArgs = { vendors: [], force: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    try {
      if (a === "--vendor") {
        for (const v of value().split(",")) {
          if (!(VENDORS as readonly string[]).includes(v))
            return `--vendor: "${v}" is not a vendor; allowed: ${VENDORS.join(", ")}`;
          if (!args.vendors.includes(v as Vendor)) args.vendors.push(v as Vendor);
        }
      } else if (a === "--only") {
        const numbers = value()
          .split(",")
          .filter((s) => s.trim() !== "");
        args.only = new Set(numbers.map((n) => e164(n.trim())));
      } else if (a === "--out") args.out = value();
      else if (a === "--force") args.force = true;
      else return `unknown option ${a}`;
    } catch (err) {
      return (err as Error).message;
    }
  }
  if (args.vendors.length === 0) return `--vendor is required; allowed: ${VENDORS.join(", ")}`;
  return args;
}

async function runExport(argv: string[], io: Io): Promise<number> {
  const args = parseExportArgs(argv);
  if (typeof args === "string") {
    io.err(`phone-numbers inventory export: ${args}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.out && fs.existsSync(args.out) && !args.force) {
    io.err(`phone-numbers inventory export: ${args.out} exists; pass --force to overwrite it\n`);
    return 2;
  }
  let held: HeldNumber[] = [];
  for (const vendor of args.vendors) held.push(...(await listHeldNumbers(vendor)));
  if (args.only) held = held.filter((h) => args.only!.has(h.number));
  const note = [
    `Exported by \`phone-numbers inventory export --vendor ${args.vendors.join(",")}\`: ${held.length} number(s) the account(s) hold,`,
    "each adopted (adopt: true) with its current routing, so `pulumi up` buys nothing.",
    ...(args.vendors.includes("apifonica")
      ? [
          "Apifonica applications are not adopted: numbers keep the literal callAppSid/msgAppSid they link to.",
        ]
      : []),
  ].join("\n");
  const text = inventoryYaml(inventoryOf(held), schemaRefFor(args.out), note);
  // The export must load: check it like any other inventory before writing it.
  const { problems } = await parseInventory(text, args.out ?? "(export)");
  for (const p of problems) io.err(`warning: ${formatProblem(p)}\n`);
  if (args.out) {
    await fs.promises.writeFile(args.out, text);
    io.err(`wrote ${held.length} number(s) to ${args.out}\n`);
  } else io.out(text);
  return problems.length > 0 ? 1 : 0;
}

async function runCheck(files: string[], io: Io): Promise<number> {
  if (files.length === 0) {
    io.err(`phone-numbers inventory check: name at least one file\n\n${USAGE}\n`);
    return 2;
  }
  let bad = 0;
  for (const file of files) {
    let text: string;
    try {
      text = await fs.promises.readFile(file, "utf8");
    } catch (err) {
      io.err(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})\n`);
      bad++;
      continue;
    }
    const { problems } = await parseInventory(text, file);
    for (const p of problems) io.err(`${formatProblem(p)}\n`);
    if (problems.length > 0) bad++;
    else io.out(`${file}: ok\n`);
  }
  return bad > 0 ? 1 : 0;
}

/** Entry point of `phone-numbers inventory <subcommand>`. */
export async function runInventoryCommand(argv: string[], io: Io = processIo): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    if (sub === "export") return await runExport(rest, io);
    if (sub === "check") return await runCheck(rest, io);
  } catch (err) {
    // Vendor and configuration errors are written without credentials (see provider/core/redact.ts).
    io.err(`phone-numbers inventory ${sub}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  if (sub === "--help" || sub === "-h") {
    io.out(`${USAGE}\n`);
    return 0;
  }
  io.err(
    `phone-numbers inventory: ${sub ? `unknown subcommand "${sub}"` : "name a subcommand"}\n\n${USAGE}\n`,
  );
  return 2;
}
