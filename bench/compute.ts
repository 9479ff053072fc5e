// `npm run bench -- compute`: cold start, warm throughput and live upgrade through the compute node (DESIGN §5),
// each beside its baseline measured in the same run.
import { execFile } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePrivateKey } from 'viem/accounts';
import { accountFromPrivateKey } from '../src/client/accounts/account.js';
import { deployProgram } from '../src/client/actions/deployProgram.js';
import { updateProgramCode } from '../src/client/actions/updateProgramCode.js';
import { prepareCode } from '../src/client/code/prepareCode.js';
import { measureColdStart } from '../src/compute/bench/coldStart.js';
import { descendants, pssOf } from '../src/compute/sandbox/processTree.js';
import { startDevnet } from '../src/devnet/startDevnet.js';
import { startBytePipe } from './bytePipe.js';
import { NGINX, startNginxProxy } from './nginxProxy.js';
import { percentile, writeResult } from './writeResult.js';

const STARTS = 20;
const UPGRADES = 20;
const THROUGHPUT_MS = 3000;
const CONCURRENCY = 16;

const home = mkdtempSync(join(tmpdir(), 'aleph-bench-compute-'));
const only = process.argv[3];
const DENSITY_PROGRAMS = Number(process.env.BENCH_DENSITY_PROGRAMS ?? 200);
// Density declares little per program so that 200 fit the node's capacity (memory is not overcommitted, vCPUs are
// a cap per program): what is measured is what an idle program really takes.
const devnet = await startDevnet({
  home,
  apiPort: 0,
  computePort: 0,
  ...(only === 'density' ? { computeCapacity: { vcpus: 4 * DENSITY_PROGRAMS } } : {}),
});
const config = { apiUrl: devnet.apiUrl, account: accountFromPrivateKey(generatePrivateKey()), channel: 'BENCH' };
const sup = devnet.compute!.supervisor;
let dirs = 0;
function codeDir(files: Record<string, string>): string {
  const d = join(home, `code-${dirs++}`);
  mkdirSync(d);
  for (const [k, v] of Object.entries(files)) writeFileSync(join(d, k), v);
  return d;
}
const stats = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: round(percentile(s, 50)), p99: round(percentile(s, 99)) };
};
const round = (x: number) => Math.round(x * 10) / 10;
const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;

/** One GET with a keep-alive agent, to a TCP url or a unix socket; resolves status and body. */
function get(
  agent: http.Agent,
  target: { url?: string; socketPath?: string },
  path = '/',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = target.url ? new URL(target.url) : null;
    const opts: http.RequestOptions = u
      ? { host: u.hostname, port: u.port, path, agent }
      : { socketPath: target.socketPath, path, agent };
    http
      .get(opts, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

// The same apps as src/compute/bench/coldStart.ts, so "bare" there is the baseline for "through the compute node" here.
const APPS = {
  node: {
    entrypoint: 'main.js:handler',
    runtime: devnet.runtimes.node,
    files: { 'main.js': 'exports.handler = (req, res) => res.end(\'{"ok":true}\');\n' },
  },
  python: {
    entrypoint: 'main:app',
    runtime: devnet.runtimes.python,
    files: {
      'main.py': 'from fastapi import FastAPI\napp = FastAPI()\n@app.get("/")\ndef root():\n    return {"ok": True}\n',
    },
  },
} as const;

async function coldStart(kind: 'node' | 'python') {
  const app = APPS[kind];
  const { id } = await deployProgram(config, {
    code: prepareCode(codeDir(app.files)),
    entrypoint: app.entrypoint,
    runtime: app.runtime,
  });
  const agent = new http.Agent({ keepAlive: false });
  await get(agent, { url: devnet.computeUrl! }, `/vm/${id}/`); // downloads and extracts code and runtime once
  const pool = sup.pool!;
  const size = pool.size;
  const sample = async (poolSize: number) => {
    await sup.stop(id);
    pool.size = size;
    // Nothing filling in the background while either is timed: the pool is full, then used or not.
    await pool.settled();
    pool.size = poolSize;
    const t0 = performance.now();
    const r = await get(agent, { url: devnet.computeUrl! }, `/vm/${id}/`);
    const ms = performance.now() - t0;
    pool.size = size;
    if (r.status !== 200) throw new Error(`cold start answered ${r.status}: ${r.body}`);
    return ms;
  };
  const cold: number[] = [];
  const pooled: number[] = [];
  // Interleaved so drift in machine load hits both alike.
  for (let i = 0; i < STARTS; i++) {
    pooled.push(await sample(size));
    cold.push(await sample(0));
  }
  await sup.stop(id);
  await pool.settled();
  const idle = pool
    .idleMemory()
    .filter((m) => m.kind === (kind === 'node' ? 'node' : 'asgi') && !m.internet)
    .map((m) => round(m.bytes / 2 ** 20));
  const lower = await measureColdStart(kind, STARTS);
  const through = stats(cold);
  const fromPool = stats(pooled);
  return {
    // Pool size 0: a fresh sandbox per first request, as before the pool.
    through_compute_node_ms: through,
    // An idle pooled sandbox takes the program.
    pooled_through_compute_node_ms: fromPool,
    sandbox_direct_ms: lower.sandbox,
    bare_ms: lower.bare,
    ratio_p50_vs_bare: round(through.p50 / lower.bare.p50),
    pooled_ratio_p50_vs_bare: round(fromPool.p50 / lower.bare.p50),
    // What keeping one idle costs: proportional set size of its processes (outer bwrap, init, interpreter).
    idle_pooled_sandbox_pss_mib: idle,
  };
}

async function throughput(target: { url?: string; socketPath?: string }, path: string): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let n = 0;
  const end = performance.now() + THROUGHPUT_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const r = await get(agent, target, path);
        if (r.status === 200) n++;
      }
    }),
  );
  agent.destroy();
  return Math.round(n / (THROUGHPUT_MS / 1000));
}

/** The same measurement from bench/loadgen.mjs in a separate process (the compute node keeps this one to itself). */
function throughputOutside(
  target: { url?: string; socketPath?: string },
  path: string,
  cpuMicros?: () => number,
): Promise<{ rps: number; cpuUsPerRequest: number | null }> {
  const arg = JSON.stringify({ ...target, path, concurrency: CONCURRENCY, ms: THROUGHPUT_MS });
  const c0 = cpuMicros?.();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(import.meta.dirname, 'loadgen.mjs'), arg], (err, stdout) => {
      if (err) return reject(err);
      const out = JSON.parse(stdout) as { rps: number; ok: number };
      const cpu = cpuMicros && c0 !== undefined ? round((cpuMicros() - c0) / Math.max(1, out.ok + CONCURRENCY)) : null;
      resolve({ rps: out.rps, cpuUsPerRequest: cpu });
    });
  });
}
/** CPU time of this process (the compute node, and the core node beside it, idle meanwhile), in microseconds. */
const ownCpuMicros = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

// Both stock kinds: the trivial Node handler shows the proxy's own ceiling (the program costs almost nothing),
// the FastAPI app what a typical program sees. nginx (one worker, keep-alive upstream to the same socket) is the
// reference proxy. Each configuration runs ROUNDS times, interleaved, so that load from others on the machine
// falls on all of them alike; ratios are of the sums.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
async function warm(kind: 'node' | 'python') {
  const app = APPS[kind];
  const { id } = await deployProgram(config, {
    code: prepareCode(codeDir(app.files)),
    entrypoint: app.entrypoint,
    runtime: app.runtime,
    timeoutSeconds: 60,
  });
  await get(new http.Agent(), { url: devnet.computeUrl! }, `/vm/${id}/`);
  const socketPath = sup.serving(id)!.socketPath;
  const nginx = NGINX ? await startNginxProxy(join(home, `nginx-${kind}`), socketPath) : null;
  const pipe = await startBytePipe(socketPath);
  try {
    const direct = await throughput({ socketPath }, '/');
    const routed = await throughput({ url: devnet.computeUrl! }, `/vm/${id}/`);
    const out = {
      direct: [] as number[],
      compute: [] as number[],
      nginx: [] as number[],
      computeCpu: [] as number[],
      nginxCpu: [] as number[],
      pipe: [] as number[],
      pipeCpu: [] as number[],
    };
    for (let i = 0; i < ROUNDS; i++) {
      out.direct.push((await throughputOutside({ socketPath }, '/')).rps);
      const c = await throughputOutside({ url: devnet.computeUrl! }, `/vm/${id}/`, ownCpuMicros);
      out.compute.push(c.rps);
      out.computeCpu.push(c.cpuUsPerRequest!);
      if (nginx) {
        const n = await throughputOutside({ url: nginx.url }, '/', () => nginx.cpuMicros());
        out.nginx.push(n.rps);
        out.nginxCpu.push(n.cpuUsPerRequest!);
      }
      const p = await throughputOutside({ url: pipe.url }, '/', ownCpuMicros);
      out.pipe.push(p.rps);
      out.pipeCpu.push(p.cpuUsPerRequest!);
    }
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    return {
      concurrency: CONCURRENCY,
      seconds: THROUGHPUT_MS / 1000,
      // The load generator in this process, which also runs the core node and the compute node.
      same_process: { direct_rps: direct, through_compute_node_rps: routed, ratio: ratio(routed, direct) },
      // The load generator in its own process (bench/loadgen.mjs), every configuration through it, ROUNDS each.
      separate_process: {
        direct_rps: out.direct,
        through_compute_node_rps: out.compute,
        nginx_rps: nginx ? out.nginx : null,
        ratio: ratio(sum(out.compute), sum(out.direct)),
        nginx_ratio: nginx ? ratio(sum(out.nginx), sum(out.direct)) : null,
        compute_vs_nginx: nginx ? ratio(sum(out.compute), sum(out.nginx)) : null,
        // The floor of any proxy in Node (bench/bytePipe.ts: bytes copied, nothing parsed), in the same rounds.
        node_byte_pipe_rps: out.pipe,
        node_byte_pipe_ratio: ratio(sum(out.pipe), sum(out.direct)),
        byte_pipe_vs_nginx: nginx ? ratio(sum(out.pipe), sum(out.nginx)) : null,
        // The proxy's own cost, which load from others on the machine changes far less than it changes req/s.
        proxy_cpu_us_per_request: {
          compute_node: out.computeCpu,
          nginx: nginx ? out.nginxCpu : null,
          node_byte_pipe: out.pipeCpu,
        },
        ...(nginx
          ? { nginx: nginx.version }
          : { note: 'nginx row skipped: Debian package nginx not installed (apt-get install nginx)' }),
      },
    };
  } finally {
    await nginx?.stop();
    await pipe.stop();
  }
}

async function upgrades() {
  const v = (i: number) => ({ 'main.js': `exports.handler = (req, res) => res.end('v${i}');\n` });
  const { id } = await deployProgram(config, {
    code: prepareCode(codeDir(v(0))),
    entrypoint: APPS.node.entrypoint,
    runtime: APPS.node.runtime,
    timeoutSeconds: 60,
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  let failed = 0,
    ok = 0,
    stop = false;
  let seen = 'v0';
  let waiter: { want: string; resolve: () => void } | null = null;
  const load = async () => {
    while (!stop) {
      try {
        const r = await get(agent, { url: devnet.computeUrl! }, `/vm/${id}/`);
        if (r.status !== 200) failed++;
        else {
          ok++;
          seen = r.body;
          if (waiter && r.body === waiter.want) waiter.resolve();
        }
      } catch {
        failed++;
      }
    }
  };
  await get(agent, { url: devnet.computeUrl! }, `/vm/${id}/`);
  const loaders = Array.from({ length: 4 }, load);
  const ms: number[] = [];
  for (let i = 1; i <= UPGRADES; i++) {
    const code = prepareCode(codeDir(v(i)));
    const served = new Promise<void>((resolve) => (waiter = { want: `v${i}`, resolve }));
    await updateProgramCode(config, { hash: id, code });
    const t0 = performance.now(); // the node has processed the amend (uploadFile syncs)
    await served;
    ms.push(performance.now() - t0);
  }
  stop = true;
  await Promise.all(loaders);
  return {
    upgrades: UPGRADES,
    accepted_to_first_new_response_ms: stats(ms),
    requests_during: ok + failed,
    failed_requests: failed,
    last_seen: seen,
  };
}

/** PSS of every process below this one (the devnet runs here; sandboxes are its children), in bytes. */
const descendantsPss = () => pssOf(descendants(process.pid));
const memAvailable = () =>
  Number(/^MemAvailable:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]) * 1024;

/**
 * Issue 12's density rows: `n` trivial Node programs started and left idle — the memory each takes (PSS of its
 * sandbox's processes, and the host's MemAvailable drop), so how many fit per GiB — then warm requests spread over
 * all of them (16 in flight, round robin) beside the same load on one of them, p50/p99.
 */
async function density(n: number) {
  const app = APPS.node;
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const code = prepareCode(codeDir(app.files));
    const params = { code, entrypoint: app.entrypoint, runtime: app.runtime, timeoutSeconds: 300, memory: 64 };
    ids.push((await deployProgram(config, params)).id);
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  await get(agent, { url: devnet.computeUrl! }, `/vm/${ids[0]}/`);
  await sup.pool?.settled();
  const pssBefore = descendantsPss();
  const availBefore = memAvailable();
  for (const id of ids) {
    const r = await get(agent, { url: devnet.computeUrl! }, `/vm/${id}/`);
    if (r.status !== 200) throw new Error(`program ${id} answered ${r.status}: ${r.body}`);
  }
  await sup.pool?.settled();
  const perProgram = (descendantsPss() - pssBefore) / (n - 1);
  const hostPerProgram = (availBefore - memAvailable()) / (n - 1);
  const load = async (targets: string[]) => {
    const ms: number[] = [];
    let next = 0;
    const end = performance.now() + THROUGHPUT_MS;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < end) {
          const id = targets[next++ % targets.length]!;
          const t0 = performance.now();
          const r = await get(agent, { url: devnet.computeUrl! }, `/vm/${id}/`);
          if (r.status !== 200) throw new Error(`warm request answered ${r.status}`);
          ms.push(performance.now() - t0);
        }
      }),
    );
    return { requests: ms.length, rps: Math.round(ms.length / (THROUGHPUT_MS / 1000)), ms: stats(ms) };
  };
  const one = await load([ids[0]!]);
  const all = await load(ids);
  agent.destroy();
  for (const id of ids) await sup.stop(id);
  const MiBof = (b: number) => round(b / (1024 * 1024));
  return {
    programs: n,
    idle_program_pss_mib: MiBof(perProgram),
    idle_program_host_mib: MiBof(hostPerProgram),
    programs_per_gib: {
      by_pss: Math.floor(1024 / MiBof(perProgram)),
      by_host: Math.floor(1024 / MiBof(hostPerProgram)),
    },
    warm_one_program: one,
    warm_spread_over_all: all,
  };
}

// `npm run bench -- compute warm` runs the warm rows alone (while working on the proxy); results are then
// written to compute-warm.json so the full record is not overwritten by a partial one; `cold` and `density` alike.
try {
  if (only === 'cold') {
    writeResult('compute-cold', {
      load: loadavg().map(round),
      cold_start: { node: await coldStart('node'), python: await coldStart('python') },
    });
  } else if (only === 'density') {
    writeResult('compute-density', { load: loadavg().map(round), density: await density(DENSITY_PROGRAMS) });
  } else if (only === 'warm') {
    writeResult('compute-warm', {
      load: loadavg().map(round),
      warm_throughput: { node: await warm('node'), python: await warm('python') },
    });
  } else {
    const load = loadavg().map(round);
    const result = {
      load_before: load,
      cold_start: { node: await coldStart('node'), python: await coldStart('python') },
      warm_throughput: { node: await warm('node'), python: await warm('python') },
      upgrade: await upgrades(),
      load_after: loadavg().map(round),
    };
    writeResult('compute', result);
  }
} finally {
  await devnet.close();
  rmSync(home, { recursive: true, force: true });
}
