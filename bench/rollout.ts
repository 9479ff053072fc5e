// `npm run bench -- rollout` (issue 10, DESIGN §9): how fast an edition that starts failing is rolled back (time
// from the error onset to every request back on the previous edition; goal p99 < 1 s), and the proxy's warm
// throughput with a rollout active vs none (goal ≥ 0.9), both measured in the same run.
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
import { startDevnet } from '../src/devnet/startDevnet.js';
import { percentile, writeResult } from './writeResult.js';

const TRIALS = 10;
const THROUGHPUT_MS = 3000;
const CONCURRENCY = 16;
const ROUNDS = 3;
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

/** One trial: the candidate answers 200 until ONSET, then 500; how long until nothing reaches it any more. */
async function abortTrial(): Promise<{ back_ms: number; failed: number; candidate_requests: number }> {
  const id = await deploy(OK);
  const onset = Date.now() + 1500;
  await rollOut(
    id,
    `const ONSET = ${onset};\nexports.handler = (req, res) => { res.statusCode = Date.now() >= ONSET ? 500 : 200; res.end('v2'); };\n`,
    50,
    50,
  );
  let lastOnCandidate = 0;
  let failed = 0;
  let candidate = 0;
  const stopAt = onset + 4000;
  await Promise.all(
    Array.from({ length: LOAD_CONCURRENCY }, async () => {
      while (Date.now() < stopAt) {
        const sent = Date.now();
        const r = await get(`/vm/${id}/`);
        if (r.edition === '1') {
          candidate++;
          if (sent > lastOnCandidate) lastOnCandidate = sent;
        }
        if (r.status >= 500) failed++;
      }
    }),
  );
  return { back_ms: Math.max(0, lastOnCandidate - onset), failed, candidate_requests: candidate };
}

function loadgen(path: string): Promise<number> {
  const arg = JSON.stringify({ url: computeUrl, path, concurrency: CONCURRENCY, ms: THROUGHPUT_MS });
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [join(import.meta.dirname, 'loadgen.mjs'), arg], (err, stdout) =>
      err ? reject(err) : resolve((JSON.parse(stdout) as { rps: number }).rps),
    ),
  );
}

/** The same trivial handler without a rollout and with one active (50 %, both editions warm), interleaved. */
async function throughput() {
  const none = await deploy(OK);
  const rolling = await deploy(OK);
  await rollOut(rolling, 'exports.handler = (req, res) => res.end(\'{"ok":2}\');\n', 50, 1_000_000);
  const out = { none: [] as number[], rollout: [] as number[] };
  for (let i = 0; i < ROUNDS; i++) {
    out.none.push(await loadgen(`/vm/${none}/`));
    out.rollout.push(await loadgen(`/vm/${rolling}/`));
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    concurrency: CONCURRENCY,
    seconds: THROUGHPUT_MS / 1000,
    rounds: ROUNDS,
    none_rps: out.none,
    rollout_active_rps: out.rollout,
    ratio: ratio(sum(out.rollout), sum(out.none)),
    goal: '>= 0.9',
  };
}

try {
  const load_before = loadavg().map(round);
  const trials = [];
  for (let i = 0; i < TRIALS; i++) trials.push(await abortTrial());
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
