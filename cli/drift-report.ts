/**
 * `phone-numbers drift-report`: what a scheduled CI job (or a pull-request check) needs to know about
 * one or many stacks of numbers that share vendor accounts.
 *
 * For each stack it runs `pulumi preview --refresh --json` and reads the stack's config (secrets
 * decrypted through the stack) for the vendor credentials, exactly as the provider reads them (stack
 * config, then the environment). Then it reads each vendor account once and reports: fields changed
 * outside Pulumi, numbers released by hand, pending Plivo orders, what `pulumi up` would rent, adopt
 * and release with the monthly rental change, numbers no listed stack manages, numbers two stacks
 * manage (conflicts) and accounts it could not read. The analysis is in drift/analyse.ts and
 * drift/joint.ts, the text and Markdown in drift/render.ts.
 *
 * Exit codes (the most severe finding wins): 0 nothing to do and every relevant account read;
 * 9 more releases than --max-releases; 8 a number managed twice; 7 drift or any change `up` would
 * make; 6 an account the stacks use could not be read (or its credentials are incomplete);
 * 1 error; 2 usage.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { redactor } from "../provider/core/redact.js";
import {
  type Io,
  nonNegativeInt,
  type Parsed,
  type Progress,
  parseCommand,
  processIo,
  progressTo,
  runCommand,
  UsageError,
} from "./args.js";
import {
  accountKey,
  type ConfigSource,
  type CredentialGap,
  isGap,
  resolveSettings,
  secretsOf,
  VENDORS,
  type Vendor,
  type VendorSettings,
} from "./credentials.js";
import {
  analyseStack,
  type ManagedNumber,
  managedOf,
  type PreviewJson,
  type StackReport,
  vendorsOfPreview,
} from "./drift/analyse.js";
import { type AccountRead, EXIT, exitCodeOf, joinReports, type NotRead } from "./drift/joint.js";
import { renderMarkdown, renderText } from "./drift/render.js";
import { type HeldNumber, listHeldNumbers } from "./inventory.js";
import {
  currentStack,
  listStacks,
  previewJson,
  type StackRef,
  stackConfig,
  stackResources,
} from "./pulumi-cli.js";

export { EXIT } from "./drift/joint.js";
/** Exit code for drift (kept for callers of the single-stack report). */
export const EXIT_DRIFT = EXIT.changes;

const SPEC = {
  command: "phone-numbers drift-report",
  usage: `usage: phone-numbers drift-report [--cwd DIR] [--stack NAME]... [options]
       phone-numbers drift-report --json FILE... [options]

Runs \`pulumi preview --refresh --json\` of each stack and reads the vendor accounts with each stack's
credentials (stack config, secrets decrypted through the stack, then the environment).

  --cwd DIR          a Pulumi project directory; the --stack options after it are its stacks
                     (repeat for several projects; default: the current directory)
  --stack NAME       a stack to check (repeatable; default: the selected stack)
  --all-stacks       every stack of each --cwd project (pulumi stack ls)
  --backend          also every other stack of the backend (pulumi stack ls --all), read from its
                     state (pulumi stack export): its numbers count as managed, conflicts are found
  --json FILE        read a saved \`pulumi preview --refresh --json\` instead (repeatable; - for stdin);
                     credentials then come from the environment only
  --max-releases N   release guard: fail (exit 9) when \`pulumi up\` would release more than N numbers
  --markdown         a Markdown report (job summaries, PR comments) instead of one line per finding
  --no-accounts      do not read the vendor accounts (the report then makes no claim about them)
  --quiet            no progress lines on stderr

Exit code (the most severe finding wins): 0 nothing to do, every account the stacks use was read;
9 more releases than --max-releases; 8 a number managed by two resources (conflict); 7 drift or
changes pending; 6 an account was not checked (credentials missing or incomplete, or it failed);
1 error; 2 usage.`,
  options: {
    cwd: { type: "string", multiple: true },
    stack: { type: "string", multiple: true },
    "all-stacks": { type: "boolean" },
    backend: { type: "boolean" },
    json: { type: "string", multiple: true },
    "max-releases": { type: "string" },
    markdown: { type: "boolean" },
    "no-accounts": { type: "boolean" },
    quiet: { type: "boolean" },
  },
} as const;

type Args = NonNullable<Parsed<typeof SPEC.options>>;

/** A stack to check: its preview and where its credentials come from. */
interface Checked {
  label: string;
  preview: PreviewJson;
  source: ConfigSource;
}

/** The stacks named on the command line, each bound to the --cwd before it. */
async function stackRefs(args: Args): Promise<{ refs: StackRef[]; dirs: string[] }> {
  const refs: { name: string; cwd: string }[] = [];
  const dirs: string[] = [];
  let cwd = ".";
  for (const t of args.tokens ?? []) {
    if (t.kind !== "option" || t.value === undefined) continue;
    if (t.name === "cwd") {
      cwd = t.value;
      dirs.push(cwd);
    } else if (t.name === "stack") refs.push({ name: t.value, cwd });
  }
  if (dirs.length === 0) dirs.push(".");
  if (args.values["all-stacks"]) {
    for (const dir of dirs) for (const name of await listStacks(dir, false)) refs.push({ name, cwd: dir });
  } else if (refs.length === 0) {
    for (const dir of dirs) refs.push({ name: await currentStack(dir), cwd: dir });
  }
  const unique = refs.filter(
    (r, i) => refs.findIndex((x) => x.name === r.name && path.resolve(x.cwd) === path.resolve(r.cwd)) === i,
  );
  const manyDirs = new Set(unique.map((r) => path.resolve(r.cwd))).size > 1;
  return {
    refs: unique.map((r) => ({
      ...r,
      label: manyDirs ? `${path.basename(path.resolve(r.cwd))}:${r.name}` : r.name,
    })),
    dirs,
  };
}

async function readJson(file: string): Promise<PreviewJson> {
  const text = file === "-" ? fs.readFileSync(0, "utf8") : await fs.promises.readFile(file, "utf8");
  try {
    return JSON.parse(text) as PreviewJson;
  } catch (err) {
    throw new Error(
      `${file} is not the JSON of \`pulumi preview --refresh --json\` (${(err as Error).message})`,
    );
  }
}

async function previews(
  args: Args,
  progress: Progress,
): Promise<{ checked: Checked[]; refs: StackRef[]; dirs: string[] }> {
  if (args.values.json) {
    if (args.values.stack || args.values.cwd || args.values["all-stacks"] || args.values.backend)
      throw new UsageError("--json cannot be combined with --cwd, --stack, --all-stacks or --backend");
    const checked: Checked[] = [];
    for (const file of args.values.json)
      checked.push({
        label: file === "-" ? "stdin" : path.basename(file, ".json"),
        preview: await readJson(file),
        source: {},
      });
    return { checked, refs: [], dirs: [] };
  }
  const { refs, dirs } = await stackRefs(args);
  const checked: Checked[] = [];
  for (const ref of refs) {
    progress(`stack ${ref.label}: pulumi preview --refresh`);
    const preview = (await previewJson(ref)) as PreviewJson;
    const config = await stackConfig(ref);
    checked.push({ label: ref.label, preview, source: { config, stack: `stack ${ref.label}` } });
  }
  return { checked, refs, dirs };
}

/** URN prefixes (`stack::project`) of a list of URNs. */
const stackKeysOf = (urns: string[]) => new Set(urns.map((u) => u.split("::").slice(0, 2).join("::")));

/** Every other stack of the backend, from its state. */
async function stateOnlyStacks(checked: Checked[], refs: StackRef[], dirs: string[], progress: Progress) {
  const seen = stackKeysOf(checked.flatMap((c) => (c.preview.steps ?? []).map((s) => s.urn)));
  const out: { stack: string; managed: ManagedNumber[] }[] = [];
  const cwd = dirs[0] ?? ".";
  const previewed = new Set(refs.filter((r) => path.resolve(r.cwd) === path.resolve(cwd)).map((r) => r.name));
  for (const name of await listStacks(cwd, true)) {
    if (previewed.has(name)) continue;
    progress(`stack ${name}: pulumi stack export`);
    const resources = await stackResources({ name, cwd, label: name });
    const keys = stackKeysOf(resources.map((r) => r.urn));
    if ([...keys].some((k) => seen.has(k))) continue; // previewed already
    out.push({ stack: name, managed: managedOf(name, resources) });
  }
  return out;
}

interface Account {
  settings: VendorSettings;
  stacks: string[];
}

/** Groups the stacks by vendor account; credential gaps are kept where they matter. */
function accountsOf(checked: Checked[]): {
  accounts: Account[];
  gaps: { gap: CredentialGap; stack: string }[];
  notRead: NotRead[];
} {
  const accounts = new Map<string, Account>();
  const gaps: { gap: CredentialGap; stack: string }[] = [];
  const notRead: NotRead[] = [];
  for (const vendor of VENDORS) {
    const vendorGaps: { gap: CredentialGap; stack: string; uses: boolean }[] = [];
    for (const c of checked) {
      const s = resolveSettings(vendor, c.source);
      const uses = vendorsOfPreview(c.preview).includes(vendor);
      if (isGap(s)) vendorGaps.push({ gap: s, stack: c.label, uses });
      else {
        const key = accountKey(s);
        const a = accounts.get(key) ?? { settings: s, stacks: [] };
        a.stacks.push(c.label);
        accounts.set(key, a);
      }
    }
    gaps.push(...vendorGaps.filter((g) => g.uses || g.gap.partial));
    const anyAccount = [...accounts.values()].some((a) => a.settings.vendor === vendor);
    if (!anyAccount && !vendorGaps.some((g) => g.uses || g.gap.partial))
      notRead.push({ vendor, reason: "no credentials, and no listed stack has resources of it" });
  }
  return { accounts: [...accounts.values()], gaps, notRead };
}

async function readAccounts(
  accounts: Account[],
  gaps: { gap: CredentialGap; stack: string }[],
  progress: Progress,
) {
  const reads: AccountRead[] = [];
  const perVendor = (v: Vendor) => accounts.filter((a) => a.settings.vendor === v);
  for (const a of accounts) {
    const v = a.settings.vendor;
    const label = perVendor(v).length > 1 ? `${v} account ${perVendor(v).indexOf(a) + 1}` : v;
    progress(`reading the ${label} account`);
    try {
      reads.push({ vendor: v, label, stacks: a.stacks, held: await listHeldNumbers(a.settings, progress) });
    } catch (err) {
      reads.push({
        vendor: v,
        label,
        stacks: a.stacks,
        skipped: (err instanceof Error ? err.message : String(err)).split("\n")[0]!,
      });
    }
  }
  for (const { gap, stack } of gaps)
    reads.push({
      vendor: gap.vendor,
      label: `${gap.vendor} (${stack})`,
      stacks: [stack],
      skipped: gap.message,
    });
  return reads;
}

async function report(args: Args, io: Io, redactWith: (s: string[]) => void): Promise<number> {
  const maxReleases = nonNegativeInt("--max-releases", args.values["max-releases"]);
  const progress = progressTo(io, args.values.quiet === true);
  const { checked, refs, dirs } = await previews(args, progress);
  const stateOnly = args.values.backend ? await stateOnlyStacks(checked, refs, dirs, progress) : [];
  const accountsChecked = args.values["no-accounts"] !== true;
  let reads: AccountRead[] = [];
  let notRead: NotRead[] = [];
  if (accountsChecked) {
    const grouped = accountsOf(checked);
    redactWith(grouped.accounts.flatMap((a) => secretsOf(a.settings)));
    reads = await readAccounts(grouped.accounts, grouped.gaps, progress);
    notRead = grouped.notRead;
  }
  const prices = new Map<string, HeldNumber>();
  for (const r of reads) for (const h of r.held ?? []) prices.set(h.number, h);
  const stacks: StackReport[] = [];
  for (const c of checked) stacks.push(await analyseStack(c.label, c.preview, prices));
  const joint = joinReports({
    stacks,
    stateOnly,
    accounts: reads,
    notRead,
    accountsChecked,
    ...(maxReleases !== undefined && { maxReleases }),
  });
  io.out(args.values.markdown ? renderMarkdown(joint) : renderText(joint));
  return exitCodeOf(joint);
}

/** Entry point of `phone-numbers drift-report`. */
export async function runDriftReport(argv: string[], io: Io = processIo): Promise<number> {
  let redact = (t: string) => t;
  const redactWith = (secrets: string[]) => {
    redact = redactor(secrets);
  };
  const out: Io = { out: (t) => io.out(redact(t)), err: (t) => io.err(redact(t)) };
  return runCommand(SPEC, out, async () => {
    const args = parseCommand(SPEC, argv, out);
    if (!args) return 0;
    return report(args, out, redactWith);
  });
}
