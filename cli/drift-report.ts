/**
 * `phone-numbers drift-report`: what a scheduled CI job (or a pull-request check) needs to know about
 * one or many stacks of numbers that share vendor accounts.
 *
 * For each stack it runs `pulumi preview --refresh --json` and reads the stack's config (secrets
 * decrypted through the stack) for the vendor credentials, exactly as the provider reads them (stack
 * config, then the environment). Then it reads each vendor account once and reports: fields changed
 * outside Pulumi, numbers released by hand, pending Plivo orders, what `pulumi up` would rent, adopt
 * and release with the monthly rental change, numbers no listed stack manages, numbers two stacks
 * manage (conflicts) and accounts it could not read. This file is the command; the stacks and their
 * previews are read in drift/stacks.ts, the accounts in drift/accounts.ts, the preview steps in
 * drift/steps.ts; the analysis is in drift/analyse.ts and drift/joint.ts, the text and Markdown in
 * drift/render.ts.
 *
 * Exit codes (the most severe finding wins): 0 nothing to do and every relevant account read;
 * 9 more releases than --max-releases; 8 a number managed twice; 7 drift or any change `up` would
 * make; 6 an account the stacks use could not be read (or its credentials are incomplete);
 * 1 error; 2 usage.
 */
import { redactor } from "../provider/core/redact.js";
import {
  type Io,
  nonNegativeInt,
  type Parsed,
  parseCommand,
  processIo,
  progressTo,
  runCommand,
} from "./args.js";
import { secretsOf } from "./credentials.js";
import { accountsOf, readAccounts } from "./drift/accounts.js";
import { analyseStack, type StackReport } from "./drift/analyse.js";
import { type AccountRead, exitCodeOf, joinReports, type NotRead } from "./drift/joint.js";
import { renderMarkdown, renderText } from "./drift/render.js";
import { previews, type StackChoice, stateOnlyStacks } from "./drift/stacks.js";
import type { HeldNumber } from "./inventory.js";

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

/** The stacks the command line chooses: `--cwd`/`--stack` in order, `--all-stacks`, `--backend`, `--json`. */
function stackChoice(args: Args): StackChoice {
  const places: StackChoice["places"] = [];
  for (const t of args.tokens ?? [])
    if (t.kind === "option" && t.value !== undefined && (t.name === "cwd" || t.name === "stack"))
      places.push({ name: t.name, value: t.value });
  return {
    places,
    allStacks: args.values["all-stacks"] === true,
    backend: args.values.backend === true,
    json: args.values.json,
  };
}

async function report(args: Args, io: Io, redactWith: (s: string[]) => void): Promise<number> {
  const maxReleases = nonNegativeInt("--max-releases", args.values["max-releases"]);
  const progress = progressTo(io, args.values.quiet === true);
  const { checked, refs, dirs } = await previews(stackChoice(args), progress);
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
