// Preloaded into a server by the bench (`node --expose-gc -r probe.cjs ...`) so that the bench can
// look inside it without changing it. On SIGUSR2 the probe reads its command from PROBE_CMD_FILE
// (default "heap") and answers with one `PROBE {json}` line on stderr:
//   heap        full GC, then process.memoryUsage() (and a heap snapshot if HEAP_SNAPSHOT_DIR is set)
//   memory      process.memoryUsage() as it is, no GC (to sample a server while it works)
//   prof-start  start the CPU profiler (and an event-loop delay histogram)
//   prof-stop   stop both; write the .cpuprofile to PROBE_DIR; answer its path and the loop delay
//   alloc-start sample allocations (V8's sampling heap profiler, every 32 KB allocated)
//   alloc-stop  stop; write the .heapprofile to PROBE_DIR; answer its path
const fs = require('node:fs');
const path = require('node:path');
const inspector = require('node:inspector');
const { monitorEventLoopDelay } = require('node:perf_hooks');

let session;
let loop;
const answer = (o) => process.stderr.write(`PROBE ${JSON.stringify(o)}\n`);

process.on('SIGUSR2', () => {
  let cmd = 'heap';
  try {
    cmd = fs.readFileSync(process.env.PROBE_CMD_FILE, 'utf8').trim() || 'heap';
  } catch {
    // no command file: heap
  }
  if (cmd === 'memory') return answer({ memory: process.memoryUsage() });
  if (cmd === 'heap') {
    if (typeof global.gc === 'function') global.gc();
    if (process.env.HEAP_SNAPSHOT_DIR) {
      require('node:v8').writeHeapSnapshot(path.join(process.env.HEAP_SNAPSHOT_DIR, `${process.pid}-${Date.now()}.heapsnapshot`));
    }
    return answer({ heap: process.memoryUsage() });
  }
  if (cmd === 'prof-start') {
    loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    session = new inspector.Session();
    session.connect();
    session.post('Profiler.enable', () => session.post('Profiler.start', () => answer({ started: true })));
    return;
  }
  if (cmd === 'alloc-start') {
    session = new inspector.Session();
    session.connect();
    session.post('HeapProfiler.startSampling', { samplingInterval: 32768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }, () => answer({ started: true }));
    return;
  }
  if (cmd === 'alloc-stop' && session) {
    session.post('HeapProfiler.stopSampling', (err, res) => {
      const file = path.join(process.env.PROBE_DIR || '.', `${process.pid}-${Date.now()}.heapprofile`);
      if (!err) fs.writeFileSync(file, JSON.stringify(res.profile));
      session.disconnect();
      session = undefined;
      answer({ profile: err ? null : file });
    });
    return;
  }
  if (cmd === 'prof-stop' && session) {
    loop.disable();
    const ms = (ns) => Math.round(ns / 1e4) / 100;
    const delay = { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max), mean: ms(loop.mean) };
    session.post('Profiler.stop', (err, res) => {
      const file = path.join(process.env.PROBE_DIR || '.', `${process.pid}-${Date.now()}.cpuprofile`);
      if (!err) fs.writeFileSync(file, JSON.stringify(res.profile));
      session.disconnect();
      session = undefined;
      answer({ profile: err ? null : file, loopDelayMs: delay });
    });
  }
});
