// Benchmark suite: up, preview --refresh, refresh and destroy of N numbers per vendor under the real
// Pulumi engine, against the sandbox, each against a baseline program of N no-op dynamic resources
// run by the same script on the same machine (interleaved, medians of the repetitions), and each
// against its floor (the requests the work needs over the vendor's rate; the round trips in sequence
// over the engine's parallelism). Reports ratios, request counts, list pages, state bytes per
// resource and peak RSS of the provider and program processes. See bench/README.md.
//
//   npm run build && npm run bench -- [--vendors exotel,plivo,apifonica] [--sizes 100,500,1000]
//     [--reps 3] [--limits raised,default] [--ops up,preview-refresh,refresh,destroy]
//     [--latency-ms 50] [--parallel 8] [--node 24|22|current] [--out bench/results/suite-<time>.json]
//
// `--limits default` runs every vendor's account at its documented rate limit (Exotel 200 requests a
// minute) on both sides (sandbox and provider); `raised` lifts the limit on both sides, so the time
// left is the engine's and the provider's. Small first: `npm run bench -- --vendors exotel --sizes 100 --reps 1`.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import * as fs from "node:fs/promises";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_ACCOUNTS, startSandbox } from "../dist/sandbox/index.js";
import { repoRoot, Stack } from "../dist/scripts/pulumi.js";
import { sandboxStackConfig } from "../dist/scripts/sandbox-client.js";
import { CRITERIA, EXTRA } from "./criteria.js";
import { nodeLine } from "./node-line.js";

const { values } = parseArgs({
  options: {
    vendors: { type: "string", default: "exotel,plivo,apifonica" },
    sizes: { type: "string", default: "100,500,1000" },
    reps: { type: "string", default: "3" },
    limits: { type: "string", default: "raised" },
    ops: { type: "string", default: "up,preview-refresh,refresh,destroy" },
    "latency-ms": { type: "string", default: "50" },
    parallel: { type: "string", default: "8" },
    // Diagnostics: NODE_OPTIONS for the refresh and preview --refresh commands of both sides (e.g.
    // --max-old-space-size=64, to tell garbage from memory that is held).
    "read-node-options": { type: "string" },
    // Diagnostics: NODE_OPTIONS for every command of both sides (e.g. --max-semi-space-size=2, to tell
    // the young generation's growth from the old one's); --read-node-options wins for the reads.
    "node-options": { type: "string" },
    // The Node.js line of the programs and providers (bench/node-line.js): default the running node
    // if package.json `engines` declares its line, else the newest declared line.
    node: { type: "string" },
    out: { type: "string" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(
    readFileSync(new URL(import.meta.url), "utf8")
      .split("\n")
      .slice(0, 14)
      .join("\n"),
  );
  process.exit(0);
}

const list = (s) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
const VENDORS = list(values.vendors);
const SIZES = list(values.sizes).map(Number);
const REPS = Number(values.reps);
const LIMITS = list(values.limits);
const OPS = list(values.ops);
const LATENCY_MS = Number(values["latency-ms"]);
const PARALLEL = Number(values.parallel);
for (const v of VENDORS)
  if (!["exotel", "plivo", "apifonica"].includes(v)) throw new Error(`unknown vendor ${v}`);
for (const l of LIMITS) if (!["raised", "default"].includes(l)) throw new Error(`unknown limit mode ${l}`);
for (const o of OPS) {
  if (!["up", "preview-refresh", "refresh", "destroy"].includes(o)) throw new Error(`unknown op ${o}`);
}
if (!OPS.includes("up")) throw new Error("--ops must include up (every other operation needs the numbers)");

// ---- vendors: limits, programs and the work's floor ----

/** The documented default limit per account (the sandbox's and the provider's defaults). */
const DEFAULT_LIMITS = {
  exotel: { requests: 200, windowMs: 60_000 },
  plivo: { requests: 300, windowMs: 5_000 },
  apifonica: { requests: 100, windowMs: 10_000 },
};
const RAISED = { requests: 1_000_000, windowMs: 1_000 };

/**
 * Per vendor: the inputs of number i (ours and the baseline's get the same), the resource class,
 * how many candidates one search returns (the sandbox's page: Exotel 50, Apifonica 10, Plivo a group
 * answers any quantity), which logged requests are list pages, and the provider's env var for its limit.
 */
const VENDOR = {
  exotel: {
    cls: "ExoPhone",
    criteria: CRITERIA.exotel,
    extra: EXTRA.exotel,
    perSearch: 50,
    isListPage: (r) => r.method === "GET" && /\/IncomingPhoneNumbers\/?$/.test(r.path),
    // v2_beta lists 100 numbers a page
    listPages: (n) => Math.ceil(n / 100),
    limitEnv: "EXOTEL_RATE_LIMIT",
  },
  plivo: {
    cls: "PlivoNumberOrder",
    criteria: CRITERIA.plivo,
    extra: EXTRA.plivo,
    perSearch: Number.POSITIVE_INFINITY,
    isListPage: (r) => r.method === "GET" && /\/Number\/?$/.test(r.path),
    // Plivo's page is at most 20 numbers
    listPages: (n) => Math.ceil(n / 20),
    limitEnv: "PLIVO_RATE_LIMIT",
  },
  apifonica: {
    cls: "ApifonicaNumber",
    criteria: CRITERIA.apifonica,
    extra: EXTRA.apifonica,
    perSearch: 10,
    isListPage: (r) => r.method === "GET" && /\/numbers\/?$/.test(r.path),
    // at most 20 a page, two lists: the numbers and their costs (balance/numbers, for monthlyRental)
    listPages: (n) => 2 * Math.ceil(n / 20),
    limitEnv: "APIFONICA_RATE_LIMIT",
  },
};

/** Searches one create per number needs: one per page of candidates per distinct criterion. */
function searchesFor(vendor, n) {
  const { criteria, perSearch } = VENDOR[vendor];
  let searches = 0;
  for (let c = 0; c < criteria.length; c++) {
    const count = Math.floor(n / criteria.length) + (c < n % criteria.length ? 1 : 0);
    if (count > 0) searches += Number.isFinite(perSearch) ? Math.ceil(count / perSearch) : 1;
  }
  return searches;
}

/**
 * The floor of an operation: the requests it needs, the time the vendor's limit allows them in (the
 * last of R requests may start after ceil(R / cap) - 1 windows), and the round trips in sequence
 * (each resource's requests one after another, N resources `PARALLEL` at a time, plus searches).
 */
function floorOf(vendor, op, n, limit) {
  const pages = VENDOR[vendor].listPages(n);
  let requests;
  let roundTrips;
  if (op === "up") {
    const searches = searchesFor(vendor, n);
    requests = n + searches;
    roundTrips = Math.ceil(n / PARALLEL) + 1; // one search, then one rent per number
  } else if (op === "refresh" || op === "preview-refresh") {
    requests = pages;
    roundTrips = pages;
  } else {
    requests = n;
    roundTrips = Math.ceil(n / PARALLEL);
  }
  const rateMs = (Math.ceil(requests / limit.requests) - 1) * limit.windowMs;
  const rttMs = roundTrips * LATENCY_MS;
  return { requests, rateMs, rttMs, ms: Math.max(rateMs, rttMs) + LATENCY_MS };
}

function programOurs(vendor) {
  const v = VENDOR[vendor];
  return `import { ${v.cls} } from "pulumi-phone-numbers";
const n = Number(process.env.BENCH_N);
const criteria = ${JSON.stringify(v.criteria)};
for (let i = 0; i < n; i++) new ${v.cls}(\`n\${i}\`, { ...criteria[i % criteria.length], ...${JSON.stringify(v.extra)} });
`;
}

/** N no-op dynamic resources with the same inputs: create returns them as outputs, nothing else. */
function programBaseline(vendor) {
  const v = VENDOR[vendor];
  return `import * as pulumi from "@pulumi/pulumi";
const noop = {
  async create(inputs) {
    return { id: inputs.key, outs: inputs };
  },
};
const n = Number(process.env.BENCH_N);
const criteria = ${JSON.stringify(v.criteria)};
for (let i = 0; i < n; i++) {
  const inputs = { key: \`n\${i}\`, ...criteria[i % criteria.length], ...${JSON.stringify(v.extra)} };
  new pulumi.dynamic.Resource(noop, \`n\${i}\`, inputs, {}, "bench", "Noop");
}
`;
}

// ---- processes: wall time and peak RSS of the provider and program processes ----

function procTable() {
  const table = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      table.set(Number(name), ppid);
    } catch {
      // gone
    }
  }
  return table;
}

function descendants(root) {
  const table = procTable();
  const out = [];
  const stack = [root];
  while (stack.length) {
    const p = stack.pop();
    for (const [pid, ppid] of table) {
      if (ppid === p) {
        out.push(pid);
        stack.push(pid);
      }
    }
  }
  return out;
}

/** What a process of the command is: the engine, the provider host, the program, or something else. */
function kindOf(pid, root) {
  if (pid === root) return "engine";
  const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
  // (not the launcher's `node -p 'require.resolve("@pulumi/pulumi/cmd/dynamic-provider")'`)
  if (cmd.includes("dynamic-provider") && !cmd.includes("require.resolve")) return "provider";
  if (cmd.includes("cmd/run")) return "program";
  return "other";
}

/** Peak RSS (kB) and CPU time so far (clock ticks) of one process, or undefined once it is gone. */
function sampleOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return { kb: m ? Number(m[1]) : 0, ticks };
  } catch {
    return undefined;
  }
}

const HEAP_PROBE = path.join(repoRoot, "bench", "heap-probe.cjs");

/** The environment with bench/heap-probe.cjs preloaded ahead of any NODE_OPTIONS it had. */
function withHeapProbe(env, probeDir) {
  const options = [`--require ${JSON.stringify(HEAP_PROBE)}`, env.NODE_OPTIONS ?? process.env.NODE_OPTIONS];
  return { ...env, PPN_HEAP_PROBE_DIR: probeDir, NODE_OPTIONS: options.filter(Boolean).join(" ") };
}

/**
 * What bench/heap-probe.cjs recorded in the provider processes of one command (then removes its
 * directory): the heap held after the last major GC (the largest over the processes; null when
 * none ran one after start-up, so short runs say nothing here) and the young generation's largest
 * size.
 */
function heapProbed(dir) {
  let heldMiB = null;
  let youngMaxMiB = null;
  for (const name of readdirSync(dir)) {
    try {
      const r = JSON.parse(readFileSync(path.join(dir, name), "utf8"));
      if (r.majors > 1 && r.heldMiB !== null) heldMiB = Math.max(heldMiB ?? 0, r.heldMiB);
      youngMaxMiB = Math.max(youngMaxMiB ?? 0, r.youngMaxMiB);
    } catch {
      // A file being written as the process died: skip it.
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return { heldMiB, youngMaxMiB };
}

/**
 * Runs pulumi with the stack's environment: wall time, peak RSS (MiB) of the provider and program
 * processes, and CPU seconds per process kind (sampled every 250 ms, so a process's last quarter
 * second may be missing).
 */
function pulumiTimed(stack, args, env) {
  return new Promise((resolve, reject) => {
    const probeDir = mkdtempSync(path.join(os.tmpdir(), "ppn-heap-probe-"));
    const t0 = performance.now();
    const child = spawn("pulumi", [...args, "--stack", stack.name, "--non-interactive", "--color", "never"], {
      cwd: stack.programDir,
      env: withHeapProbe({ ...stack.env, ...env }, probeDir),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const keep = (c) => {
      out = (out + c).slice(-20_000);
    };
    child.stdout.setEncoding("utf8").on("data", keep);
    child.stderr.setEncoding("utf8").on("data", keep);
    /** pid -> { kind, kb, ticks } (the latest sample of each process). */
    const seen = new Map();
    const sample = () => {
      for (const pid of [child.pid, ...descendants(child.pid)]) {
        const s = sampleOf(pid);
        if (!s) continue;
        const known = seen.get(pid);
        // Classified until known: the provider launcher is a shell script that execs node, and an
        // exiting process (a zombie) has an empty command line.
        let kind = known && known.kind !== "other" ? known.kind : undefined;
        try {
          kind ??= kindOf(pid, child.pid);
        } catch {
          continue;
        }
        seen.set(pid, {
          kind,
          kb: Math.max(known?.kb ?? 0, s.kb),
          ticks: Math.max(known?.ticks ?? 0, s.ticks),
        });
      }
    };
    const timer = setInterval(sample, 250);
    child.on("error", reject);
    child.on("close", (code) => {
      clearInterval(timer);
      const peak = { provider: 0, program: 0 };
      const cpu = { engine: 0, provider: 0, program: 0, other: 0 };
      for (const s of seen.values()) {
        if (s.kind in peak) peak[s.kind] = Math.max(peak[s.kind], s.kb);
        cpu[s.kind] += s.ticks / 100;
      }
      const heap = heapProbed(probeDir);
      resolve({
        code,
        ms: Math.round(performance.now() - t0),
        providerMiB: +(peak.provider / 1024).toFixed(1),
        providerHeldMiB: heap.heldMiB,
        providerYoungMiB: heap.youngMaxMiB,
        programMiB: +(peak.program / 1024).toFixed(1),
        cpuSeconds: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, +v.toFixed(1)])),
        tail: out.slice(-3_000),
      });
    });
  });
}

const COMMANDS = {
  up: ["up", "--yes", "--skip-preview"],
  "preview-refresh": ["preview", "--refresh", "--expect-no-changes"],
  refresh: ["refresh", "--yes", "--skip-preview"],
  destroy: ["destroy", "--yes", "--skip-preview"],
};

// ---- state ----

async function statePath(stack) {
  const root = path.join(stack.backendDir, ".pulumi", "stacks");
  for (const e of await fs.readdir(root, { recursive: true, withFileTypes: true })) {
    if (e.isFile() && e.name === `${stack.name}.json`) return path.join(e.parentPath, e.name);
  }
  throw new Error(`no checkpoint for ${stack.name} under ${root}`);
}

/** Bytes per dynamic resource: the checkpoint file over N, each resource as compact JSON, its shim. */
async function stateBytes(stack, n) {
  const file = await statePath(stack);
  const text = await fs.readFile(file, "utf8");
  const resources = JSON.parse(text).checkpoint?.latest?.resources ?? [];
  const dynamic = resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"));
  if (dynamic.length !== n)
    throw new Error(`${stack.name}: ${dynamic.length} dynamic resources in state, wanted ${n}`);
  const compact = dynamic.reduce((s, r) => s + Buffer.byteLength(JSON.stringify(r)), 0);
  const shim = dynamic.reduce(
    (s, r) =>
      s + Buffer.byteLength(r.inputs?.__provider ?? "") + Buffer.byteLength(r.outputs?.__provider ?? ""),
    0,
  );
  const sample = structuredClone(dynamic[0]);
  for (const k of ["inputs", "outputs"])
    if (sample[k]?.__provider) sample[k].__provider = `<${sample[k].__provider.length} bytes>`;
  return {
    sample,
    filePerResource: Math.round(Buffer.byteLength(text) / n),
    compactPerResource: Math.round(compact / n),
    providerTextPerResource: Math.round(shim / n),
  };
}

// ---- sandbox request log ----

async function admin(sb, method, route) {
  const res = await fetch(`${sb.url}/__sandbox/${route}`, { method });
  if (!res.ok) throw new Error(`sandbox admin ${method} ${route}: ${res.status}`);
  return res.json();
}

function shapeOf(r) {
  return `${r.method} ${r.path
    .replace(/\/v\d[^/]*\/Accounts?\/[^/]+/i, "")
    .replace(/\/accounts\/[^/]+/, "")
    .replace(/[A-Za-z]*\d[\w-]*/g, ":id")}`;
}

async function requestsSince(sb, vendor) {
  const { requests } = await admin(sb, "GET", `requests?vendor=${vendor}`);
  const byShape = {};
  for (const r of requests) byShape[shapeOf(r)] = (byShape[shapeOf(r)] ?? 0) + 1;
  return {
    total: requests.length,
    listPages: requests.filter(VENDOR[vendor].isListPage).length,
    rateLimited: requests.filter((r) => r.status === 429).length,
    byShape,
  };
}

// ---- the run ----

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return +(s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2).toFixed(1);
};
/** The median of the values that were measured (null ones left out), or null when none was. */
const medianOrNull = (xs) => {
  const known = xs.filter((x) => x !== null && x !== undefined);
  return known.length > 0 ? median(known) : null;
};
const ratio = (a, b) => +(a / b).toFixed(2);
const medianCpu = (entries) =>
  Object.fromEntries(
    ["engine", "provider", "program", "other"].map((k) => [k, median(entries.map((e) => e.cpuSeconds[k]))]),
  );

async function benchOne(vendor, n, mode) {
  const limit = mode === "default" ? DEFAULT_LIMITS[vendor] : RAISED;
  const accounts = structuredClone(DEFAULT_ACCOUNTS);
  for (const v of ["exotel", "plivo", "apifonica"]) {
    accounts[v] = accounts[v].map((a) => ({
      ...a,
      rateLimit: mode === "default" ? DEFAULT_LIMITS[v] : RAISED,
    }));
  }
  const sb = await startSandbox({ port: 0, quiet: true, latencyMs: LATENCY_MS, accounts });
  const root = path.join(repoRoot, "bench", "results");
  await fs.mkdir(root, { recursive: true });
  const dirs = {};
  const stacks = {};
  const env = {
    BENCH_N: String(n),
    [VENDOR[vendor].limitEnv]: `${limit.requests}/${limit.windowMs / 1000}s`,
  };
  const makeStack = (side) =>
    Stack.create({
      programDir: dirs[side],
      stackName: "bench",
      ...(side === "ours" && sandboxStackConfig(sb)),
    });
  try {
    for (const side of ["ours", "baseline"]) {
      dirs[side] = await fs.mkdtemp(path.join(root, `.tmp-${side}-${vendor}-${n}-`));
      await fs.writeFile(
        path.join(dirs[side], "Pulumi.yaml"),
        `name: bench-${side}-${vendor}\nruntime: nodejs\nmain: index.js\n`,
      );
      await fs.writeFile(
        path.join(dirs[side], "index.js"),
        side === "ours" ? programOurs(vendor) : programBaseline(vendor),
      );
      stacks[side] = await makeStack(side);
    }
    const runs = [];
    for (let rep = 0; rep < REPS; rep++) {
      await admin(sb, "POST", "reset");
      // Alternate which side goes first, so neither always runs on a machine the other just warmed.
      const order = rep % 2 === 0 ? ["ours", "baseline"] : ["baseline", "ours"];
      const run = { rep, ops: {} };
      for (const op of OPS) {
        run.ops[op] = {};
        for (const side of order) {
          if (side === "ours") await admin(sb, "DELETE", "requests");
          const reading = op === "refresh" || op === "preview-refresh";
          const nodeOptions = (reading && values["read-node-options"]) || values["node-options"];
          const opEnv = nodeOptions ? { ...env, NODE_OPTIONS: nodeOptions } : env;
          const r = await pulumiTimed(stacks[side], [...COMMANDS[op], "--parallel", String(PARALLEL)], opEnv);
          const entry = {
            ms: r.ms,
            code: r.code,
            providerMiB: r.providerMiB,
            providerHeldMiB: r.providerHeldMiB,
            providerYoungMiB: r.providerYoungMiB,
            programMiB: r.programMiB,
            cpuSeconds: r.cpuSeconds,
          };
          if (side === "ours") entry.requests = await requestsSince(sb, vendor);
          if (op === "up" && r.code === 0) entry.state = await stateBytes(stacks[side], n);
          if (r.code !== 0) entry.tail = r.tail;
          run.ops[op][side] = entry;
          const extra =
            side === "ours"
              ? ` ${entry.requests.total} requests, ${entry.requests.listPages} list pages`
              : "";
          console.log(
            `  ${vendor} N=${n} ${mode} rep ${rep + 1} ${op.padEnd(15)} ${side.padEnd(8)} ${String(r.ms).padStart(7)} ms exit ${r.code}` +
              ` provider ${r.providerMiB} MiB (held ${r.providerHeldMiB ?? "-"}, young ${r.providerYoungMiB ?? "-"}) program ${r.programMiB} MiB cpu ${JSON.stringify(r.cpuSeconds)}${extra}`,
          );
          if (r.code !== 0 && !(op === "preview-refresh" && r.code === 7)) {
            console.log(r.tail);
            throw new Error(`${side} ${op} failed (exit ${r.code})`);
          }
        }
      }
      runs.push(run);
      if (!OPS.includes("destroy") && rep < REPS - 1) {
        // Start the next repetition from nothing without paying for a destroy: forget the stacks'
        // resources (stack rm --force) and let the sandbox reset forget the numbers.
        for (const side of order) {
          await stacks[side].remove();
          await fs.mkdir(dirs[side], { recursive: true });
          stacks[side] = await makeStack(side);
        }
      }
    }
    return summarise(vendor, n, mode, limit, runs);
  } finally {
    for (const side of ["ours", "baseline"]) {
      // No destroy: the sandbox lives in memory, so forgetting the stack (rm --force) is enough.
      if (stacks[side]) await stacks[side].remove().catch(() => undefined);
      if (dirs[side]) await fs.rm(dirs[side], { recursive: true, force: true });
    }
    await sb.close();
  }
}

function summarise(vendor, n, mode, limit, runs) {
  const ops = {};
  for (const op of OPS) {
    const ours = runs.map((r) => r.ops[op].ours);
    const base = runs.map((r) => r.ops[op].baseline);
    const floor = floorOf(vendor, op, n, limit);
    const oursMs = median(ours.map((x) => x.ms));
    const baseMs = median(base.map((x) => x.ms));
    ops[op] = {
      oursMs,
      baselineMs: baseMs,
      floor,
      vsBaseline: ratio(oursMs, baseMs),
      vsFloor: ratio(oursMs, floor.ms),
      // The engine's own work (the baseline) and the vendor work (the floor) overlap at best.
      vsBound: ratio(oursMs, Math.max(baseMs, floor.ms)),
      requests: median(ours.map((x) => x.requests.total)),
      requestsVsFloor: ratio(median(ours.map((x) => x.requests.total)), floor.requests),
      listPages: median(ours.map((x) => x.requests.listPages)),
      rateLimited: median(ours.map((x) => x.requests.rateLimited)),
      providerMiB: median(ours.map((x) => x.providerMiB)),
      baselineProviderMiB: median(base.map((x) => x.providerMiB)),
      providerHeldMiB: medianOrNull(ours.map((x) => x.providerHeldMiB)),
      baselineProviderHeldMiB: medianOrNull(base.map((x) => x.providerHeldMiB)),
      providerYoungMiB: medianOrNull(ours.map((x) => x.providerYoungMiB)),
      baselineProviderYoungMiB: medianOrNull(base.map((x) => x.providerYoungMiB)),
      programMiB: median(ours.map((x) => x.programMiB)),
      cpuSeconds: medianCpu(ours),
      baselineCpuSeconds: medianCpu(base),
      baselineProgramMiB: median(base.map((x) => x.programMiB)),
      requestShapes: ours[ours.length - 1].requests.byShape,
      ...(op === "up" && {
        state: ours[0].state,
        baselineState: base[0].state,
        stateVsBaseline: ratio(ours[0].state.filePerResource, base[0].state.filePerResource),
      }),
    };
  }
  return { vendor, n, mode, limit, reps: runs.length, ops, runs };
}

/**
 * `__provider` text sizes: our shim (the text the resource classes store) and, serialised as
 * pulumi.dynamic.Resource does, the baseline's no-op provider (create only) and a no-op provider
 * with all seven methods (one line each), the state a "full" no-op baseline would have (two copies
 * per resource).
 */
async function providerTexts() {
  const pulumi = createRequire(path.join(repoRoot, "package.json"))("@pulumi/pulumi");
  const { providerText } = await import("../dist/sdk/shim.js");
  // Named `provider` as in pulumi.dynamic.Resource: the captured variable's name is in the text.
  const size = async (provider) =>
    Buffer.byteLength((await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text);
  const minimal = {
    async create(inputs) {
      return { id: inputs.key, outs: inputs };
    },
  };
  const full = {
    async configure() {},
    async check(_olds, news) {
      return { inputs: news };
    },
    async diff() {
      return {};
    },
    async create(inputs) {
      return { id: inputs.key, outs: inputs };
    },
    async read(id, props) {
      return { id, props };
    },
    async update(_id, _olds, news) {
      return { outs: news };
    },
    async delete() {},
  };
  return {
    ours: Buffer.byteLength(providerText("exophone")),
    minimalNoop: await size(minimal),
    fullNoop: await size(full),
  };
}

// The engine runs `node` from PATH (after its own directory) for the programs and the providers.
const NODE = nodeLine(values.node);
if (NODE.dir) process.env.PATH = `${NODE.dir}${path.delimiter}${process.env.PATH ?? ""}`;

const started = new Date();
const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
  node: NODE.version,
  // The sandbox runs in this process, which may be another Node line.
  benchNode: process.version,
  loadAverageAtStart: os.loadavg().map((x) => +x.toFixed(2)),
};
console.log(
  `bench suite: vendors ${VENDORS} sizes ${SIZES} reps ${REPS} limits ${LIMITS} latency ${LATENCY_MS} ms parallel ${PARALLEL}; ` +
    `${machine.cpus} cpus, load ${machine.loadAverageAtStart}, Node ${NODE.version}`,
);
const results = [];
for (const mode of LIMITS) {
  for (const vendor of VENDORS) {
    for (const n of SIZES) {
      const r = await benchOne(vendor, n, mode);
      results.push(r);
      for (const [op, o] of Object.entries(r.ops)) {
        console.log(
          `${vendor} N=${n} ${mode} ${op}: ${o.oursMs} ms, ${o.vsBaseline}x baseline (${o.baselineMs} ms), ` +
            `${o.vsFloor}x floor (${o.floor.ms} ms for ${o.floor.requests} requests), ${o.vsBound}x max of both; ${o.requests} requests, ` +
            `${o.listPages} list pages; provider ${o.providerMiB} MiB vs ${o.baselineProviderMiB} MiB` +
            ` (held ${o.providerHeldMiB ?? "-"} vs ${o.baselineProviderHeldMiB ?? "-"} MiB, young generation ${o.providerYoungMiB ?? "-"} vs ${o.baselineProviderYoungMiB ?? "-"} MiB)` +
            (o.state
              ? `; state ${o.state.filePerResource} B/resource vs ${o.baselineState.filePerResource} B (${o.stateVsBaseline}x)`
              : ""),
        );
      }
    }
  }
}
const report = {
  date: started.toISOString(),
  providerTextBytes: await providerTexts(),
  finished: new Date().toISOString(),
  machine: { ...machine, loadAverageAtEnd: os.loadavg().map((x) => +x.toFixed(2)) },
  options: {
    vendors: VENDORS,
    sizes: SIZES,
    reps: REPS,
    limits: LIMITS,
    ops: OPS,
    latencyMs: LATENCY_MS,
    parallel: PARALLEL,
  },
  results,
};
const out =
  values.out ??
  path.join(repoRoot, "bench", "results", `suite-${started.toISOString().replace(/[:.]/g, "-")}.json`);
await fs.mkdir(path.dirname(out), { recursive: true });
await fs.writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
console.log(`results: ${path.relative(repoRoot, out)}`);
