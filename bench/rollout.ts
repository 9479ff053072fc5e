// `npm run bench -- rollout` (issue 10, DESIGN §9): how fast an edition that starts failing is rolled back (time
// from the error onset to every request back on the previous edition; goal p99 < 1 s), and the proxy's warm
// throughput with a rollout active vs none (goal ≥ 0.9), both measured in the same run. A 50 % rollout serves from
// two program processes; the side without a rollout that it is held to serves two programs (the same processes),
// and the run also shows the rollout pinned to one edition, one program alone, and the routing's own CPU cost.
import { execFile } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePrivateKey } from 'viem/accounts';
import { accountFromPrivateKey } from '../src/client/accounts/account.js';
import { deployProgram } from '../src/client/actions/deployProgram.js';
import { dryRunProgram } from '../src/client/actions/dryRunProgram.js';
import { planRollout } from '../src/client/actions/rollout.js';
import { updateProgramCode } from '../src/client/actions/updateProgramCode.js';
import { uploadFile } from '../src/client/actions/uploadFile.js';
import { prepareCode } from '../src/client/code/prepareCode.js';
import { RolloutRouting } from '../src/compute/rollout/rolloutRouting.js';
import { startDevnet } from '../src/devnet/startDevnet.js';
import { allProcStats } from './procStat.js';
import { percentile, writeResult } from './writeResult.js';

const TRIALS = 10;
// Many short interleaved rounds rather than a few long ones: on 2 shared cores a side's rate swings 3x from one
// round to the next, and ten rounds per side give medians and sums that hold still between runs.
const THROUGHPUT_MS = Number(process.env.ROLLOUT_BENCH_MS ?? 1500);
const CONCURRENCY = 16;
const ROUNDS = Number(process.env.ROLLOUT_BENCH_ROUNDS ?? 10);
/** Requests in flight while an edition fails: a steady trickle of clients, not a flood. */
const LOAD_CONCURRENCY = 4;

const home = mkdtempSync(join(tmpdir(), 'aleph-bench-rollout-'));
const devnet = await startDevnet({ home, apiPort: 0, computePort: 0 });
const config = { apiUrl: devnet.apiUrl, account: accountFromPrivateKey(generatePrivateKey()), channel: 'BENCH' };
const computeUrl = devnet.computeUrl!;
let dirs = 0;
function codeDir(files: Record<string, string>): string {
  const d = join(home, `code-${dirs++}`);
  mkdirSync(d);
  for (const [k, v] of Object.entries(files)) writeFileSync(join(d, k), v);
  return d;
}
const round = (x: number) => Math.round(x * 10) / 10;
const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function get(path: string): Promise<{ status: number; edition: string | null }> {
  const u = new URL(computeUrl);
  return new Promise((resolve, reject) => {
    http
      .get({ host: u.hostname, port: u.port, path, agent }, (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, edition: (res.headers['x-aleph-edition'] as string) ?? null }),
        );
      })
      .on('error', reject);
  });
}

async function deploy(main: string): Promise<string> {
  const { id } = await deployProgram(config, {
    code: prepareCode(codeDir({ 'main.js': main })),
    entrypoint: 'main.js:handler',
    runtime: devnet.runtimes.node,
    updatable: true,
    timeoutSeconds: 60,
  });
  await get(`/vm/${id}/`);
  return id;
}

/** Plan, upgrade, and wait until the compute node serves the candidate its share. */
async function rollOut(id: string, main: string, canary: number, minRequests: number): Promise<void> {
  const code = prepareCode(codeDir({ 'main.js': main }));
  const { hash } = await uploadFile(config, { file: code.bytes, store: false });
  const dry = await dryRunProgram(config, { id, candidate: { code_hash: hash } });
  await planRollout(config, { id, checksum: dry.checksum!, canary, stepSeconds: 86400, minRequests });
  await updateProgramCode(config, { hash: id, code });
  for (let i = 0; i < 10_000; i++) if ((await get(`/vm/${id}/`)).edition === '1') return;
  throw new Error('the candidate never served');
}

const OK = 'exports.handler = (req, res) => res.end(\'{"ok":true}\');\n';

/**
 * One trial: the candidate answers 200 for its first second, then 500; how long from the first failed request until
 * nothing reaches it any more. The onset is the candidate's own (a second after it started), and the clock starts at
 * the first failure the load saw: on a busy machine the upgrade itself may take longer than any fixed onset.
 */
async function abortTrial(): Promise<{ back_ms: number; failed: number; candidate_requests: number }> {
  const id = await deploy(OK);
  await rollOut(
    id,
    `const ONSET = Date.now() + 1000;\nexports.handler = (req, res) => { res.statusCode = Date.now() >= ONSET ? 500 : 200; res.end('v2'); };\n`,
    50,
    50,
  );
  let lastOnCandidate = 0;
  let firstFailed = Number.POSITIVE_INFINITY;
  let failed = 0;
  let candidate = 0;
  const stopAt = Date.now() + 5000;
  await Promise.all(
    Array.from({ length: LOAD_CONCURRENCY }, async () => {
      while (Date.now() < stopAt) {
        const sent = Date.now();
        const r = await get(`/vm/${id}/`);
        if (r.edition === '1') {
          candidate++;
          if (sent > lastOnCandidate) lastOnCandidate = sent;
        }
        if (r.status >= 500) {
          failed++;
          if (sent < firstFailed) firstFailed = sent;
        }
      }
    }),
  );
  if (!Number.isFinite(firstFailed)) throw new Error('the candidate never failed during the trial');
  return { back_ms: Math.max(0, lastOnCandidate - firstFailed), failed, candidate_requests: candidate };
}

interface LoadResult {
  rps: number;
  ok: number;
}

let loadgenPids: number[] = [];
function loadgen(path: string, concurrency = CONCURRENCY, headers: Record<string, string> = {}): Promise<LoadResult> {
  const arg = JSON.stringify({ url: computeUrl, path, concurrency, ms: THROUGHPUT_MS, headers });
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [join(import.meta.dirname, 'loadgen.mjs'), arg], (err, stdout) =>
      err ? reject(err) : resolve(JSON.parse(stdout) as LoadResult),
    );
    if (child.pid) loadgenPids.push(child.pid);
  });
}

/** Two load generators at once, half the concurrency each: both programs' processes serve, as in a 50 % rollout. */
async function loadgenPair(a: string, b: string): Promise<LoadResult> {
  const [x, y] = await Promise.all([loadgen(a, CONCURRENCY / 2), loadgen(b, CONCURRENCY / 2)]);
  return { rps: x.rps + y.rps, ok: x.ok + y.ok };
}

/**
 * CPU (µs) used so far by each of this process's descendants but the load generators: the program sandboxes. Read from
 * /proc, so that a busy machine (other engineers' work on the same 2 cores) changes the time a side takes, not the
 * CPU each request costs.
 */
function sandboxCpu(): Map<number, number> {
  const stats = allProcStats();
  const skip = new Set(loadgenPids);
  const out = new Map<number, number>();
  for (const [pid, s] of stats) {
    let p: number | undefined = pid;
    while (p !== undefined && p > 1 && !skip.has(p)) {
      p = stats.get(p)?.ppid;
      if (p === process.pid) {
        out.set(pid, s.cpuMicros);
        break;
      }
    }
  }
  return out;
}

/** CPU (µs) the sandboxes alive at `after` used since `before` (one that exited meanwhile, idle, is not counted). */
function cpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let us = 0;
  for (const [pid, t] of after) us += t - (before.get(pid) ?? 0);
  return us;
}

const ownCpuMicros = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

interface Side {
  rps: number[];
  /** CPU per answered request: the core and compute nodes (this process), and the program sandboxes. */
  proxy_cpu_us: number[];
  program_cpu_us: number[];
}

async function measure(side: Side, run: () => Promise<LoadResult>): Promise<void> {
  loadgenPids = [];
  const own0 = ownCpuMicros();
  const box0 = sandboxCpu();
  const r = await run();
  side.proxy_cpu_us.push(Math.round((ownCpuMicros() - own0) / Math.max(1, r.ok)));
  side.program_cpu_us.push(Math.round(cpuSince(box0, sandboxCpu()) / Math.max(1, r.ok)));
  side.rps.push(r.rps);
}

/**
 * The same trivial handler without a rollout and with one active (50 %, both editions warm), interleaved, each side
 * ROUNDS times. Two more sides say where a gap comes from: the rollout with every request pinned to edition 0 (the
 * routing runs, one process serves), and no rollout on two programs at once (two processes serve, no routing).
 */
async function throughput() {
  const none = await deploy(OK);
  const second = await deploy(OK);
  const rolling = await deploy(OK);
  await rollOut(rolling, 'exports.handler = (req, res) => res.end(\'{"ok":2}\');\n', 50, 1_000_000);
  const sides = {
    none: () => loadgen(`/vm/${none}/`),
    rollout: () => loadgen(`/vm/${rolling}/`),
    rollout_pinned: () => loadgen(`/vm/${rolling}/`, CONCURRENCY, { 'x-aleph-edition': '0' }),
    none_two_programs: () => loadgenPair(`/vm/${none}/`, `/vm/${second}/`),
  };
  const out = Object.fromEntries(
    Object.keys(sides).map((k) => [k, { rps: [], proxy_cpu_us: [], program_cpu_us: [] } as Side]),
  ) as Record<keyof typeof sides, Side>;
  // Each round starts one side later, so that no side always runs first (or after the same neighbour).
  const keys = Object.keys(sides) as Array<keyof typeof sides>;
  for (let i = 0; i < ROUNDS; i++)
    for (let j = 0; j < keys.length; j++) {
      const k = keys[(i + j) % keys.length]!;
      await measure(out[k], sides[k]);
    }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const r = (a: keyof typeof sides, b: keyof typeof sides) => ratio(sum(out[a].rps), sum(out[b].rps));
  // Each round's two sides ran seconds apart: the median of those ratios is what a busy machine disturbs least.
  const paired = (a: keyof typeof sides, b: keyof typeof sides) =>
    median(out[a].rps.map((x, i) => ratio(x, out[b].rps[i] ?? x)));
  // The routing itself, alone: what the proxy adds per request while a rollout is active (choose, then count).
  const view = devnet.compute!.supervisor.cachedView(rolling)!;
  const routing = new RolloutRouting(view.rollout!, 1, 0);
  const n = 1_000_000;
  const headers = {};
  // CPU time, not wall time: on a busy machine the wall clock counts the time this process waited for a core.
  const t0 = ownCpuMicros();
  for (let i = 0; i < n; i++) routing.record(routing.choose(headers) === 'candidate' ? 1 : 0, false);
  const routingNs = ((ownCpuMicros() - t0) * 1000) / n;
  const cpu = (k: keyof typeof sides) => median(out[k].proxy_cpu_us) + median(out[k].program_cpu_us);
  return {
    concurrency: CONCURRENCY,
    seconds: THROUGHPUT_MS / 1000,
    rounds: ROUNDS,
    sides: out,
    routing_ns_per_request: Math.round(routingNs),
    // The goal's comparison: a 50 % rollout runs two program processes, so the side without one does too (two
    // programs, half the load each). Against one program the gap is the second process, not the proxy (see below).
    ratio: r('rollout', 'none_two_programs'),
    ratio_paired_median: paired('rollout', 'none_two_programs'),
    rollout_vs_one_program: r('rollout', 'none'),
    rollout_vs_one_program_paired_median: paired('rollout', 'none'),
    pinned_vs_none: r('rollout_pinned', 'none'),
    // CPU per request (median µs, proxy + programs): what throughput follows on a saturated machine, and what a busy
    // machine disturbs least. The inverse ratios read like the throughput ratios above.
    cpu_us_per_request: {
      none: cpu('none'),
      none_two_programs: cpu('none_two_programs'),
      rollout: cpu('rollout'),
      rollout_pinned: cpu('rollout_pinned'),
    },
    cpu_ratio: ratio(cpu('none_two_programs'), cpu('rollout')),
    cpu_ratio_vs_one_program: ratio(cpu('none'), cpu('rollout')),
    goal: '>= 0.9',
  };
}

try {
  const load_before = loadavg().map(round);
  const trials = [];
  // ROLLOUT_BENCH=throughput skips the abort trials (to look at the throughput alone).
  const trialCount = process.env.ROLLOUT_BENCH === 'throughput' ? 0 : TRIALS;
  for (let i = 0; i < trialCount; i++) trials.push(await abortTrial());
  const back = trials.map((t) => t.back_ms).sort((a, b) => a - b);
  writeResult('rollout', {
    load_before,
    abort: {
      trials: TRIALS,
      load_concurrency: LOAD_CONCURRENCY,
      plan: { canary: 50, min_requests: 50, max_error_rate: 0.02 },
      onset_to_all_back_ms: { p50: percentile(back, 50), p99: percentile(back, 99), max: back.at(-1) },
      failed_requests_per_trial: trials.map((t) => t.failed),
      goal: 'p99 < 1000 ms',
    },
    warm_throughput: await throughput(),
    load_after: loadavg().map(round),
  });
} finally {
  agent.destroy();
  await devnet.close();
  rmSync(home, { recursive: true, force: true });
}
