/** Fault rules injected through the admin API and matched against vendor requests. */
import { VENDORS, type Vendor } from "./types.js";
import { isRecord } from "./util.js";

/**
 * - `status`: answer this status without applying the request (429 carries `Retry-After`, default 1 s).
 * - `latency`: wait `ms`; `apply: "end"` (default) applies the request after the wait (a client that
 *   gave up meanwhile never hears that it landed), `apply: "start"` applies it first and answers late.
 * - `reset`: close the connection `before` applying the request or `after` applying it (answer lost).
 * - `malformed`: apply the request, then answer 200 with half of the JSON body.
 */
export type FaultAction =
  | { type: "status"; status: number; body?: unknown; retryAfter?: number }
  | { type: "latency"; ms: number; apply?: "start" | "end" }
  | { type: "reset"; when: "before" | "after" }
  | { type: "malformed" };

export interface FaultRule {
  id: string;
  vendor: Vendor | null;
  /** The account id in the request's path (Exotel account SID, Plivo auth id, Apifonica account SID). */
  account: string | null;
  method: string | null;
  path: string | null;
  action: FaultAction;
  /** How many times it fires in total; 0 = unlimited. */
  times: number;
  probability: number;
  /** Matching requests let through before the rule may fire. */
  skip: number;
  /** Seed of the rule's own random draws (reproducible runs); absent = Math.random. */
  seed: number | null;
  fired: number;
}

/** The log label of a fault: status, latency, reset-before, reset-after or malformed. */
export function faultLabel(action: FaultAction): string {
  return action.type === "reset" ? `reset-${action.when}` : action.type;
}

/**
 * The kind of a fault for totals: `5xx`, `429`, `status-<n>`, `latency-apply-end`, `latency-apply-start`,
 * `reset-before`, `reset-after`, `malformed`.
 */
export function faultKind(action: FaultAction): string {
  switch (action.type) {
    case "status":
      return action.status === 429 ? "429" : action.status >= 500 ? "5xx" : `status-${action.status}`;
    case "latency":
      return `latency-apply-${action.apply ?? "end"}`;
    case "reset":
      return `reset-${action.when}`;
    case "malformed":
      return "malformed";
  }
}

/** mulberry32: a small seeded generator in [0, 1). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type StoredRule = FaultRule & { regex: RegExp | null; random: () => number; seen: number };

export class Faults {
  private rules: StoredRule[] = [];
  private counter = 0;
  /** Faults fired since the last `clear`, by kind (see `faultKind`), including rules since removed. */
  private firedByKind: Record<string, number> = {};

  /** Validates and adds a rule; returns every problem at once on bad input. */
  add(input: unknown): { rule: FaultRule } | { errors: string[] } {
    const errors: string[] = [];
    if (!isRecord(input)) return { errors: ["the body must be a JSON object"] };
    const match = parseMatch(input, errors);
    const firing = parseFiring(input, errors);
    const action = parseAction(input["action"], errors);
    if (errors.length > 0 || !action) return { errors };
    this.counter += 1;
    const rule: StoredRule = {
      id: `f${this.counter}`,
      ...match,
      action,
      ...firing,
      fired: 0,
      random: firing.seed === null ? Math.random : seeded(firing.seed),
      seen: 0,
    };
    this.rules.push(rule);
    return { rule: publicRule(rule) };
  }

  list(): FaultRule[] {
    return this.rules.map(publicRule);
  }

  /** Faults fired since the last `clear`, by kind. */
  totals(): Record<string, number> {
    return { ...this.firedByKind };
  }

  clear(): void {
    this.rules = [];
    this.firedByKind = {};
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  /** The first matching rule that fires (probability drawn per match); used-up rules are dropped. */
  take(vendor: Vendor, method: string, path: string, account?: string | null): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.vendor && rule.vendor !== vendor) continue;
      if (rule.account && rule.account !== account) continue;
      if (rule.method && rule.method !== method.toUpperCase()) continue;
      if (rule.regex && !rule.regex.test(path)) continue;
      rule.seen += 1;
      if (rule.seen <= rule.skip) continue;
      if (rule.probability <= 0 || (rule.probability < 1 && rule.random() >= rule.probability)) continue;
      rule.fired += 1;
      const kind = faultKind(rule.action);
      this.firedByKind[kind] = (this.firedByKind[kind] ?? 0) + 1;
      if (rule.times > 0 && rule.fired >= rule.times) this.remove(rule.id);
      return publicRule(rule);
    }
    return undefined;
  }
}

/** Which requests a rule matches: vendor, account, method, path (a RegExp source). */
function parseMatch(input: Record<string, unknown>, errors: string[]) {
  const vendor = input["vendor"];
  if (vendor !== undefined && vendor !== null && !VENDORS.includes(vendor as Vendor)) {
    errors.push(`vendor: must be one of ${VENDORS.join(", ")}`);
  }
  const account = input["account"];
  if (account !== undefined && account !== null && (typeof account !== "string" || account === "")) {
    errors.push("account: must be a non-empty account id");
  }
  const method = input["method"];
  if (
    method !== undefined &&
    method !== null &&
    (typeof method !== "string" || !/^[A-Za-z]+$/.test(method))
  ) {
    errors.push("method: must be an HTTP method such as POST");
  }
  const path = input["path"];
  let regex: RegExp | null = null;
  if (path !== undefined && path !== null) {
    if (typeof path !== "string") errors.push("path: must be a RegExp source string");
    else {
      try {
        regex = new RegExp(path);
      } catch (err) {
        errors.push(`path: invalid RegExp (${(err as Error).message})`);
      }
    }
  }
  return {
    vendor: (vendor as Vendor | undefined) ?? null,
    account: typeof account === "string" ? account : null,
    method: typeof method === "string" ? method.toUpperCase() : null,
    path: typeof path === "string" ? path : null,
    regex,
  };
}

/** How often a rule fires: times, probability, matches skipped first, seed of its draws. */
function parseFiring(input: Record<string, unknown>, errors: string[]) {
  const times = input["times"] ?? 1;
  if (typeof times !== "number" || !Number.isInteger(times) || times < 0) {
    errors.push("times: must be an integer >= 0 (0 = unlimited)");
  }
  const probability = input["probability"] ?? 1;
  if (typeof probability !== "number" || !(probability >= 0 && probability <= 1)) {
    errors.push("probability: must be a number between 0 and 1");
  }
  const skip = input["skip"] ?? 0;
  if (typeof skip !== "number" || !Number.isInteger(skip) || skip < 0) {
    errors.push("skip: must be an integer >= 0 (matching requests let through first)");
  }
  const seed = input["seed"] ?? null;
  if (seed !== null && (typeof seed !== "number" || !Number.isInteger(seed))) {
    errors.push("seed: must be an integer");
  }
  return {
    times: times as number,
    probability: probability as number,
    skip: skip as number,
    seed: seed as number | null,
  };
}

function publicRule(rule: StoredRule): FaultRule {
  const { regex: _regex, random: _random, seen: _seen, ...rest } = rule;
  return { ...rest, action: { ...rest.action } };
}

function parseAction(value: unknown, errors: string[]): FaultAction | undefined {
  if (!isRecord(value)) {
    errors.push("action: required, an object with a type of status, latency, reset or malformed");
    return undefined;
  }
  switch (value["type"]) {
    case "status": {
      const status = value["status"];
      if (typeof status !== "number" || !Number.isInteger(status) || status < 200 || status > 599) {
        errors.push("action.status: must be an integer HTTP status between 200 and 599");
        return undefined;
      }
      const retryAfter = value["retryAfter"];
      if (
        retryAfter !== undefined &&
        (typeof retryAfter !== "number" || !(retryAfter >= 0 && retryAfter <= 3600) || status !== 429)
      ) {
        errors.push("action.retryAfter: seconds between 0 and 3600, with status 429 only");
        return undefined;
      }
      return {
        type: "status",
        status,
        ...("body" in value && { body: value["body"] }),
        ...(retryAfter !== undefined && { retryAfter }),
      };
    }
    case "latency": {
      const ms = value["ms"];
      if (typeof ms !== "number" || !Number.isInteger(ms) || ms < 0 || ms > 600_000) {
        errors.push("action.ms: must be an integer number of milliseconds between 0 and 600000");
        return undefined;
      }
      const apply = value["apply"];
      if (apply !== undefined && apply !== "start" && apply !== "end") {
        errors.push('action.apply: must be "start" (apply, then answer late) or "end" (wait, then apply)');
        return undefined;
      }
      return apply === undefined ? { type: "latency", ms } : { type: "latency", ms, apply };
    }
    case "reset": {
      const when = value["when"];
      if (when !== "before" && when !== "after") {
        errors.push('action.when: must be "before" or "after"');
        return undefined;
      }
      return { type: "reset", when };
    }
    case "malformed":
      return { type: "malformed" };
    default:
      errors.push("action.type: must be status, latency, reset or malformed");
      return undefined;
  }
}
