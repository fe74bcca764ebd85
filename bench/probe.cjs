// Preloaded (`node --require bench/probe.cjs`) into the servers the benchmark starts: answers
// the benchmark's IPC questions about this process without touching the service's code.
'use strict';
const { monitorEventLoopDelay } = require('node:perf_hooks');

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();

process.on('message', (message) => {
  if (!message || typeof message !== 'object' || message.probe === undefined) {
    return;
  }
  if (message.probe === 'reset') {
    delay.reset();
    process.send({ probe: 'reset', ok: true });
    return;
  }
  if (message.probe === 'heapsnapshot') {
    global.gc?.();
    process.send({
      probe: 'heapsnapshot',
      path: require('node:v8').writeHeapSnapshot(message.path),
    });
    return;
  }
  if (message.probe === 'stats') {
    void stats(Boolean(message.gc));
  }
});

/**
 * With `gc`: full collections, each followed by a pause, so that the sweeper has returned freed
 * pages before the resident size is read (steady state, not the moment after a collection).
 */
async function stats(gc) {
  if (gc && typeof global.gc === 'function') {
    for (let i = 0; i < 3; i += 1) {
      global.gc();
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  {
    process.send({
      probe: 'stats',
      rss: process.memoryUsage().rss,
      heapUsed: process.memoryUsage().heapUsed,
      heapTotal: process.memoryUsage().heapTotal,
      external: process.memoryUsage().external,
      cpu: process.cpuUsage(),
      eventLoopDelayMs: { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 },
    });
  }
}
