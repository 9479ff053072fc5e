// Ingest: signed messages over HTTP into a node in its own process, beside the raw signature-recovery
// rate of the library the node uses, measured in the same run (recovery is the physical limit of ingest).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recoverPersonalSigner, recoveryBackend, verificationBuffer } from '../src/protocol/index.js';
import { makeSignedPosts } from './signedPosts.js';
import { percentile, writeResult } from './writeResult.js';

const N = Number(process.env.BENCH_MESSAGES ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
/** 'raw': HTTP/1.1 on net sockets, wrk-like (default); 'http': node:http's client. */
const CLIENT = process.env.BENCH_CLIENT === 'http' ? 'http' : 'raw';
const makeMessages = (n: number) => makeSignedPosts(n).map((p) => p.body);

function rawRecoveryRate(bodies: string[]): number {
  const msgs = bodies.slice(0, 5000).map((b) => JSON.parse(b).message);
  const t = performance.now();
  for (const m of msgs) recoverPersonalSigner(verificationBuffer(m), m.signature);
  return msgs.length / ((performance.now() - t) / 1000);
}

async function startNode(home: string): Promise<{ url: string; kill(sig?: NodeJS.Signals): void }> {
  const script = fileURLToPath(new URL('../src/node/testing/nodeProcess.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []),
      '--import',
      'tsx',
      script,
      home,
      '0',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (c) => reject(new Error(`node exited ${c}`)));
  });
  return { url, kill: (sig: NodeJS.Signals = 'SIGKILL') => child.kill(sig) };
}

type LoadResult = {
  client: string;
  seconds: number;
  failed: number;
  latencies_ms: number[];
  cpu_seconds: number;
  sampled_bodies: number;
  sampled_not_processed: number;
};

/** bench/ingestLoadgen.mjs in its own process: warm-up, then each body POSTed once; latencies come back sorted. */
function runLoad(url: string, bodiesFile: string, warmFile: string): Promise<LoadResult> {
  const script = fileURLToPath(new URL('./ingestLoadgen.mjs', import.meta.url));
  const child = spawn(
    process.execPath,
    [script, JSON.stringify({ url, bodiesFile, warmFile, concurrency: CONCURRENCY, client: CLIENT })],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const out: Buffer[] = [];
  child.stdout!.on('data', (d: Buffer) => out.push(d));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited ${code}`));
      resolve(JSON.parse(Buffer.concat(out).toString()) as LoadResult);
    });
  });
}

const bodies = makeMessages(N);
const recoveryPerCore = rawRecoveryRate(bodies);
const home = mkdtempSync(join(tmpdir(), 'aleph-bench-'));
const bodiesFile = join(home, 'bodies.ndjson');
const warmFile = join(home, 'warm.ndjson');
writeFileSync(bodiesFile, bodies.join('\n') + '\n');
// Warm-up outside the measurement (JIT, SQLite pages).
writeFileSync(warmFile, makeMessages(500).join('\n') + '\n');
const node = await startNode(join(home, 'node'));
let load: LoadResult;
try {
  load = await runLoad(node.url, bodiesFile, warmFile);
} finally {
  node.kill(process.env.BENCH_PROF ? 'SIGINT' : 'SIGKILL');
}
rmSync(home, { recursive: true, force: true });
const { seconds, failed, latencies_ms: latencies } = load;
const rate = bodies.length / seconds;
writeResult('ingest', {
  messages: bodies.length,
  concurrency: CONCURRENCY,
  load_generator:
    load.client === 'raw'
      ? 'raw: HTTP/1.1 on net sockets, one request in flight per connection (BENCH_CLIENT=raw)'
      : 'node:http Agent (BENCH_CLIENT=http)',
  load_generator_client: load.client,
  failed,
  sampled_bodies_processed: `${load.sampled_bodies - load.sampled_not_processed}/${load.sampled_bodies}`,
  messages_per_second: Math.round(rate),
  accept_latency_ms: { p50: +percentile(latencies, 50).toFixed(2), p99: +percentile(latencies, 99).toFixed(2) },
  recovery_backend: recoveryBackend,
  raw_recovery_per_second_one_core: Math.round(recoveryPerCore),
  raw_recovery_per_second_all_cores_estimate: Math.round(recoveryPerCore * cpus().length),
  ingest_over_raw_recovery_one_core: +(rate / recoveryPerCore).toFixed(3),
  load_generator_cpu_share: +(load.cpu_seconds / seconds).toFixed(2),
  note: 'load generator (own process), node HTTP/SQLite thread and signature worker share the same cores',
});
