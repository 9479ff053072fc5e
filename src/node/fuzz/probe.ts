import http from 'node:http';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ProbeStats {
  reads: number;
  failures: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  /** The slowest reads, to tell a stalled node (time to headers) from a connection that had to be opened again. */
  slowest?: SlowRead[];
}

export interface SlowRead {
  path: string;
  ms: number;
  /** Time until the answer's headers arrived. */
  headers_ms: number;
  /** False when the keep-alive connection was gone and this read opened a new one. */
  reused_socket: boolean;
  status: number;
}

const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
const round = (n: number) => Number(n.toFixed(2));

/**
 * An ordinary user reading the node while it is attacked: sequential GETs of `paths` from another loopback
 * address (so per-client caps on the attacker do not apply to it), each timed. Stop returns the figures.
 */
export function startProbe(
  url: string,
  paths: string[],
  localAddress = '127.0.0.2',
): { started: Promise<void>; stop(): Promise<ProbeStats> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress } as http.AgentOptions);
  const latencies: number[] = [];
  const slow: SlowRead[] = [];
  let failures = 0;
  let running = true;
  let first: () => void = () => {};
  const started = new Promise<void>((r) => (first = r));
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const t = performance.now();
      const path = paths[i % paths.length]!;
      const read = await new Promise<{ ok: boolean; headersMs: number; reused: boolean; status: number }>((resolve) => {
        let headersMs = NaN;
        const req = http.get(`${url}${path}`, { agent, timeout: 30_000 }, (res) => {
          headersMs = performance.now() - t;
          res.resume();
          const status = res.statusCode ?? 500;
          res.on('end', () => resolve({ ok: status < 500, headersMs, reused: req.reusedSocket, status }));
          res.on('error', () => resolve({ ok: false, headersMs, reused: req.reusedSocket, status }));
        });
        req.on('timeout', () => req.destroy());
        req.on('error', () => resolve({ ok: false, headersMs, reused: req.reusedSocket, status: 0 }));
      });
      const ms = performance.now() - t;
      // The first read warms the connection; it is not a measurement.
      if (i === 0) first();
      else {
        latencies.push(ms);
        slow.push({
          path,
          ms: round(ms),
          headers_ms: round(read.headersMs),
          reused_socket: read.reused,
          status: read.status,
        });
        slow.sort((a, b) => b.ms - a.ms);
        if (slow.length > 3) slow.pop();
      }
      if (!read.ok) failures++;
      // Paced like a user, not a load generator: the probe measures the node, it must not be the load.
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    started,
    async stop() {
      running = false;
      await loop;
      agent.destroy();
      const s = latencies.sort((a, b) => a - b);
      return {
        reads: s.length,
        failures,
        p50_ms: round(pct(s, 50)),
        p99_ms: round(pct(s, 99)),
        max_ms: round(s[s.length - 1] ?? NaN),
        slowest: slow,
      };
    },
  };
}

/** {@link startProbe} in a child process (src/node/fuzz/probeProcess.ts), so the attacker's CPU is not counted as the node's. */
export function startProbeProcess(
  url: string,
  paths: string[],
  localAddress = '127.0.0.2',
): { started: Promise<void>; stop(): Promise<ProbeStats> } {
  const script = fileURLToPath(new URL('./probeProcess.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, url, localAddress, JSON.stringify(paths)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  let ready: () => void = () => {};
  const started = new Promise<void>((r) => (ready = r));
  child.stdout!.on('data', (d: Buffer) => {
    out += d;
    if (out.startsWith('ready\n')) ready();
  });
  const exited = new Promise<void>((r) =>
    child.once('exit', () => {
      ready();
      r();
    }),
  );
  return {
    started,
    async stop() {
      child.stdin!.end();
      await exited;
      return JSON.parse(out.replace(/^ready\n/, '')) as ProbeStats;
    },
  };
}
