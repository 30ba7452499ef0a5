/**
 * `phone-numbers doctor`: a read-only check of real vendor accounts, to paste into an issue.
 *
 * Per vendor it authenticates, lists the numbers held, searches numbers for sale, reads one held
 * number's details, validates every answer against the schemas the provider's clients use, times
 * each call and notes which of the documents' open readings the account answers in (the v2 sid form,
 * prices as numbers, lists without `name`, ...). Each mismatch is named by its field.
 *
 * It only ever sends GET: the request helper (doctor/session.ts) has no other method, so it cannot
 * rent, update or release anything. Credentials are read as the provider reads them (the config of `--stack`, then
 * the environment) and never printed; the report is scrubbed of them all the same.
 */
import { redactor } from "../provider/core/redact.js";
import { type Io, parseCommand, processIo, runCommand, UsageError } from "./args.js";
import { configSourceOf, parseVendors } from "./command.js";
import { doctor, formatReport } from "./doctor/report.js";

export { type DoctorReport, doctor, formatReport } from "./doctor/report.js";
export { type CallReport, type Mismatch, mismatchesOf, type VendorReport } from "./doctor/session.js";

const SPEC = {
  command: "phone-numbers doctor",
  usage: `usage: phone-numbers doctor [--vendor LIST] [--stack NAME [--cwd DIR]] [--number NUMBER] [--json]

A read-only check of your real vendor accounts: authenticates, lists the numbers held, searches
numbers for sale, reads one held number's details, validates every answer against the schemas the
provider reads them with, and times each call. It sends GET requests only: it never rents, updates or
releases. Paste its report into an issue; it contains no credential.

  --vendor LIST    vendors to check, comma-separated (exotel, plivo, apifonica); default: every
                   vendor whose credentials are set
  --stack NAME     read credentials from this stack's config (secrets decrypted through the stack),
                   then from the environment; without it, from the environment only
  --cwd DIR        the Pulumi project directory of --stack (default: the current directory)
  --number NUMBER  the held number whose details are read (E.164); default: the first one listed
  --json           print the report as JSON

Exit code: 0 every answer matched, 1 a mismatch or a failed call, 2 usage.`,
  options: {
    vendor: { type: "string" },
    stack: { type: "string" },
    cwd: { type: "string" },
    number: { type: "string" },
    json: { type: "boolean" },
  },
} as const;

/** `phone-numbers doctor`: exit 0 when every answer matched, 1 otherwise, 2 on usage errors. */
export async function runDoctor(argv: string[], io: Io = processIo): Promise<number> {
  return runCommand(SPEC, io, async () => {
    const parsed = parseCommand(SPEC, argv, io);
    if (!parsed) return 0;
    const v = parsed.values;
    const vendors = v.vendor === undefined ? undefined : parseVendors(v.vendor);
    if (v.cwd !== undefined && v.stack === undefined) throw new UsageError("--cwd needs --stack");
    const source = await configSourceOf(v.stack, v.cwd);
    const { report, secrets } = await doctor({
      ...(vendors && { vendors }),
      source,
      ...(v.number !== undefined && { number: v.number }),
    });
    const scrub = redactor(secrets);
    io.out(`${scrub(v.json ? JSON.stringify(report, null, 2) : formatReport(report))}\n`);
    return report.ok ? 0 : 1;
  });
}
