// A diagnostic for the provider process's memory (bench/README.md, 2026-12-03): loaded with
// `npm run bench -- … --node-options="--require <repo>/bench/gclog.cjs"`, it writes, for every
// dynamic-provider process, one file per pid into $GCLOG_DIR (default <tmp>/phone-numbers-gclog):
// each major and incremental GC with the heap spaces after it, and every 2 seconds the count of
// minor GCs, the RSS and the used/committed MiB of the new, old and large-object spaces. The
// first line names the program directory, so `ours` and `baseline` can be told apart.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const v8 = require("node:v8");
const { PerformanceObserver, constants } = require("node:perf_hooks");

if (/dynamic-provider/.test(process.argv[1] ?? "")) {
  const dir = process.env.GCLOG_DIR || path.join(os.tmpdir(), "phone-numbers-gclog");
  fs.mkdirSync(dir, { recursive: true });
  const out = fs.openSync(path.join(dir, `${process.pid}.log`), "w");
  const t0 = Date.now();
  const write = (line) => fs.writeSync(out, `${((Date.now() - t0) / 1000).toFixed(2)} ${line}\n`);
  const mib = (bytes) => (bytes / 1048576).toFixed(1);
  const spaces = () =>
    v8
      .getHeapSpaceStatistics()
      .filter((s) => ["new_space", "old_space", "large_object_space"].includes(s.space_name))
      .map((s) => `${s.space_name.replace("_space", "")}=${mib(s.space_used_size)}/${mib(s.space_size)}`)
      .join(" ");
  const kinds = {
    [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weak-callbacks",
  };
  let minors = 0;
  write(`node ${process.version} cwd ${process.cwd()}`);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.detail.kind === constants.NODE_PERFORMANCE_GC_MINOR) minors++;
      else write(`gc ${kinds[e.detail.kind] ?? e.detail.kind} ${e.duration.toFixed(1)} ms ${spaces()}`);
    }
  }).observe({ entryTypes: ["gc"] });
  setInterval(
    () => write(`minors=${minors} rss=${mib(process.memoryUsage().rss)} ${spaces()}`),
    2000,
  ).unref();
}
