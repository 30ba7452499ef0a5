/** Fault rules injected through the admin API and matched against vendor requests. */
import { VENDORS, type Vendor } from "./types.js";
import { isRecord } from "./util.js";

export type FaultAction =
  | { type: "status"; status: number; body?: unknown }
  | { type: "latency"; ms: number }
  | { type: "reset"; when: "before" | "after" }
  | { type: "malformed" };

export interface FaultRule {
  id: string;
  vendor: Vendor | null;
  method: string | null;
  path: string | null;
  action: FaultAction;
  /** How many times it fires in total; 0 = unlimited. */
  times: number;
  probability: number;
  fired: number;
}

/** The log label of a fault: status, latency, reset-before, reset-after or malformed. */
export function faultLabel(action: FaultAction): string {
  return action.type === "reset" ? `reset-${action.when}` : action.type;
}

export class Faults {
  private rules: Array<FaultRule & { regex: RegExp | null }> = [];
  private counter = 0;

  /** Validates and adds a rule; returns every problem at once on bad input. */
  add(input: unknown): { rule: FaultRule } | { errors: string[] } {
    const errors: string[] = [];
    if (!isRecord(input)) return { errors: ["the body must be a JSON object"] };
    const vendor = input["vendor"];
    if (vendor !== undefined && vendor !== null && !VENDORS.includes(vendor as Vendor)) {
      errors.push(`vendor: must be one of ${VENDORS.join(", ")}`);
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
    const times = input["times"] ?? 1;
    if (typeof times !== "number" || !Number.isInteger(times) || times < 0) {
      errors.push("times: must be an integer >= 0 (0 = unlimited)");
    }
    const probability = input["probability"] ?? 1;
    if (typeof probability !== "number" || !(probability >= 0 && probability <= 1)) {
      errors.push("probability: must be a number between 0 and 1");
    }
    const action = parseAction(input["action"], errors);
    if (errors.length > 0 || !action) return { errors };
    this.counter += 1;
    const rule: FaultRule & { regex: RegExp | null } = {
      id: `f${this.counter}`,
      vendor: (vendor as Vendor | undefined) ?? null,
      method: typeof method === "string" ? method.toUpperCase() : null,
      path: typeof path === "string" ? path : null,
      action,
      times: times as number,
      probability: probability as number,
      fired: 0,
      regex,
    };
    this.rules.push(rule);
    return { rule: publicRule(rule) };
  }

  list(): FaultRule[] {
    return this.rules.map(publicRule);
  }

  clear(): void {
    this.rules = [];
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  /** The first matching rule that fires (probability drawn per match); used-up rules are dropped. */
  take(vendor: Vendor, method: string, path: string): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.vendor && rule.vendor !== vendor) continue;
      if (rule.method && rule.method !== method.toUpperCase()) continue;
      if (rule.regex && !rule.regex.test(path)) continue;
      if (rule.probability <= 0 || (rule.probability < 1 && Math.random() >= rule.probability)) continue;
      rule.fired += 1;
      if (rule.times > 0 && rule.fired >= rule.times) this.remove(rule.id);
      return publicRule(rule);
    }
    return undefined;
  }
}

function publicRule(rule: FaultRule & { regex?: RegExp | null }): FaultRule {
  const { regex: _regex, ...rest } = rule;
  return { ...rest };
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
      return "body" in value ? { type: "status", status, body: value["body"] } : { type: "status", status };
    }
    case "latency": {
      const ms = value["ms"];
      if (typeof ms !== "number" || !Number.isInteger(ms) || ms < 0 || ms > 600_000) {
        errors.push("action.ms: must be an integer number of milliseconds between 0 and 600000");
        return undefined;
      }
      return { type: "latency", ms };
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
