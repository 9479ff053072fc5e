// Core nodes past one machine (issue 9): ingest on PostgreSQL vs SQLite in the same run, the delay from a commit
// on one core node to a websocket client of another, and core failover (kill -9 -> the survivor's first 200).
// A private PostgreSQL cluster is started for the run (scripts/postgres.sh); every node is its own process.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import WebSocket from 'ws';
import { allProcStats, procStat } from './procStat.js';
import { makeSignedPosts } from './signedPosts.js';
import { percentile, writeResult } from './writeResult.js';
import { freePort } from '../src/node/testing/freePort.js';

const N = Number(process.env.BENCH_MESSAGES ?? 10_000);
// Client connections, each one message in flight: 64 (the ingest bench's), and 256, where PostgreSQL's batches get
// big enough to reach its ceiling on 2 cores (at 64 it is bound by the writer's round trips, not by CPU).
const CONCURRENCIES = (process.env.BENCH_CONCURRENCY ?? '64,256').split(',').map(Number);
const makeMessages = (n: number, tag: string) => makeSignedPosts(n, { tag });
// This machine's speed drifts by up to 2x over minutes (a shared host): SQLite and PostgreSQL alternate, ROUNDS
// times each, and every ratio is of one round's pair, run back to back.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const SCRIPT = fileURLToPath(new URL('../src/node/testing/nodeProcess.ts', import.meta.url));
function startNode(home: string, store?: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, home, '0'], {
    env: { ...process.env, ...(store ? { ALEPH_STORE_URL: store } : {}) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve({ url: d.toString().trim(), child }));
    child.once('exit', (c) => reject(new Error(`node exited ${c}`)));
  });
}

type LoadResult = { seconds: number; failed: number; latencies_ms: number[]; cpu_seconds: number };

/** User + system CPU seconds of a process, all its threads (0 once it is gone). */
const cpuOf = (pid: number) => (procStat(pid)?.cpuMicros ?? 0) / 1e6;

/** Until the process has settled (its signature worker loads after the node listens): < 20 ms of CPU in 200 ms. */
async function quiet(pid: number): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const before = cpuOf(pid);
    await new Promise((r) => setTimeout(r, 200));
    if (cpuOf(pid) - before < 0.02) return;
  }
}

/** CPU seconds of every PostgreSQL process of the run's private cluster (backends, writer, WAL writer). */
function postgresCpu(): number {
  let total = 0;
  for (const s of allProcStats().values()) if (s.name === 'postgres') total += s.cpuMicros / 1e6;
  return total;
}
function runLoad(url: string, bodiesFile: string, warmFile: string, concurrency: number): Promise<LoadResult> {
  const script = fileURLToPath(new URL('./ingestLoadgen.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, JSON.stringify({ url, bodiesFile, warmFile, concurrency })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const out: Buffer[] = [];
  child.stdout!.on('data', (d: Buffer) => out.push(d));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(Buffer.concat(out).toString()) as LoadResult)
        : reject(new Error(`loadgen ${code}`)),
    ),
  );
}

const root = mkdtempSync(join(tmpdir(), 'aleph-bench-cluster-'));
chmodSync(root, 0o755);
const pgDir = join(root, 'pg');
const started = spawnSync('bash', ['scripts/postgres.sh', 'start', pgDir, String(await freePort())], {
  encoding: 'utf8',
});
if (started.status !== 0) throw new Error(`postgres: ${started.stderr}`);
const server = started.stdout.trim();
let dbs = 0;
async function freshDb(): Promise<string> {
  const name = `aleph_bench_${dbs++}`;
  const c = new pg.Client({ connectionString: server });
  await c.connect();
  await c.query(`create database ${name}`);
  await c.end();
  const u = new URL(server);
  u.pathname = `/${name}`;
  return u.toString();
}

async function ingest(store: string | undefined, label: string, concurrency: number) {
  const bodies = makeMessages(N, label);
  const bodiesFile = join(root, `${label}.ndjson`);
  const warmFile = join(root, `${label}-warm.ndjson`);
  writeFileSync(bodiesFile, bodies.map((b) => b.body).join('\n') + '\n');
  writeFileSync(
    warmFile,
    makeMessages(500, `${label}-warm`)
      .map((b) => b.body)
      .join('\n') + '\n',
  );
  const node = await startNode(join(root, label), store);
  try {
    await quiet(node.child.pid!);
    const [node0, pg0] = [cpuOf(node.child.pid!), store ? postgresCpu() : 0];
    const r = await runLoad(node.url, bodiesFile, warmFile, concurrency);
    const [node1, pg1] = [cpuOf(node.child.pid!), store ? postgresCpu() : 0];
    // Per message, warm-up included (the CPU counters cover it too).
    const perMessage = (seconds: number) => +((seconds * 1000) / (N + 500)).toFixed(3);
    const cpu = {
      node: perMessage(node1 - node0),
      postgres: perMessage(pg1 - pg0),
      load_generator: perMessage(r.cpu_seconds),
    };
    return {
      messages_per_second: Math.round(N / r.seconds),
      failed: r.failed,
      accept_latency_ms: {
        p50: +percentile(r.latencies_ms, 50).toFixed(2),
        p99: +percentile(r.latencies_ms, 99).toFixed(2),
      },
      cpu_ms_per_message: cpu,
      // What the cores could do if the processes' CPU were the only bound: how far the bench is from it.
      cpu_bound_messages_per_second: Math.round(
        (cpus().length * 1000) / (cpu.node + cpu.postgres + cpu.load_generator),
      ),
    };
  } finally {
    node.child.kill('SIGKILL');
  }
}

type Ingested = Awaited<ReturnType<typeof ingest>>;

async function post(url: string, body: string): Promise<number> {
  try {
    const r = await fetch(`${url}/api/v0/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    await r.arrayBuffer();
    return r.status;
  } catch {
    return 0;
  }
}

/** Messages posted one at a time to A; each one's arrival on a websocket of B, from A's 200 (commit precedes it). */
async function streamDelay(store: string) {
  const a = await startNode(join(root, 'sa'), store);
  const b = await startNode(join(root, 'sb'), store);
  try {
    const ws = new WebSocket(`${b.url.replace('http', 'ws')}/api/ws0/messages`);
    await new Promise((r) => ws.once('open', r));
    const arrived = new Map<string, number>();
    ws.on('message', (d) =>
      arrived.set((JSON.parse(d.toString()) as { item_hash: string }).item_hash, performance.now()),
    );
    const msgs = makeMessages(400, 'stream');
    // The first ones warm up (and make sure the subscription is live).
    const answered = new Map<string, number>();
    for (const m of msgs) {
      if ((await post(a.url, m.body)) === 200) answered.set(m.hash, performance.now());
    }
    const deadline = Date.now() + 10_000;
    while ([...answered.keys()].some((h) => !arrived.has(h)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    ws.close();
    const delays = [...answered.entries()]
      .slice(50)
      .filter(([h]) => arrived.has(h))
      .map(([h, t]) => arrived.get(h)! - t)
      .sort((x, y) => x - y);
    return {
      messages: delays.length,
      missing: [...answered.keys()].filter((h) => !arrived.has(h)).length,
      // Negative: the other node streamed it before this client had read A's answer.
      delay_after_200_ms: { p50: +percentile(delays, 50).toFixed(2), p99: +percentile(delays, 99).toFixed(2) },
    };
  } finally {
    a.child.kill('SIGKILL');
    b.child.kill('SIGKILL');
  }
}

/** Both nodes under load; A is killed; the time until B's next 200 (B's clients keep posting throughout). */
async function failover(store: string) {
  const a = await startNode(join(root, 'fa'), store);
  const b = await startNode(join(root, 'fb'), store);
  const msgs = makeMessages(20_000, 'failover');
  let next = 0;
  let killedAt = 0;
  let firstAfter = 0;
  let stop = false;
  const statuses: Record<string, number> = {};
  const client = async (url: string, survivor: boolean) => {
    while (!stop && next < msgs.length) {
      const s = await post(url, msgs[next++]!.body);
      if (!survivor && s === 0) return;
      if (survivor && killedAt) {
        statuses[s] = (statuses[s] ?? 0) + 1;
        if (s === 200 && !firstAfter) firstAfter = performance.now();
      }
    }
  };
  const clients = [...Array(8)].map((_, i) => client(i % 2 ? a.url : b.url, i % 2 === 0));
  await new Promise((r) => setTimeout(r, 1500));
  a.child.kill('SIGKILL');
  killedAt = performance.now();
  const deadline = Date.now() + 30_000;
  while (!firstAfter && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 500));
  stop = true;
  await Promise.all(clients);
  b.child.kill('SIGKILL');
  return {
    kill_to_first_200_ms: firstAfter ? +(firstAfter - killedAt).toFixed(1) : null,
    survivor_statuses_after_kill: statuses,
  };
}

try {
  const ingestRows = [];
  for (const concurrency of CONCURRENCIES) {
    const rounds: Array<{ sqlite: Ingested; postgres: Ingested; postgres_over_sqlite: number }> = [];
    for (let i = 0; i < ROUNDS; i++) {
      const sqlite = await ingest(undefined, `sqlite-${concurrency}-${i}`, concurrency);
      const postgres = await ingest(await freshDb(), `postgres-${concurrency}-${i}`, concurrency);
      rounds.push({
        sqlite,
        postgres,
        postgres_over_sqlite: +(postgres.messages_per_second / sqlite.messages_per_second).toFixed(3),
      });
    }
    const median = (xs: number[]) =>
      percentile(
        [...xs].sort((a, b) => a - b),
        50,
      );
    const best = (k: 'sqlite' | 'postgres') => Math.max(...rounds.map((r) => r[k].messages_per_second));
    ingestRows.push({
      concurrency,
      median_messages_per_second: {
        sqlite: median(rounds.map((r) => r.sqlite.messages_per_second)),
        postgres: median(rounds.map((r) => r.postgres.messages_per_second)),
      },
      best_messages_per_second: { sqlite: best('sqlite'), postgres: best('postgres') },
      median_postgres_over_sqlite: median(rounds.map((r) => r.postgres_over_sqlite)),
      rounds,
    });
  }
  const stream = await streamDelay(await freshDb());
  const fail = await failover(await freshDb());
  writeResult('cluster', {
    messages: N,
    goal: 'PostgreSQL >= 5,000 msg/s and >= 0.5 of SQLite',
    ingest: ingestRows,
    stream_commit_to_other_node_ws: stream,
    core_failover: fail,
    note:
      'each node its own process (1 signature worker); load generator, nodes and PostgreSQL share the same cores. ' +
      'cpu_ms_per_message: user+system CPU of each process per message; cpu_bound_messages_per_second: the cores ' +
      'divided by their sum, the rate no tuning of waits can pass without cutting CPU',
  });
} finally {
  spawnSync('bash', ['scripts/postgres.sh', 'stop', pgDir], { stdio: 'inherit' });
  rmSync(root, { recursive: true, force: true });
}
