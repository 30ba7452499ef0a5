/**
 * The provider-level fault campaign: the built provider module (the package's `./provider` export,
 * what every resource's shim loads) driven directly, with about 20 operations in parallel, against a
 * sandbox that injects seeded faults on every vendor and operation. Pulumi's engine is modelled the
 * way the dynamic-provider host and the engine really behave:
 *
 * - a create or update that throws an error with an `id` is recorded in state with the error's
 *   `properties` as given (ErrorResourceInitFailed), and the next `up` updates it; an error without
 *   an `id` records nothing (the engine forgets whatever was bought);
 * - a read that answers an empty id drops the resource from state;
 * - a delete that throws keeps the resource in state; one that returns drops it;
 * - a rerun is `pulumi up --refresh`: read every resource in state, then create what is missing,
 *   update what differs (always, for records a failed create or update left), delete what is no
 *   longer declared.
 *
 * Invariants, checked against the sandbox's own record of what each account holds (its admin API):
 * every held number is in state (error properties included) after the faulted round; a delete that
 * returned released its numbers; the clean rerun succeeds and leaves held = declared (no double
 * purchase); no 429 reaches the caller; a record left by an error carries `__provider` (without it
 * refresh and destroy fail under the real engine).
 */
import { createRequire } from "node:module";
import * as path from "node:path";
import { DEFAULT_ACCOUNTS, startSandbox } from "../../sandbox/index.js";
import { adminRequest, sandboxStackConfig } from "../../scripts/sandbox-client.js";

type Props = Record<string, unknown>;
type Vendor = "exotel" | "plivo" | "apifonica";
export type Kind = "exophone" | "plivo-number-order" | "apifonica-number" | "apifonica-application";

interface KindProvider {
  check(olds: Props, news: Props): Promise<{ inputs?: Props; failures?: unknown[] }>;
  diff(id: string, olds: Props, news: Props): Promise<{ changes?: boolean; replaces?: string[] }>;
  create(inputs: Props): Promise<{ id: string; outs?: Props }>;
  read(id: string, props: Props): Promise<{ id?: string; props?: Props }>;
  update(id: string, olds: Props, news: Props): Promise<{ outs?: Props }>;
  delete(id: string, props: Props): Promise<void>;
}

interface ProviderModule {
  provider(kind: string): KindProvider;
  setConfigSource(lookup: (key: string) => string | undefined): void;
}

/**
 * The package whose provider module is driven: this repository, or another build of it named by
 * FAULTS_PACKAGE_DIR (e.g. a copy of an older commit, to compare).
 */
const repo =
  process.env["FAULTS_PACKAGE_DIR"] ??
  path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
/**
 * The built provider module through the package's `./provider` export (package self-reference), as
 * the shim loads it. Run `npm run build` first.
 */
export async function loadProvider(): Promise<ProviderModule> {
  const require = createRequire(path.join(repo, "package.json"));
  return (await import(require.resolve("pulumi-phone-numbers/provider"))) as ProviderModule;
}

/**
 * The provider's response timeout and settle window (P's settings, provider/core/purchase.ts): the
 * environment it reads, the built module's defaults object (for any client built without that
 * override), and the per-account bundles rebuilt so their clients take the new timeout. The settle
 * window is five timeouts, not the default two: a latency fault lands 150 ms after the timeout
 * counted from when the sandbox read the request, and with 60 operations and other test files on two
 * cores the sandbox (in this process) can read it seconds after the client sent it; in production the
 * window (60 s) dwarfs such delays. With two timeouts, an event-loop stall alone made a buy land
 * after its window (a delete then returned before the number arrived).
 */
async function clientTimeout(ms: number): Promise<void> {
  process.env["PHONE_NUMBERS_RESPONSE_TIMEOUT_MS"] = String(ms);
  process.env["PHONE_NUMBERS_SETTLE_MS"] = String(5 * ms);
  const dist = path.join(repo, "dist", "provider", "core");
  const http = (await import(path.join(dist, "http.js"))) as { DEFAULT_TIMEOUTS: { responseMs: number } };
  http.DEFAULT_TIMEOUTS.responseMs = ms;
  const factory = (await import(path.join(dist, "client-factory.js"))) as {
    restoreClientFactory: () => void;
  };
  factory.restoreClientFactory(); // no factory is replaced here: this only starts new bundles
}

/**
 * The clean rerun's timeout, as a multiple of the faulted rounds' one: no fault is injected then, and
 * a request that only waited for a starved event loop (two cores, other test files) is not a failure
 * to converge; a real rerun is a new process with the 30 s default.
 */
const RERUN_TIMEOUT_FACTOR = 10;

// ---- seeded randomness -------------------------------------------------------------------------

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- what the sandbox injects ------------------------------------------------------------------

export const FAULT_KINDS = [
  "5xx",
  "429",
  "reset-before",
  "reset-after",
  "malformed",
  "latency-apply-end",
  "latency-apply-start",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export type Operation = "search" | "rent" | "read" | "list" | "update" | "release" | "app-create";

/** Each vendor operation as the sandbox sees it: method and a path RegExp (relative to the vendor). */
export const OPERATIONS: Record<Vendor, Array<{ op: Operation; method: string; path: string }>> = {
  exotel: [
    { op: "search", method: "GET", path: "/AvailablePhoneNumbers/" },
    { op: "rent", method: "POST", path: "/IncomingPhoneNumbers$" },
    { op: "read", method: "GET", path: "(/IncomingPhoneNumbers|/incoming-phone-numbers)/[^/]+$" },
    { op: "list", method: "GET", path: "/IncomingPhoneNumbers$" },
    { op: "update", method: "PUT", path: "/IncomingPhoneNumbers/[^/]+$" },
    { op: "update", method: "POST", path: "/IncomingPhoneNumbers/[^/]+$" },
    { op: "release", method: "DELETE", path: "/IncomingPhoneNumbers/[^/]+$" },
  ],
  plivo: [
    { op: "search", method: "GET", path: "/(PhoneNumber|AvailableNumberGroup)/$" },
    { op: "rent", method: "POST", path: "/(PhoneNumber|AvailableNumberGroup)/[^/]+/$" },
    { op: "read", method: "GET", path: "/Number/[^/]+/$" },
    { op: "list", method: "GET", path: "/Number/$" },
    { op: "update", method: "POST", path: "/Number/[^/]+/$" },
    { op: "release", method: "DELETE", path: "/Number/[^/]+/$" },
  ],
  apifonica: [
    { op: "search", method: "GET", path: "/availableNumbers/" },
    { op: "rent", method: "POST", path: "/numbers$" },
    { op: "read", method: "GET", path: "/(numbers|applications)/[^/]+$" },
    { op: "read", method: "GET", path: "/balance/" },
    { op: "list", method: "GET", path: "/(numbers|applications)$" },
    { op: "update", method: "PUT", path: "/(numbers|applications)/[^/]+$" },
    { op: "release", method: "DELETE", path: "/(numbers|applications)/[^/]+$" },
    { op: "app-create", method: "POST", path: "/applications$" },
  ],
};

function action(kind: FaultKind, r: () => number, timeoutMs: number): Record<string, unknown> {
  switch (kind) {
    case "5xx":
      return { type: "status", status: [500, 502, 503][Math.floor(r() * 3)] };
    case "429":
      // Mostly Retry-After 0 (the client still waits its jitter); one in five says 1 second.
      return { type: "status", status: 429, retryAfter: r() < 0.2 ? 1 : 0 };
    case "reset-before":
      return { type: "reset", when: "before" };
    case "reset-after":
      return { type: "reset", when: "after" };
    case "malformed":
      return { type: "malformed" };
    case "latency-apply-end":
      return { type: "latency", ms: timeoutMs + 150, apply: "end" };
    case "latency-apply-start":
      return { type: "latency", ms: timeoutMs + 150, apply: "start" };
  }
}

export interface FaultCell {
  vendor: Vendor;
  op: Operation;
  kind: FaultKind;
  fired: number;
}

// ---- the simulated stack -----------------------------------------------------------------------

interface Record_ {
  id: string;
  outs: Props;
  /** Left by an error that carried an id: the engine updates it on the next up. */
  initFailed: boolean;
}

interface Slot {
  name: string;
  kind: Kind;
  vendor: Vendor;
  news: Props;
  declared: boolean;
  state: Record_ | undefined;
  /** Numbers a delete that returned dropped from the state, to check against the account. */
  released: Released[];
  /** The slot's own draws (which operation next, what changes), seeded per slot. */
  r: () => number;
}

export type FailureClass =
  | "number in no state"
  | "number in two states"
  | "double purchase"
  | "non-converging rerun"
  | "swallowed delete error"
  | "429 surfaced"
  | "record without __provider"
  | "spurious replacement"
  | "orphan application"
  | "injected 429 outlasted retries";

/** What must never happen. */
export const INVARIANTS: readonly FailureClass[] = [
  "number in no state",
  "number in two states",
  "double purchase",
  "non-converging rerun",
  "swallowed delete error",
  "429 surfaced",
  "record without __provider",
  "spurious replacement",
];

/**
 * Counted and reported, not invariants: Apifonica has no list of applications, so an application
 * whose create answer was lost cannot be found (the create fails loudly, saying so, and records
 * nothing; an application costs nothing); and under the campaign's fault storm (about 40% of
 * requests faulted) a request can meet a fault on every one of its five attempts, the last a 429.
 * Whether a 429 reaches the user under the vendors' real limits is checked by `runRateLimitCheck`.
 */
export const NOTED: readonly FailureClass[] = ["orphan application", "injected 429 outlasted retries"];

export interface Failure {
  class: FailureClass;
  seed: number;
  round: number;
  vendor: Vendor;
  kind: Kind;
  slot: string;
  detail: string;
  /** Numbers this failure stands for (double purchases: how many held beyond what is declared). */
  count: number;
}

export interface CampaignOptions {
  seed: number;
  rounds: number;
  /** Operations at once (the engine's --parallel). */
  concurrency: number;
  /** Resources per kind. */
  slots: Partial<Record<Kind, number>>;
  /** Probability of each (vendor, operation, kind) rule per matching request. */
  probability: number | Partial<Record<FaultKind, number>>;
  kinds: readonly FaultKind[];
  /** The client's response timeout; latency faults last 150 ms longer. */
  timeoutMs: number;
  /**
   * Restrict the injected faults to these cells, e.g. ["apifonica:app-create:reset-after"] (a minimal
   * reproduction); `*` matches any vendor, operation or kind.
   */
  only?: readonly string[];
  /** Cells never injected (same form as `only`): known failures kept out of npm test. */
  exclude?: readonly string[];
  /** Operations each slot runs one after another in a faulted round (amortises the round barrier). */
  opsPerRound?: number;
  /**
   * Per-operation probability overrides: searches, list walks and application creates are rare
   * requests (shared search pools, batched reads), so they get a higher rate to meet every kind.
   */
  opProbability?: Partial<Record<Operation, number>>;
  /** Stop (between rounds) once every kind has fired this many times. */
  targetPerKind?: number;
  /** Stop after this long (ms), between rounds. */
  budgetMs?: number;
  log?: (line: string) => void;
}

export interface CampaignResult {
  seed: number;
  rounds: number;
  operations: number;
  requests: number;
  faults: Record<string, number>;
  cells: FaultCell[];
  failures: Failure[];
  totals: Record<FailureClass, number>;
  durationMs: number;
}

const VENDOR_OF: Record<Kind, Vendor> = {
  exophone: "exotel",
  "plivo-number-order": "plivo",
  "apifonica-number": "apifonica",
  "apifonica-application": "apifonica",
};

const EXO_REGIONS = ["KA", "MH", "DL", "TN", "GJ", "WB", "KL", "RJ"];
const PLIVO_COUNTRIES = ["US", "GB"];
const APIFONICA_COUNTRIES = ["GB", "US", "IE"];

function initialNews(kind: Kind, i: number, r: () => number): Props {
  switch (kind) {
    case "exophone":
      return { region: EXO_REGIONS[i % EXO_REGIONS.length], voiceUrl: `https://voice.example.com/${i}/0` };
    case "plivo-number-order":
      return {
        countryIso: PLIVO_COUNTRIES[i % PLIVO_COUNTRIES.length],
        quantity: 1 + Math.floor(r() * 2),
        alias: `pool-${i}-0`,
      };
    case "apifonica-number":
      return {
        countryCode: APIFONICA_COUNTRIES[i % APIFONICA_COUNTRIES.length],
        type: "local",
        name: `line-${i}-0`,
      };
    case "apifonica-application":
      return { controller: `https://ivr.example.com/${i}/0`, method: "POST", name: `app-${i}` };
  }
}

/** A routing or naming change (Plivo: sometimes a quantity change, which buys or releases). */
function changed(slot: Slot, r: () => number, round: number): Props {
  const n = slot.news;
  const tag = `${round}-${Math.floor(r() * 1e6)}`;
  switch (slot.kind) {
    case "exophone":
      return { ...n, voiceUrl: `https://voice.example.com/${slot.name}/${tag}` };
    case "plivo-number-order":
      return r() < 0.5 ? { ...n, quantity: n.quantity === 1 ? 2 : 1 } : { ...n, alias: `pool-${tag}` };
    case "apifonica-number":
      return { ...n, name: `line-${tag}` };
    case "apifonica-application":
      return { ...n, controller: `https://ivr.example.com/${slot.name}/${tag}` };
  }
}

function declaredCount(slot: Slot): number {
  return slot.kind === "plivo-number-order" ? Number(slot.news.quantity ?? 1) : 1;
}

const digits = (s: string) => s.replace(/^\+/, "");

/** Every phone number (digits) or Apifonica application sid anywhere in a value. */
export function heldIn(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === "string") {
    if (/^\+?\d{8,15}$/.test(value)) out.add(digits(value));
    else if (/^app[0-9a-f-]{20,}$/i.test(value)) out.add(value);
  } else if (Array.isArray(value)) for (const v of value) heldIn(v, out);
  else if (value && typeof value === "object") for (const v of Object.values(value)) heldIn(v, out);
  return out;
}

/**
 * The numbers a record owns: every number in its outputs except a pending Plivo group order's
 * `heldBefore` (numbers the account held before that order: other records' numbers, not this one's).
 */
export function ownedIn(outs: Props, out = new Set<string>()): Set<string> {
  const { pendingOrders: _before, ...rest } = outs;
  return heldIn(rest, out);
}

/** A number a delete that returned dropped from the state; `confirmed` when the record held it. */
export interface Released {
  number: string;
  confirmed: boolean;
}

/**
 * What a record names when its delete returns: its held numbers are confirmed; an uncertain record's
 * candidate and a Plivo order's pending numbers (buys whose outcome was not known) are not. A delete
 * drops an unconfirmed number once it finds it was never bought (not held, offered again after the
 * settle window), and then any create may buy it: the sandbox quarantines released numbers only.
 */
export function releasedBy(outs: Props): Released[] {
  const confirmed = outs.__uncertain !== undefined ? new Set() : ownedIn({ ...outs, pendingNumbers: [] });
  return [...ownedIn(outs)].map((number) => ({ number, confirmed: confirmed.has(number) }));
}

/**
 * The numbers a returned delete left held ("swallowed delete error"). A confirmed one still held was
 * not released (it cannot have been bought again: released numbers are quarantined). An unconfirmed
 * one still held is a failure only when no record names it: named, a later create bought it after the
 * delete found it never bought; unnamed, its buy landed after the delete gave up on it.
 */
export function swallowedDeletes(released: Released[], held: Set<string>, named: Set<string>): string[] {
  return released
    .filter((r) => held.has(r.number) && (r.confirmed || !named.has(r.number)))
    .map((r) => r.number);
}

interface Holdings {
  exotel: Record<string, string[]>;
  plivo: Record<string, string[]>;
  apifonica: Record<string, string[]>;
  apifonicaApplications: Record<string, string[]>;
}

/** Runs `fn` over `items`, `n` at once; a throw (a harness or provider bug) goes to `onError`. */
async function pool<T>(
  items: T[],
  n: number,
  fn: (item: T) => Promise<void>,
  onError: (item: T, err: unknown) => void,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        try {
          await fn(item);
        } catch (err) {
          onError(item, err);
        }
      }
    }),
  );
}

function errorInfo(err: unknown): { message: string; id?: string; properties?: Props; status?: number } {
  const e = err as { message?: unknown; id?: unknown; properties?: unknown; status?: unknown };
  return {
    message: typeof e?.message === "string" ? e.message : String(err),
    ...(typeof e?.id === "string" && e.id !== "" && { id: e.id }),
    ...(typeof e?.properties === "object" && e.properties !== null && { properties: e.properties as Props }),
    ...(typeof e?.status === "number" && { status: e.status }),
  };
}

const injected = (info: { message: string }) => /sandbox fault f\d+/i.test(info.message);
const is429 = (info: { message: string; status?: number }) =>
  info.status === 429 || /\bHTTP 429\b|\b429\b.*too many/i.test(info.message);

/** Runs the campaign; never throws on an invariant (failures are returned), only on harness faults. */
export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const mod = await loadProvider();
  await clientTimeout(options.timeoutMs);
  // The vendors' own limits are generous here; the rate-limit check runs under default limits apart.
  const generous = { requests: 1_000_000, windowMs: 60_000 };
  const accounts = {
    exotel: DEFAULT_ACCOUNTS.exotel.map((a) => ({ ...a, rateLimit: generous })),
    plivo: DEFAULT_ACCOUNTS.plivo.map((a) => ({ ...a, rateLimit: generous })),
    apifonica: DEFAULT_ACCOUNTS.apifonica.map((a) => ({ ...a, rateLimit: generous })),
  };
  const sb = await startSandbox({ port: 0, quiet: true, seed: options.seed, accounts });
  const { config, secrets } = sandboxStackConfig(sb);
  const settings: Record<string, string> = {
    ...config,
    ...secrets,
    "exotel:rateLimit": "1000000/60s",
    "plivo:rateLimit": "1000000/60s",
    "apifonica:rateLimit": "1000000/60s",
  };
  mod.setConfigSource((k) => settings[k]);
  // The provider module loads each kind on first use; load them one at a time before the parallel
  // work (jest's ESM loader cannot link one module from two concurrent dynamic imports).
  for (const kind of Object.keys(VENDOR_OF)) await mod.provider(kind).check({}, {});

  const r = rng(options.seed);
  const failures: Failure[] = [];
  const slots: Slot[] = [];
  for (const [kind, count] of Object.entries(options.slots) as Array<[Kind, number]>) {
    for (let i = 0; i < count; i++) {
      slots.push({
        name: `${kind}-${i}`,
        kind,
        vendor: VENDOR_OF[kind],
        news: initialNews(kind, i, r),
        declared: true,
        state: undefined,
        released: [],
        r: rng(options.seed * 7919 + slots.length * 104729),
      });
    }
  }
  const cells = new Map<string, FaultCell>();
  const faults: Record<string, number> = {};
  let operations = 0;
  let requests = 0;
  let round = 0;
  let completed = 0;

  const fail = (cls: FailureClass, slot: Slot, detail: string, count = 1) => {
    failures.push({
      count,
      class: cls,
      seed: options.seed,
      round,
      vendor: slot.vendor,
      kind: slot.kind,
      slot: slot.name,
      detail,
    });
    log(`FAIL ${cls}: seed ${options.seed} round ${round} ${slot.name}: ${detail}`);
  };

  const news = (slot: Slot): Props => ({
    __provider: "shim",
    __identity: `faults/campaign-${options.seed}/${slot.name}`,
    ...slot.news,
  });

  /** What the engine records from an error: the record with the error's properties, if it has an id. */
  const recordFromError = (slot: Slot, info: ReturnType<typeof errorInfo>, op: string) => {
    if (is429(info))
      fail(
        injected(info) ? "injected 429 outlasted retries" : "429 surfaced",
        slot,
        `${op}: ${info.message}`,
      );
    if (info.id === undefined) return false;
    const properties = info.properties ?? {};
    if (typeof properties.__provider !== "string")
      fail("record without __provider", slot, `${op} error recorded id ${info.id} without __provider`);
    slot.state = { id: info.id, outs: properties, initFailed: true };
    return true;
  };

  const p = (slot: Slot) => mod.provider(slot.kind);

  async function create(slot: Slot, op = "create"): Promise<string | undefined> {
    const provider = p(slot);
    const checked = await provider.check({}, news(slot));
    if ((checked.failures ?? []).length > 0)
      throw new Error(`check failed for ${slot.name}: ${JSON.stringify(checked.failures)}`);
    operations++;
    try {
      const res = await provider.create(checked.inputs ?? news(slot));
      slot.state = { id: res.id, outs: { ...res.outs, __provider: "shim" }, initFailed: false };
      return undefined;
    } catch (err) {
      const info = errorInfo(err);
      recordFromError(slot, info, op);
      return info.message;
    }
  }

  async function refresh(slot: Slot): Promise<string | undefined> {
    const st = slot.state!;
    operations++;
    try {
      const res = await p(slot).read(st.id, st.outs);
      if (!res.id) slot.state = undefined;
      // The engine replaces the outputs with what read returned (the host adds `__provider` back).
      else
        slot.state = {
          id: res.id,
          outs: { ...res.props, __provider: st.outs.__provider },
          initFailed: st.initFailed,
        };
      return undefined;
    } catch (err) {
      const info = errorInfo(err);
      if (is429(info))
        fail(
          injected(info) ? "injected 429 outlasted retries" : "429 surfaced",
          slot,
          `read: ${info.message}`,
        );
      return info.message;
    }
  }

  async function update(slot: Slot, next: Props): Promise<string | undefined> {
    const st = slot.state!;
    const provider = p(slot);
    const checked = await provider.check(st.outs, {
      ...next,
      __provider: "shim",
      __identity: news(slot).__identity,
    });
    operations++;
    try {
      const res = await provider.update(st.id, st.outs, checked.inputs ?? next);
      slot.news = next;
      slot.state = { id: st.id, outs: { ...res.outs, __provider: "shim" }, initFailed: false };
      return undefined;
    } catch (err) {
      const info = errorInfo(err);
      slot.news = next; // the engine's inputs are the new ones either way
      recordFromError(slot, info, "update");
      return info.message;
    }
  }

  async function remove(slot: Slot): Promise<string | undefined> {
    const st = slot.state!;
    operations++;
    try {
      await p(slot).delete(st.id, st.outs);
      slot.released.push(...releasedBy(st.outs));
      slot.state = undefined;
      return undefined;
    } catch (err) {
      const info = errorInfo(err);
      if (is429(info))
        fail(
          injected(info) ? "injected 429 outlasted retries" : "429 surfaced",
          slot,
          `delete: ${info.message}`,
        );
      return info.message;
    }
  }

  async function holdings(): Promise<Map<string, Vendor>> {
    const h = await adminRequest<Holdings>(sb, "GET", "holdings");
    const out = new Map<string, Vendor>();
    for (const v of ["exotel", "plivo", "apifonica"] as const)
      for (const list of Object.values(h[v])) for (const n of list) out.set(digits(n), v);
    for (const list of Object.values(h.apifonicaApplications)) for (const s of list) out.set(s, "apifonica");
    return out;
  }

  /** Held numbers no state names, already counted once (they stay held: the account keeps paying). */
  const orphans = new Set<string>();
  /** Per kind, how many numbers were held beyond the declared count at the last clean point. */
  const excessSeen = new Map<Kind, number>();

  /** Numbers held with no record in state; attributed to the slot whose kind and vendor fit. */
  async function checkHeldInState(phase: string, cls: FailureClass): Promise<number> {
    const held = await holdings();
    const inState = new Set<string>();
    for (const s of slots) if (s.state) ownedIn(s.state.outs, inState);
    let lost = 0;
    // A number two records name: one's delete would release the other's number.
    const owners = new Map<string, Slot[]>();
    for (const s of slots)
      if (s.state && s.kind !== "apifonica-application")
        for (const n of ownedIn(s.state.outs)) if (held.has(n)) owners.set(n, [...(owners.get(n) ?? []), s]);
    for (const [n, o] of owners)
      if (o.length > 1)
        fail(
          "number in two states",
          o[0]!,
          `${phase}: ${n} is named by ${o.map((s) => `${s.name} ${JSON.stringify(s.state?.outs).slice(0, 400)}`).join(" AND ")}`,
        );
    for (const [n, vendor] of held) {
      if (inState.has(n) || orphans.has(n)) continue;
      orphans.add(n);
      lost++;
      const owner = slots.find(
        (s) =>
          s.vendor === vendor &&
          (n.startsWith("app") ? s.kind === "apifonica-application" : s.kind !== "apifonica-application"),
      )!;
      fail(
        n.startsWith("app") ? "orphan application" : cls,
        owner,
        `${phase}: ${vendor} holds ${n}, which no record in state names`,
      );
    }
    return lost;
  }

  async function checkReleased(): Promise<void> {
    const held = new Set((await holdings()).keys());
    const named = new Set<string>();
    for (const s of slots) if (s.state) ownedIn(s.state.outs, named);
    for (const s of slots) {
      for (const n of swallowedDeletes(s.released, held, named))
        fail("swallowed delete error", s, `delete returned but ${n} is still held`);
      s.released = [];
    }
  }

  async function installFaults(): Promise<void> {
    await adminRequest(sb, "DELETE", "faults");
    const rules: Array<Promise<unknown>> = [];
    let k = 0;
    for (const vendor of ["exotel", "plivo", "apifonica"] as const) {
      for (const o of OPERATIONS[vendor]) {
        // The sandbox tries rules in order and fires at most one per request, so the kinds take turns
        // at being first (a kind listed late would otherwise fire less often than one listed early).
        const shift = round % options.kinds.length;
        for (const kind of [...options.kinds.slice(shift), ...options.kinds.slice(0, shift)]) {
          const base =
            typeof options.probability === "number" ? options.probability : (options.probability[kind] ?? 0);
          const probability = base > 0 ? (options.opProbability?.[o.op] ?? base) : 0;
          if (probability <= 0) continue;
          if (options.only && !options.only.some((c) => cellMatches(c, vendor, o.op, kind))) continue;
          if (options.exclude?.some((c) => cellMatches(c, vendor, o.op, kind))) continue;
          k++;
          rules.push(
            adminRequest(sb, "POST", "faults", {
              vendor,
              method: o.method,
              path: o.path,
              times: 0,
              probability,
              seed: (options.seed * 1000 + round * 97 + k) | 0,
              action: action(kind, r, options.timeoutMs),
              // the campaign's own bookkeeping, ignored by the sandbox's matcher
            }),
          );
        }
      }
    }
    await Promise.all(rules);
  }

  async function collectFaults(): Promise<void> {
    const listed = await adminRequest<{
      faults: Array<{
        vendor: Vendor;
        method: string;
        path: string;
        action: Record<string, unknown>;
        fired: number;
      }>;
      fired: Record<string, number>;
    }>(sb, "GET", "faults");
    for (const [kind, n] of Object.entries(listed.fired)) faults[kind] = (faults[kind] ?? 0) + n;
    for (const f of listed.faults) {
      const op = OPERATIONS[f.vendor].find((o) => o.method === f.method && o.path === f.path)!.op;
      const kind = kindOf(f.action);
      const key = `${f.vendor} ${op} ${kind}`;
      const cell = cells.get(key) ?? { vendor: f.vendor, op, kind, fired: 0 };
      cell.fired += f.fired;
      cells.set(key, cell);
    }
    await adminRequest(sb, "DELETE", "faults");
  }

  async function countRequests(): Promise<void> {
    const { requests: logged } = await adminRequest<{ requests: unknown[] }>(sb, "GET", "requests");
    requests += logged.length;
    await adminRequest(sb, "DELETE", "requests");
  }

  /** `pulumi up --refresh` with no faults: every declared slot ends held as declared. */
  async function rerun(): Promise<void> {
    await clientTimeout(RERUN_TIMEOUT_FACTOR * options.timeoutMs);
    try {
      await rerunSlots();
    } finally {
      await clientTimeout(options.timeoutMs);
    }
    await checkConverged();
  }

  async function rerunSlots(): Promise<void> {
    await pool(
      slots,
      options.concurrency,
      async (slot) => {
        const errors: string[] = [];
        const note = (e: string | undefined, what: string) => {
          if (e !== undefined) errors.push(`${what}: ${e}`);
        };
        if (slot.state) note(await refresh(slot), "refresh");
        if (errors.length === 0) {
          if (slot.declared && !slot.state) note(await create(slot, "rerun create"), "create");
          else if (slot.declared && slot.state) {
            const st = slot.state;
            const d = await p(slot).diff(st.id, st.outs, news(slot));
            if ((d.replaces ?? []).length > 0) {
              fail("spurious replacement", slot, `rerun would replace (${(d.replaces ?? []).join(", ")})`);
              note(await remove(slot), "replace: delete");
              if (!slot.state) note(await create(slot, "replace: create"), "replace: create");
            } else if (d.changes || st.initFailed) note(await update(slot, slot.news), "update");
          } else if (!slot.declared && slot.state) note(await remove(slot), "delete");
        }
        if (errors.length > 0) fail("non-converging rerun", slot, errors.join("; "));
      },
      (slot, err) =>
        fail("non-converging rerun", slot, `threw outside an operation: ${errorInfo(err).message}`),
    );
  }

  async function checkConverged(): Promise<void> {
    await countRequests();
    await checkReleased();
    // held = declared, per vendor and kind
    const held = await holdings();
    const inState = new Set<string>();
    for (const s of slots) if (s.state && s.declared) ownedIn(s.state.outs, inState);
    for (const kindGroup of [
      "exophone",
      "plivo-number-order",
      "apifonica-number",
      "apifonica-application",
    ] as const) {
      const group = slots.filter((s) => s.kind === kindGroup);
      if (group.length === 0) continue;
      const vendor = VENDOR_OF[kindGroup];
      const isApp = kindGroup === "apifonica-application";
      const ofKind = [...held].filter(([n, v]) => v === vendor && n.startsWith("app") === isApp);
      const heldHere = ofKind.filter(([n]) => !orphans.has(n)).length;
      const declared = group.filter((s) => s.declared).reduce((n, s) => n + declaredCount(s), 0);
      const excess = ofKind.length - declared;
      const before = excessSeen.get(kindGroup) ?? 0;
      if (excess > before) {
        fail(
          isApp ? "orphan application" : "double purchase",
          group[0]!,
          `${kindGroup}: ${ofKind.length} held for ${declared} declared after a clean rerun (${excess - before} more than before)`,
          excess - before,
        );
        excessSeen.set(kindGroup, excess);
      }
      if (heldHere < declared) {
        // Name the records short of what they declare, and numbers two records both name.
        const heldSet = new Set(ofKind.map(([n]) => n));
        const owners = new Map<string, string[]>();
        const short: string[] = [];
        for (const s of group.filter((g) => g.declared)) {
          const mine = s.state ? [...ownedIn(s.state.outs)].filter((n) => heldSet.has(n)) : [];
          for (const n of mine) owners.set(n, [...(owners.get(n) ?? []), s.name]);
          if (mine.length < declaredCount(s))
            short.push(
              `${s.name} holds ${mine.length}: ${JSON.stringify(s.state?.outs ?? null).slice(0, 600)}`,
            );
        }
        const shared = [...owners]
          .filter(([, o]) => o.length > 1)
          .map(([n, o]) => `${n} in ${o.join(" and ")}`);
        fail(
          "non-converging rerun",
          group[0]!,
          `${kindGroup}: ${heldHere} held in state for ${declared} declared after a clean rerun` +
            `${shared.length > 0 ? `; named twice: ${shared.join(", ")}` : ""}; short: ${short.join(" | ")}`,
        );
      }
    }
    await checkHeldInState("after the clean rerun", "number in no state");
  }

  try {
    // Round 0 builds the stack without faults.
    await rerun();
    for (round = 1; round <= options.rounds; round++) {
      if (options.budgetMs !== undefined && Date.now() - started > options.budgetMs) break;
      const target = options.targetPerKind;
      if (target !== undefined && options.kinds.every((k) => (faults[k] ?? 0) >= target)) break;
      await installFaults();
      await pool(
        slots,
        options.concurrency,
        async (slot) => {
          for (let step = 0; step < (options.opsPerRound ?? 1); step++) {
            const x = slot.r();
            if (slot.declared && !slot.state) await create(slot);
            else if (slot.declared && slot.state) {
              if (x < 0.3) await refresh(slot);
              else if (x < 0.8) await update(slot, changed(slot, slot.r, round));
              else {
                slot.declared = false;
                await remove(slot);
              }
            } else if (!slot.declared && slot.state) await remove(slot);
            else {
              slot.declared = true;
              await create(slot);
            }
          }
        },
        (slot, err) =>
          fail("non-converging rerun", slot, `threw outside an operation: ${errorInfo(err).message}`),
      );
      await collectFaults();
      await countRequests();
      await checkHeldInState("after the faulted round", "number in no state");
      await checkReleased();
      await rerun();
      completed = round;
      log(
        `round ${round}: ${operations} operations, ${requests} requests, faults ${JSON.stringify(faults)}, failures ${failures.length}`,
      );
    }
    round = options.rounds + 1;
    // Destroy everything, clean, and check the accounts are empty.
    for (const s of slots) s.declared = false;
    await rerun();
  } finally {
    await sb.close();
  }
  const totals: Record<FailureClass, number> = {
    "number in no state": 0,
    "number in two states": 0,
    "double purchase": 0,
    "non-converging rerun": 0,
    "swallowed delete error": 0,
    "429 surfaced": 0,
    "record without __provider": 0,
    "spurious replacement": 0,
    "orphan application": 0,
    "injected 429 outlasted retries": 0,
  };
  for (const f of failures) totals[f.class] += f.count;
  return {
    seed: options.seed,
    rounds: completed,
    operations,
    requests,
    faults,
    cells: [...cells.values()],
    failures,
    totals,
    durationMs: Date.now() - started,
  };
}

function cellMatches(cell: string, vendor: string, op: string, kind: string): boolean {
  const [v = "*", o = "*", k = "*"] = cell.split(":");
  return (v === "*" || v === vendor) && (o === "*" || o === op) && (k === "*" || k === kind);
}

function kindOf(a: Record<string, unknown>): FaultKind {
  if (a.type === "status") return a.status === 429 ? "429" : "5xx";
  if (a.type === "reset") return a.when === "before" ? "reset-before" : "reset-after";
  if (a.type === "latency") return a.apply === "start" ? "latency-apply-start" : "latency-apply-end";
  return "malformed";
}

export interface RateLimitResult {
  vendor: Vendor;
  requests: number;
  /** 429s the sandbox's own limiter answered (the provider's limiter should make these rare). */
  refusedBySandbox: number;
  /** 429s that reached the caller: must be 0. */
  surfaced: string[];
  /** Any other error (there are no injected faults here): must be empty. */
  errors: string[];
  /** Numbers left held after the deletes: must be 0. */
  leftHeld: number;
  durationMs: number;
}

/**
 * No 429 reaches the caller under the vendors' default limits: a sandbox with its default per-account
 * budgets (Exotel 200/60 s, Plivo 300/5 s, Apifonica 100/10 s), the provider with its default limiter,
 * no injected fault, and `resources` creates, three refresh-and-update passes and deletes of one
 * vendor's resources, 20 at a time: more requests than one window allows.
 */
export async function runRateLimitCheck(vendor: Vendor, resources: number): Promise<RateLimitResult> {
  const started = Date.now();
  const mod = await loadProvider();
  const sb = await startSandbox({ port: 0, quiet: true });
  const { config, secrets } = sandboxStackConfig(sb);
  const settings: Record<string, string> = { ...config, ...secrets };
  mod.setConfigSource((k) => settings[k]);
  const kind: Kind =
    vendor === "exotel" ? "exophone" : vendor === "plivo" ? "plivo-number-order" : "apifonica-number";
  const provider = mod.provider(kind);
  await provider.check({}, {});
  const r = rng(resources);
  const surfaced: string[] = [];
  const errors: string[] = [];
  const note = (what: string, err: unknown) => {
    const info = errorInfo(err);
    (is429(info) ? surfaced : errors).push(`${what}: ${info.message}`);
  };
  const items = Array.from({ length: resources }, (_, i) => ({
    news: { __provider: "shim", __identity: `faults/rate/${kind}-${i}`, ...initialNews(kind, i, r) } as Props,
    id: "",
    outs: {} as Props,
  }));
  const each = (fn: (it: (typeof items)[number]) => Promise<void>) =>
    pool(items, 20, fn, (_it, err) => note("harness", err));
  try {
    await each(async (it) => {
      const checked = await provider.check({}, it.news);
      try {
        const res = await provider.create(checked.inputs ?? it.news);
        it.id = res.id;
        it.outs = res.outs ?? {};
      } catch (err) {
        note("create", err);
      }
    });
    for (let pass = 0; pass < 3; pass++) {
      await each(async (it) => {
        if (!it.id) return;
        try {
          const read = await provider.read(it.id, it.outs);
          it.outs = read.props ?? it.outs;
          const next = {
            ...it.news,
            ...(kind === "exophone"
              ? { voiceUrl: `https://voice.example.com/r/${pass}` }
              : kind === "plivo-number-order"
                ? { alias: `rate-${pass}` }
                : { name: `rate-${pass}` }),
          };
          const res = await provider.update(it.id, it.outs, next);
          it.outs = res.outs ?? it.outs;
        } catch (err) {
          note(`refresh/update pass ${pass}`, err);
        }
      });
    }
    await each(async (it) => {
      if (!it.id) return;
      try {
        await provider.delete(it.id, it.outs);
      } catch (err) {
        note("delete", err);
      }
    });
    const { requests } = await adminRequest<{ requests: Array<{ status: number; fault?: string }> }>(
      sb,
      "GET",
      `requests?vendor=${vendor}`,
    );
    const h = await adminRequest<Holdings>(sb, "GET", "holdings");
    return {
      vendor,
      requests: requests.length,
      refusedBySandbox: requests.filter((q) => q.status === 429).length,
      surfaced,
      errors,
      leftHeld: Object.values(h[vendor]).reduce((n, l) => n + l.length, 0),
      durationMs: Date.now() - started,
    };
  } finally {
    await sb.close();
  }
}
