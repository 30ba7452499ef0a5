// Allocation per operation, in one provider process without the engine: N creates (then N reads) per
// vendor against the sandbox (run in a child process, so its allocations do not count), 8 at a time
// as the engine's --parallel would, with V8's sampling heap profiler counting every allocation,
// collected ones included. Reports KB allocated per create and per read, the functions of this
// package that allocate most (with what they call), and the process's peak RSS over its RSS after
// loading. Garbage is what grows the provider's heap at thousands of numbers (bench/README.md).
//
//   npm run build && node --expose-gc bench/alloc.js [--vendors exotel,plivo,apifonica] [--n 500] [--top 8]
//     [--node 24|22|current]
//
// It runs on a Node.js line package.json `engines` declares (bench/node-line.js): on another, it
// runs itself again on the newest declared line.
import { fork, spawnSync } from "node:child_process";
import { Session } from "node:inspector/promises";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { CRITERIA, EXTRA } from "./criteria.js";
import { nodeLine } from "./node-line.js";

const { values } = parseArgs({
  options: {
    vendors: { type: "string", default: "exotel,plivo,apifonica" },
    n: { type: "string", default: "500" },
    top: { type: "string", default: "8" },
    child: { type: "boolean", default: false },
    node: { type: "string" },
  },
});

/** Per vendor: the kind and the inputs of number i (the engine suite's). */
const VENDORS = {
  exotel: { kind: "exophone" },
  plivo: { kind: "plivo-number-order" },
  apifonica: { kind: "apifonica-number" },
};
const inputsOf = (vendor, i) => ({ ...CRITERIA[vendor][i % CRITERIA[vendor].length], ...EXTRA[vendor] });

const mib = () => Math.round(process.memoryUsage().rss / 1048576);

async function main() {
  const line = nodeLine(values.node);
  if (line.dir) {
    const args = [
      ...process.execArgv,
      new URL(import.meta.url).pathname,
      ...process.argv.slice(2),
      "--node",
      "current",
    ];
    process.exit(spawnSync(path.join(line.dir, "node"), args, { stdio: "inherit" }).status ?? 1);
  }
  console.log(`bench alloc: Node ${process.version}`);
  const child = fork(new URL(import.meta.url).pathname, ["--child"], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  process.on("exit", () => child.kill());
  const sb = await new Promise((resolve) => child.once("message", resolve));
  const [ex, pl, ap] = [sb.accounts.exotel[0], sb.accounts.plivo[0], sb.accounts.apifonica[0]];
  Object.assign(process.env, {
    EXOTEL_BASE_URL: `${sb.url}/exotel`, EXOTEL_ACCOUNT_SID: ex.accountSid, EXOTEL_API_KEY: ex.apiKey, EXOTEL_API_TOKEN: ex.apiToken,
    PLIVO_BASE_URL: `${sb.url}/plivo`, PLIVO_AUTH_ID: pl.authId, PLIVO_AUTH_TOKEN: pl.authToken,
    APIFONICA_BASE_URL: `${sb.url}/apifonica`, APIFONICA_ACCOUNT_SID: ap.accountSid, APIFONICA_AUTH_TOKEN: ap.authToken,
    EXOTEL_RATE_LIMIT: "1000000/1s", PLIVO_RATE_LIMIT: "1000000/1s", APIFONICA_RATE_LIMIT: "1000000/1s",
    PHONE_NUMBERS_INTENT_DIR: path.join(os.tmpdir(), `phone-numbers-alloc-${process.pid}`),
  }); // biome-ignore format: a table
  const { provider } = await import("../dist/provider/index.js");
  const session = new Session();
  session.connect();
  const n = Number(values.n);
  for (const vendor of values.vendors.split(",")) await measure(session, provider, vendor, n);
  process.exit(0);
}

/** Runs `op(i)` for i < n, 8 at a time. */
async function eight(n, op) {
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => { while (next < n) await op(next++); })); // biome-ignore format: one line
}

async function sampled(session, work) {
  global.gc?.();
  await session.post("HeapProfiler.startSampling", {
    samplingInterval: 1024,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  const before = mib();
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, mib())), 20);
  await work();
  clearInterval(timer);
  const { profile } = await session.post("HeapProfiler.stopSampling");
  return { profile, before, peak };
}

async function measure(session, provider, vendor, n) {
  const v = VENDORS[vendor];
  if (!v) throw new Error(`unknown vendor ${vendor}`);
  const p = provider(v.kind);
  const made = [];
  const createOne = async (i) => {
    const { inputs } = await p.check(
      {},
      { __provider: "bench", __name: `${vendor}-${i}`, ...inputsOf(vendor, i) },
    );
    const r = await p.create(inputs);
    made.push({ id: r.id, props: { ...inputs, ...r.outs } });
  };
  await createOne(n); // loads the vendor's code
  const creates = await sampled(session, () => eight(n, createOne));
  // Past the walks' lifetimes, so the reads walk the lists as a refresh would.
  await new Promise((r) => setTimeout(r, 31_000));
  const reads = await sampled(session, () => eight(n, (i) => p.read(made[i].id, made[i].props)));
  report(vendor, n, "create", creates);
  report(vendor, n, "read", reads);
}

function report(vendor, n, what, { profile, before, peak }) {
  let total = 0;
  const byOurs = new Map();
  const walk = (node, ours) => {
    const f = node.callFrame;
    const here = f.url.includes("/dist/provider/")
      ? `${f.functionName || "(anonymous)"} ${f.url.replace(/.*\/dist\//, "")}:${f.lineNumber + 1}`
      : ours;
    total += node.selfSize;
    byOurs.set(here, (byOurs.get(here) ?? 0) + node.selfSize);
    for (const c of node.children) walk(c, here);
  };
  walk(profile.head, "(not under this package's code)");
  console.log(
    `${vendor} ${what}: ${(total / n / 1024).toFixed(1)} KB per ${what} (N = ${n}); RSS ${before} -> peak ${peak} MiB`,
  );
  const top = [...byOurs].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top));
  for (const [fn, bytes] of top) console.log(`  ${(bytes / n / 1024).toFixed(1).padStart(6)} KB  ${fn}`);
}

if (values.child) {
  // The sandbox, limits raised, 5 ms latency; prints its URL and accounts.
  const { DEFAULT_ACCOUNTS, startSandbox } = await import("../dist/sandbox/index.js");
  const accounts = structuredClone(DEFAULT_ACCOUNTS);
  const raised = { requests: 1_000_000, windowMs: 1_000 };
  for (const v of ["exotel", "plivo", "apifonica"])
    accounts[v] = accounts[v].map((a) => ({ ...a, rateLimit: raised }));
  const sb = await startSandbox({ port: 0, quiet: true, latencyMs: 5, accounts });
  process.send?.({ url: sb.url, accounts: sb.accounts });
} else {
  await main();
}
