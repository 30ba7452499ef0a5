// Benchmark: refreshing an inventory of N numbers, batched reads vs one GET per number.
//
// Both runs read the same N Exotel numbers from the same sandbox in the same process, eight at a
// time as the Pulumi engine does. The baseline asks Exotel for each number (GET v2 details); the
// provider's read answers bursts from lazy walks of the account's list pages. Reported as ratios
// (requests and wall time), so the machine's speed cancels out.
//
//   npm run build && node bench/refresh.js [--numbers 1000] [--latency-ms 5] [--out bench/results/refresh.json]
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { exotelClient } from "../dist/provider/exotel/client.js";
import { provider, setConfigSource } from "../dist/provider/index.js";
import { startSandbox } from "../dist/sandbox/index.js";

const { values } = parseArgs({
  options: {
    numbers: { type: "string", default: "1000" },
    "latency-ms": { type: "string", default: "5" },
    out: { type: "string", default: "bench/results/refresh.json" },
  },
});
const N = Number(values.numbers);
const latencyMs = Number(values["latency-ms"]);
const PARALLEL = 8;

async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

const unlimited = { requests: 1_000_000, windowMs: 1000 };
const sb = await startSandbox({
  port: 0,
  quiet: true,
  latencyMs,
  accounts: {
    exotel: [{ accountSid: "bench", apiKey: "bench-key", apiToken: "bench-token", rateLimit: unlimited }],
    plivo: [{ authId: "MABENCH0000000000001", authToken: "bench-token", rateLimit: unlimited }],
    apifonica: [
      { accountSid: "acc00000000-0000-4000-8000-00000000beef", authToken: "aut-bench", rateLimit: unlimited },
    ],
  },
});
const account = {
  accountSid: "bench",
  apiKey: "bench-key",
  apiToken: "bench-token",
  baseUrl: `${sb.url}/exotel`,
};
const config = {
  "exotel:accountSid": account.accountSid,
  "exotel:apiKey": account.apiKey,
  "exotel:apiToken": account.apiToken,
  "exotel:baseUrl": account.baseUrl,
  "exotel:rateLimit": "1000000/1s",
};
setConfigSource((k) => config[k]);
const api = exotelClient({ ...account, rateLimit: unlimited });
const exophone = provider("exophone");

async function logCount() {
  const res = await fetch(`${sb.url}/__sandbox/requests`);
  return (await res.json()).requests.length;
}
async function clearLog() {
  await fetch(`${sb.url}/__sandbox/requests`, { method: "DELETE" });
}

// Rent N numbers across the circles (the setup, also timed: creates through the provider).
const circles = ["KA", "DL", "MH", "TN", "GJ", "KL", "RJ", "UE", "UW", "WB", "AP", "MU", "KO", "PB", "HR"];
const t = performance.now();
const created = await pool(
  Array.from({ length: N }, (_, i) => circles[i % circles.length]),
  PARALLEL,
  (region) => exophone.create({ region }),
);
const createMs = performance.now() - t;

async function measure(label, readOne) {
  await clearLog();
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const results = await pool(created, PARALLEL, readOne);
  const ms = performance.now() - t0;
  const requests = await logCount();
  const found = results.filter(Boolean).length;
  if (found !== N) throw new Error(`${label}: read ${found} of ${N} numbers`);
  return {
    label,
    ms: Math.round(ms),
    requests,
    heapDeltaMb: +((process.memoryUsage().heapUsed - heapBefore) / 1e6).toFixed(1),
  };
}

const baseline = await measure("one GET per number", (c) => api.getNumberDetails(c.id));
const batched = await measure("provider read (batched)", async (c) => (await exophone.read(c.id, c.outs)).id);

const report = {
  date: new Date().toISOString(),
  numbers: N,
  parallel: PARALLEL,
  latencyMsPerRequest: latencyMs,
  createMs: Math.round(createMs),
  baseline,
  batched,
  ratios: {
    requests: +(batched.requests / baseline.requests).toFixed(3),
    time: +(batched.ms / baseline.ms).toFixed(3),
  },
};
console.log(
  `refresh of ${N} Exotel numbers, ${PARALLEL} at a time, sandbox latency ${latencyMs} ms per request`,
);
console.log(
  `  ${baseline.label.padEnd(26)} ${String(baseline.requests).padStart(6)} requests ${String(baseline.ms).padStart(7)} ms`,
);
console.log(
  `  ${batched.label.padEnd(26)} ${String(batched.requests).padStart(6)} requests ${String(batched.ms).padStart(7)} ms`,
);
console.log(`  ratio (batched / baseline): requests ${report.ratios.requests}, time ${report.ratios.time}`);
await mkdir(dirname(values.out), { recursive: true });
await writeFile(values.out, `${JSON.stringify(report, null, 2)}\n`);
await pool(created, PARALLEL, (c) => exophone.delete(c.id, c.outs));
await sb.close();
