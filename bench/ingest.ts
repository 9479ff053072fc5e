// Ingest: signed messages over HTTP into a node in its own process, beside the raw signature-recovery
// rate of the library the node uses, measured in the same run (recovery is the physical limit of ingest).
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { itemHashOf, personalMessageHash, recoverPersonalSigner, recoveryBackend, toChecksumAddress, verificationBuffer } from '../src/protocol/index.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { percentile, writeResult } from './writeResult.js';

const N = Number(process.env.BENCH_MESSAGES ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const secp = createRequire(import.meta.url)('secp256k1') as {
  ecdsaSign(msg: Uint8Array, key: Uint8Array): { signature: Uint8Array; recid: number };
  publicKeyCreate(key: Uint8Array, compressed: boolean): Uint8Array;
};

function makeMessages(n: number): string[] {
  const key = randomBytes(32);
  const pub = secp.publicKeyCreate(key, false);
  const sender = toChecksumAddress('0x' + Buffer.from(keccak_256(pub.subarray(1)).subarray(12)).toString('hex'));
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const time = 1_700_000_000 + i / 1000;
    const itemContent = JSON.stringify({ type: 'bench', address: sender, content: { i }, time });
    const m = { chain: 'ETH', sender, type: 'POST' as const, channel: 'BENCH', time, item_type: 'inline', item_content: itemContent, item_hash: itemHashOf(itemContent), signature: '' };
    const { signature, recid } = secp.ecdsaSign(personalMessageHash(verificationBuffer(m)), key);
    m.signature = '0x' + Buffer.from(signature).toString('hex') + (27 + recid).toString(16);
    out.push(JSON.stringify({ message: m, sync: true }));
  }
  return out;
}

function rawRecoveryRate(bodies: string[]): number {
  const msgs = bodies.slice(0, 5000).map((b) => JSON.parse(b).message);
  const t = performance.now();
  for (const m of msgs) recoverPersonalSigner(verificationBuffer(m), m.signature);
  return msgs.length / ((performance.now() - t) / 1000);
}

async function startNode(home: string): Promise<{ url: string; kill(sig?: NodeJS.Signals): void }> {
  const script = fileURLToPath(new URL('../src/node/testing/nodeProcess.ts', import.meta.url));
  const child = spawn(process.execPath, [...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), '--import', 'tsx', script, home, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (c) => reject(new Error(`node exited ${c}`)));
  });
  return { url, kill: (sig: NodeJS.Signals = 'SIGKILL') => child.kill(sig) };
}

function post(agent: Agent, url: URL, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: url.hostname, port: url.port, path: '/api/v0/messages', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const bodies = makeMessages(N);
const recoveryPerCore = rawRecoveryRate(bodies);
const home = mkdtempSync(join(tmpdir(), 'aleph-bench-'));
const node = await startNode(home);
const url = new URL(node.url);
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
// Warm-up outside the measurement (JIT, SQLite pages).
const warm = makeMessages(500);
await Promise.all(warm.map((b) => post(agent, url, b)));

const latencies: number[] = [];
let next = 0;
let failed = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
  while (next < bodies.length) {
    const body = bodies[next++];
    const s = performance.now();
    const status = await post(agent, url, body);
    latencies.push(performance.now() - s);
    if (status !== 200) failed++;
  }
}));
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
node.kill(process.env.BENCH_PROF ? 'SIGINT' : 'SIGKILL');
agent.destroy();
rmSync(home, { recursive: true, force: true });
latencies.sort((a, b) => a - b);
const rate = bodies.length / seconds;
writeResult('ingest', {
  messages: bodies.length,
  concurrency: CONCURRENCY,
  failed,
  messages_per_second: Math.round(rate),
  accept_latency_ms: { p50: +percentile(latencies, 50).toFixed(2), p99: +percentile(latencies, 99).toFixed(2) },
  recovery_backend: recoveryBackend,
  raw_recovery_per_second_one_core: Math.round(recoveryPerCore),
  raw_recovery_per_second_all_cores_estimate: Math.round(recoveryPerCore * cpus().length),
  ingest_over_raw_recovery_one_core: +(rate / recoveryPerCore).toFixed(3),
  load_generator_cpu_share: +((cpu.user + cpu.system) / 1e6 / seconds).toFixed(2),
  note: 'load generator, node HTTP/SQLite thread and signature worker share the same cores',
});
