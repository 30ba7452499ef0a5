// Preloaded by bench/suite.js into every command of both sides (NODE_OPTIONS --require): in a
// dynamic-provider process, it records what the provider holds and how large V8 let the young
// generation grow, so the suite can report them beside the peak RSS (bench/README.md, 2026-12-03).
// The peak RSS of an `up` with the limits raised is mostly the young generation's size, which V8
// sets from the allocation rate; what the provider holds is the heap left after a major GC.
//
// Writes $PPN_HEAP_PROBE_DIR/<pid>.json after every major GC and whenever the young generation
// reaches a new size: { majors, heldMiB, youngMaxMiB }, where heldMiB is the heap in use (every space
// but the young generation) after the last major GC. Does nothing in other processes or without
// the variable.
const dir = process.env.PPN_HEAP_PROBE_DIR;

if (dir && /dynamic-provider/.test(process.argv[1] ?? "")) {
  const fs = require("node:fs");
  const path = require("node:path");
  const v8 = require("node:v8");
  const { PerformanceObserver, constants } = require("node:perf_hooks");

  const file = path.join(dir, `${process.pid}.json`);
  const mib = (bytes) => +(bytes / 1048576).toFixed(1);
  const record = { majors: 0, heldMiB: null, youngMaxMiB: 0 };
  const write = () => {
    try {
      fs.writeFileSync(file, JSON.stringify(record));
    } catch {
      // The suite removed the directory: the command is over.
    }
  };

  new PerformanceObserver((list) => {
    const spaces = new Map(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s]));
    const young = spaces.get("new_space");
    const youngLarge = spaces.get("new_large_object_space");
    let changed = false;
    const youngSize = mib(young?.space_size ?? 0);
    if (youngSize > record.youngMaxMiB) {
      record.youngMaxMiB = youngSize;
      changed = true;
    }
    if (list.getEntries().some((e) => e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)) {
      const used = v8.getHeapStatistics().used_heap_size;
      const held = mib(used - (young?.space_used_size ?? 0) - (youngLarge?.space_used_size ?? 0));
      record.majors++;
      record.heldMiB = held;
      changed = true;
    }
    if (changed) write();
  }).observe({ entryTypes: ["gc"] });
}
