// Load generator for bench/compute.ts, run in its own process so that it does not share an event loop (and a
// core's worth of scheduling) with the compute node it measures. Both sides of a comparison go through it.
// argv[2]: JSON { url?: string, socketPath?: string, path: string, concurrency: number, ms: number, headers?: object }
// stdout: JSON { rps, ok, failed }
import http from 'node:http';

const { url, socketPath, path, concurrency, ms, headers = {} } = JSON.parse(process.argv[2]);
const u = url ? new URL(url) : null;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const opts = u ? { host: u.hostname, port: u.port, path, agent, headers } : { socketPath, path, agent, headers };

function get() {
  return new Promise((resolve) => {
    http
      .get(opts, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
      })
      .on('error', () => resolve(false));
  });
}

let ok = 0,
  failed = 0;
// Warm the connections first, untimed.
await Promise.all(Array.from({ length: concurrency }, get));
const t0 = performance.now();
const end = t0 + ms;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      if (await get()) ok++;
      else failed++;
    }
  }),
);
const took = performance.now() - t0;
agent.destroy();
process.stdout.write(JSON.stringify({ rps: Math.round(ok / (took / 1000)), ok, failed }) + '\n');
