/**
 * Real-engine fault trials: the real Pulumi CLI (test/e2e/harness.ts, engine from scripts/engine.sh)
 * runs one program holding every resource kind against a sandbox; each trial installs ONE fault
 * rule, then:
 *
 *   `pulumi up` (may fail) -> every held number is in state
 *   -> faults cleared -> `pulumi up` (the clean rerun) exits 0 -> held = declared, all in state
 *   -> `pulumi preview --expect-no-changes` exits 0
 *   -> `pulumi destroy` exits 0 -> every account is empty.
 *
 * Destroy trials fault the destroy instead (after a clean up): a destroy that exits 0 must have
 * released everything; one that fails is followed by a clean destroy that empties the accounts.
 * The kill trial kills the CLI and the provider process (their whole process group) while a rent
 * is held up in the sandbox, lets the sandbox apply it, and checks the rerun rents no second number.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { startSandbox } from "../../sandbox/index.js";
import { adminRequest, sandboxStackConfig, vendorRequest } from "../../scripts/sandbox-client.js";
import { type RunResult, repoRoot, Stack } from "../e2e/harness.js";
import { heldIn } from "./campaign.js";

/** The clients' response timeout in the provider process (PHONE_NUMBERS_RESPONSE_TIMEOUT_MS). */
export const TRIAL_TIMEOUT_MS = 1500;
/** Latency faults last this much longer than the client waits. */
const PAST_TIMEOUT_MS = TRIAL_TIMEOUT_MS + 700;

export interface Trial {
  name: string;
  /** The one fault rule (sandbox admin API body); `times` defaults to 1. */
  rule?: Record<string, unknown>;
  /**
   * Fault the destroy (after a clean up) instead of the first up; or, `refresh-destroy`, follow the
   * faulted up with `pulumi refresh` and `pulumi destroy` (no up between): a partial record must
   * refresh and destroy as it is.
   */
  phase?: "up" | "destroy" | "refresh-destroy";
  /** Kill the pulumi process group while the faulted rent is in flight (before the client times out). */
  kill?: boolean;
  /** The program: every kind (default), or one resource alone (so only the faulted rent is in flight). */
  program?: keyof typeof PROGRAMS;
}

const EXB = "/v2_beta/Accounts/[^/]+";
const PLB = "/v1/Account/[^/]+";
const APB = "/v2/accounts/[^/]+";

const latency = (apply: "start" | "end") => ({ type: "latency", ms: PAST_TIMEOUT_MS, apply });

/** 26 trials: every vendor, each operation that can strand money, every fault kind at least once. */
export const TRIALS: Trial[] = [
  { name: "kill pulumi during an Exotel rent that then lands", kill: true, program: "exophone", rule: { vendor: "exotel", method: "POST", path: `${EXB}/IncomingPhoneNumbers$`, action: { type: "latency", ms: 6000, apply: "end" } } },
  { name: "kill pulumi during an Apifonica rent that then lands", kill: true, program: "apifonicaNumber", rule: { vendor: "apifonica", method: "POST", path: `${APB}/numbers$`, action: { type: "latency", ms: 6000, apply: "end" } } },
  { name: "kill pulumi during a Plivo buy that then lands", kill: true, program: "plivoOrder", rule: { vendor: "plivo", method: "POST", path: `${PLB}/PhoneNumber/[^/]+/$`, action: { type: "latency", ms: 6000, apply: "end" } } },
  { name: "Exotel rent lands after the client timed out", rule: { vendor: "exotel", method: "POST", path: `${EXB}/IncomingPhoneNumbers$`, action: latency("end") } },
  { name: "Exotel rent applied, answer later than the timeout", rule: { vendor: "exotel", method: "POST", path: `${EXB}/IncomingPhoneNumbers$`, action: latency("start") } },
  { name: "Exotel rent answer lost after commit", rule: { vendor: "exotel", method: "POST", path: `${EXB}/IncomingPhoneNumbers$`, action: { type: "reset", when: "after" } } },
  { name: "Exotel rent answer malformed", rule: { vendor: "exotel", method: "POST", path: `${EXB}/IncomingPhoneNumbers$`, action: { type: "malformed" } } },
  { name: "Exotel search 429 with Retry-After", rule: { vendor: "exotel", method: "GET", path: "/AvailablePhoneNumbers/", times: 2, action: { type: "status", status: 429, retryAfter: 1 } } },
  { name: "Exotel release 503 (destroy fails loudly, then empties)", phase: "destroy", rule: { vendor: "exotel", method: "DELETE", times: 6, action: { type: "status", status: 503 } } },
  { name: "Plivo buy answer lost after commit", rule: { vendor: "plivo", method: "POST", path: `${PLB}/PhoneNumber/[^/]+/$`, action: { type: "reset", when: "after" } } },
  { name: "Plivo read-back after a buy answers 429", rule: { vendor: "plivo", method: "GET", path: `${PLB}/Number/[^/]+/$`, times: 6, action: { type: "status", status: 429, retryAfter: 0 } } },
  { name: "Plivo read-back after a buy is malformed", rule: { vendor: "plivo", method: "GET", path: `${PLB}/Number/[^/]+/$`, action: { type: "malformed" } } },
  { name: "Plivo buy lands after the client timed out", rule: { vendor: "plivo", method: "POST", path: `${PLB}/PhoneNumber/[^/]+/$`, action: latency("end") } },
  { name: "Plivo routing update 502", rule: { vendor: "plivo", method: "POST", path: `${PLB}/Number/[^/]+/$`, times: 6, action: { type: "status", status: 502 } } },
  { name: "Plivo release answer lost after commit (destroy)", phase: "destroy", rule: { vendor: "plivo", method: "DELETE", action: { type: "reset", when: "after" } } },
  { name: "Plivo search reset before", rule: { vendor: "plivo", method: "GET", path: `${PLB}/PhoneNumber/$`, action: { type: "reset", when: "before" } } },
  { name: "Apifonica rent lands after the client timed out", rule: { vendor: "apifonica", method: "POST", path: `${APB}/numbers$`, action: latency("end") } },
  { name: "Apifonica rent answer lost after commit", rule: { vendor: "apifonica", method: "POST", path: `${APB}/numbers$`, action: { type: "reset", when: "after" } } },
  { name: "Apifonica routing after the rent fails (partial create)", rule: { vendor: "apifonica", method: "PUT", path: `${APB}/numbers/[^/]+$`, times: 6, action: { type: "status", status: 500 } } },
  { name: "Apifonica partial create, then refresh and destroy (no up between)", phase: "refresh-destroy", rule: { vendor: "apifonica", method: "PUT", path: `${APB}/numbers/[^/]+$`, times: 6, action: { type: "status", status: 500 } } },
  { name: "Apifonica application create answer lost after commit", rule: { vendor: "apifonica", method: "POST", path: `${APB}/applications$`, action: { type: "reset", when: "after" } } },
  { name: "Apifonica application create 429", rule: { vendor: "apifonica", method: "POST", path: `${APB}/applications$`, action: { type: "status", status: 429, retryAfter: 1 } } },
  { name: "Apifonica application create malformed", rule: { vendor: "apifonica", method: "POST", path: `${APB}/applications$`, action: { type: "malformed" } } },
  { name: "Apifonica number read malformed", rule: { vendor: "apifonica", method: "GET", path: `${APB}/numbers/[^/]+$`, action: { type: "malformed" } } },
  { name: "Apifonica release applied, answer after the timeout (destroy)", phase: "destroy", rule: { vendor: "apifonica", method: "DELETE", path: `${APB}/numbers/[^/]+$`, action: latency("start") } },
  { name: "Exotel list 503 while looking for an ambiguous rent", rule: { vendor: "exotel", method: "GET", path: `${EXB}/IncomingPhoneNumbers$`, times: 3, action: { type: "status", status: 503 } } },
]; // biome-ignore format: a table

const HEADER = `import { ApifonicaApplication, ApifonicaNumber, ExoPhone, PlivoNumberOrder } from "pulumi-phone-numbers";\n`;
const EXO = `const exo = new ExoPhone("exo", { region: "KA", friendlyName: "trial", voiceUrl: "https://voice.example.com/trial" });\n`;

/** The programs, and what each declares (numbers per vendor, applications). */
export const PROGRAMS = {
  all: {
    text: `${HEADER}${EXO}const plivo = new PlivoNumberOrder("plivo", { countryIso: "US", quantity: 2, alias: "trial" });
const app = new ApifonicaApplication("app", { controller: "https://ivr.example.com/trial", method: "POST", name: "trial" });
const line = new ApifonicaNumber("line", { countryCode: "GB", type: "local", name: "trial", callAppSid: app.applicationSid });
export const numbers = [exo.phoneNumber, plivo.numbers, line.number];
`,
    declared: { exotel: 1, plivo: 2, apifonica: 1, apifonicaApplications: 1 },
  },
  exophone: {
    text: `${HEADER}${EXO}export const numbers = [exo.phoneNumber, ApifonicaApplication, ApifonicaNumber, PlivoNumberOrder].length;\n`,
    declared: { exotel: 1, plivo: 0, apifonica: 0, apifonicaApplications: 0 },
  },
  plivoOrder: {
    text: `${HEADER}const order = new PlivoNumberOrder("order", { countryIso: "US", quantity: 2 });
export const numbers = [order.numbers, ApifonicaApplication, ApifonicaNumber, ExoPhone].length;
`,
    declared: { exotel: 0, plivo: 2, apifonica: 0, apifonicaApplications: 0 },
  },
  apifonicaNumber: {
    text: `${HEADER}const line = new ApifonicaNumber("line", { countryCode: "GB", type: "local" });
export const numbers = [line.number, ApifonicaApplication, ExoPhone, PlivoNumberOrder].length;
`,
    declared: { exotel: 0, plivo: 0, apifonica: 1, apifonicaApplications: 0 },
  },
};

export interface TrialResult {
  name: string;
  ok: boolean;
  problems: string[];
  /** Numbers held beyond the declared count after the clean rerun. */
  doublePurchases: number;
  /** Held numbers no state names (after the faulted step or the rerun). */
  inNoState: number;
  nonConverging: boolean;
  swallowedDelete: boolean;
  faultsFired: number;
  /**
   * Apifonica applications an ambiguous create left behind: Apifonica has no list of applications,
   * so the create fails loudly saying so and records nothing (an application costs nothing). Noted,
   * not a broken invariant.
   */
  orphanApplications: number;
}

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

/** Every live descendant of `pid` (Linux /proc), deepest last. */
async function descendants(pid: number): Promise<number[]> {
  const parentOf = new Map<number, number>();
  for (const entry of await fs.readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    const m = /\) \S (\d+)/.exec(stat);
    if (m) parentOf.set(Number(entry), Number(m[1]));
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [c, parent] of parentOf) {
      if (parent === p) {
        out.push(c);
        walk(c);
      }
    }
  };
  walk(pid);
  return out;
}

interface Holdings {
  exotel: Record<string, string[]>;
  plivo: Record<string, string[]>;
  apifonica: Record<string, string[]>;
  apifonicaApplications: Record<string, string[]>;
}

const tail = (r: RunResult) =>
  `${r.stdout}\n${r.stderr}`
    .split("\n")
    .filter((l) => l.trim())
    .slice(-12)
    .join("\n");

/** One sandbox, one program and one stack shared by the trials (each ends with empty accounts). */
export class TrialBench {
  private constructor(
    readonly sb: Sandbox,
    readonly programDir: string,
    private stack: Stack,
  ) {}

  private static newStack(sb: Sandbox, programDir: string): Promise<Stack> {
    return Stack.create({
      programDir,
      ...sandboxStackConfig(sb),
      env: {
        PHONE_NUMBERS_RESPONSE_TIMEOUT_MS: String(TRIAL_TIMEOUT_MS),
        PHONE_NUMBERS_SETTLE_MS: String(2 * PAST_TIMEOUT_MS),
        // Purchase intents of this bench only: two benches run side by side in npm test with the
        // same project and stack names, so the same identity labels.
        PHONE_NUMBERS_INTENT_DIR: path.join(programDir, ".intents"),
      },
    });
  }

  /**
   * The program lives in `<package>/test/faults/.tmp-trials-*` and imports "pulumi-phone-numbers" by
   * package self-reference: this repository's dist/, or the build named by FAULTS_PACKAGE_DIR.
   */
  static async create(): Promise<TrialBench> {
    const sb = await startSandbox({ port: 0, quiet: true });
    const pkg = process.env["FAULTS_PACKAGE_DIR"] ?? repoRoot;
    await fs.mkdir(path.join(pkg, "test", "faults"), { recursive: true });
    const programDir = await fs.mkdtemp(path.join(pkg, "test", "faults", ".tmp-trials-"));
    await fs.writeFile(
      path.join(programDir, "Pulumi.yaml"),
      "name: fault-trials\nruntime: nodejs\nmain: index.ts\n",
    );
    await fs.writeFile(path.join(programDir, "index.ts"), PROGRAMS.all.text);
    return new TrialBench(sb, programDir, await TrialBench.newStack(sb, programDir));
  }

  async close(): Promise<void> {
    await this.stack.destroy().catch(() => undefined);
    await this.stack.remove().catch(() => undefined);
    await fs.rm(this.programDir, { recursive: true, force: true });
    await this.sb.close();
  }

  private admin<T>(method: string, p: string, body?: unknown): Promise<T> {
    return adminRequest<T>(this.sb, method, p, body);
  }

  private debugLog: unknown[] = [];

  private async held(): Promise<Map<string, keyof Holdings>> {
    const h = await this.admin<Holdings>("GET", "holdings");
    const out = new Map<string, keyof Holdings>();
    for (const v of ["exotel", "plivo", "apifonica", "apifonicaApplications"] as const)
      for (const list of Object.values(h[v])) for (const n of list) out.set(n.replace(/^\+/, ""), v);
    return out;
  }

  private async inState(): Promise<Set<string>> {
    const exported = await this.stack.exportState();
    const resources =
      (exported.json as { deployment?: { resources?: Array<{ outputs?: unknown }> } } | undefined)?.deployment
        ?.resources ?? [];
    const out = new Set<string>();
    for (const r of resources) heldIn(r.outputs, out);
    return out;
  }

  private async firedTotal(): Promise<number> {
    const f = await this.admin<{ fired: Record<string, number> }>("GET", "faults");
    return Object.values(f.fired).reduce((a, b) => a + b, 0);
  }

  /** `pulumi up` in its own process group, killed (SIGKILL, whole group) once the fault has fired. */
  private async killedUp(problems: string[]): Promise<void> {
    const child = spawn(
      "pulumi",
      ["up", "--stack", this.stack.name, "--non-interactive", "--yes", "--skip-preview", "--color", "never"],
      { cwd: this.programDir, env: this.stack.env, stdio: "ignore" },
    );
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    let fired = false;
    for (let i = 0; i < 600 && !fired; i++) {
      fired = (await this.firedTotal()) > 0;
      if (!fired) await new Promise((r) => setTimeout(r, 100));
    }
    if (!fired) problems.push("the rent never reached the sandbox before the kill");
    // Kill while the client still waits for the rent's answer (it gives up after TRIAL_TIMEOUT_MS).
    await new Promise((r) => setTimeout(r, 300));
    if (child.pid !== undefined) {
      // The CLI and every process it started (the language host, the dynamic-provider process: Pulumi
      // starts plugins in process groups of their own, so the group alone would miss them), by id.
      const pids = [child.pid, ...(await descendants(child.pid))];
      for (const pid of pids) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    await exited;
    // The sandbox applies the held-up rent once its latency is over.
    for (let i = 0; i < 100; i++) {
      if ((await this.admin<{ faults: unknown[] }>("GET", "faults")).faults.length === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 6500));
    // The killed CLI left its lock; remove it as `pulumi cancel` would.
    await fs.rm(path.join(this.stack.backendDir, ".pulumi", "locks"), { recursive: true, force: true });
  }

  async run(trial: Trial): Promise<TrialResult> {
    const problems: string[] = [];
    const result: TrialResult = {
      name: trial.name,
      ok: false,
      problems,
      doublePurchases: 0,
      inNoState: 0,
      nonConverging: false,
      swallowedDelete: false,
      faultsFired: 0,
      orphanApplications: 0,
    };
    await this.admin("POST", "reset");
    const program = PROGRAMS[trial.program ?? "all"];
    await fs.writeFile(path.join(this.programDir, "index.ts"), program.text);
    const DECLARED = program.declared;
    const orphans = new Set<string>();
    const orphanCheck = async (when: string) => {
      const state = await this.inState();
      for (const [n, v] of await this.held()) {
        if (!state.has(n) && !orphans.has(n)) {
          orphans.add(n);
          if (v === "apifonicaApplications") {
            result.orphanApplications++;
            continue;
          }
          result.inNoState++;
          problems.push(`${when}: ${v} holds ${n}, which no state names`);
        }
      }
    };
    const rule = trial.rule ? { times: 1, ...trial.rule } : undefined;

    if (trial.phase === "refresh-destroy") {
      if (rule) await this.admin("POST", "faults", rule);
      const up = await this.stack.up();
      result.faultsFired = await this.firedTotal();
      await this.admin("DELETE", "faults");
      if (up.code === 0) problems.push("the faulted up exited 0: no partial record to refresh");
      await orphanCheck("after the faulted up");
      const refresh = await this.stack.refresh();
      if (refresh.code !== 0) {
        result.nonConverging = true;
        problems.push(`refresh of the partial record failed (${refresh.code}):\n${tail(refresh)}`);
      }
      await orphanCheck("after the refresh");
      const destroy = await this.stack.destroy();
      if (destroy.code !== 0) {
        result.nonConverging = true;
        problems.push(`destroy of the partial record failed (${destroy.code}):\n${tail(destroy)}`);
      }
      const held = await this.held();
      if (destroy.code === 0 && held.size > 0) {
        result.swallowedDelete = true;
        problems.push(`destroy exited 0 but the accounts still hold ${[...held.keys()].join(", ")}`);
      }
    } else if (trial.phase === "destroy") {
      const up = await this.stack.up();
      if (up.code !== 0) problems.push(`clean up failed (${up.code}):\n${tail(up)}`);
      if (rule) await this.admin("POST", "faults", rule);
      const destroy = await this.stack.destroy();
      result.faultsFired = await this.firedTotal();
      await this.admin("DELETE", "faults");
      const held = await this.held();
      if (destroy.code === 0 && held.size > 0) {
        result.swallowedDelete = true;
        problems.push(`destroy exited 0 but the accounts still hold ${[...held.keys()].join(", ")}`);
      }
      await orphanCheck("after the faulted destroy");
      if (destroy.code !== 0) {
        const again = await this.stack.destroy();
        if (again.code !== 0) {
          result.nonConverging = true;
          problems.push(`the clean destroy failed (${again.code}):\n${tail(again)}`);
        }
      }
    } else {
      if (rule) await this.admin("POST", "faults", rule);
      if (trial.kill) await this.killedUp(problems);
      else await this.stack.up();
      result.faultsFired = await this.firedTotal();
      await this.admin("DELETE", "faults");
      // After a kill the state holds only a pending create for the rent: the rerun must settle it.
      if (!trial.kill) await orphanCheck("after the faulted up");
      if (process.env["FAULTS_DEBUG"]) {
        const ex = await vendorRequest(this.sb, "exotel", "GET", "/IncomingPhoneNumbers?PageSize=100");
        this.debugLog.push({ exotelBeforeRerun: ex.json });
        this.debugLog.push({ state: (await this.stack.exportState()).stdout.slice(0, 3000) });
      }
      const rerun = await this.stack.up();
      if (process.env["FAULTS_DEBUG"]) this.debugLog.push({ rerun: tail(rerun) });
      if (rerun.code !== 0) {
        result.nonConverging = true;
        problems.push(`the clean rerun failed (${rerun.code}):\n${tail(rerun)}`);
      }
      const held = await this.held();
      const count = (v: keyof Holdings) => [...held.values()].filter((x) => x === v).length;
      for (const v of Object.keys(DECLARED) as Array<keyof typeof DECLARED>) {
        const n = count(v) - (v === "apifonicaApplications" ? result.orphanApplications : 0);
        if (n > DECLARED[v]) {
          result.doublePurchases += n - DECLARED[v];
          problems.push(`after the rerun ${v} holds ${n} for ${DECLARED[v]} declared`);
        } else if (n < DECLARED[v]) {
          result.nonConverging = true;
          problems.push(`after the rerun ${v} holds ${n} for ${DECLARED[v]} declared`);
        }
      }
      await orphanCheck("after the rerun");
      const preview = await this.stack.preview({ expectNoChanges: true });
      if (preview.code !== 0) {
        result.nonConverging = true;
        problems.push(`preview --expect-no-changes exited ${preview.code}:\n${tail(preview)}`);
      }
      const destroy = await this.stack.destroy();
      if (destroy.code !== 0) problems.push(`destroy failed (${destroy.code}):\n${tail(destroy)}`);
    }
    const left = [...(await this.held()).keys()].filter((n) => !orphans.has(n) || !n.startsWith("app"));
    if (left.length > 0) problems.push(`the accounts are not empty at the end: ${left.join(", ")}`);
    if (process.env["FAULTS_DEBUG"]) problems.push(`debug: ${JSON.stringify(this.debugLog)}`);
    result.ok = problems.length === 0;
    if (!result.ok && (await this.inState()).size > 0) {
      // Leave the next trial a clean slate: a fresh stack (the sandbox is reset by the next trial).
      await this.stack.remove().catch(() => undefined);
      this.stack = await TrialBench.newStack(this.sb, this.programDir);
    }
    return result;
  }
}
