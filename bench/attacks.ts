// Resource attacks on a node in its own process, each with the p99 of ordinary reads (a probe from another client
// address) while it runs: websocket flood and history, slowloris, pagination and filter abuse, dry-run bombs.
// `npm run bench -- attacks` writes bench/results/attacks.json.
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { fuzzKeys } from '../src/node/fuzz/generators.js';
import { startProbeProcess, type ProbeStats } from '../src/node/fuzz/probe.js';
import { signRaw } from '../src/node/fuzz/rawSigner.js';
import { spawnNode, type NodeProcess } from '../src/node/fuzz/spawnNode.js';
import { deployCode, governedFiles } from '../src/node/testing/governanceHarness.js';
import { newAccount, uploadWithStore } from '../src/node/testing/nodeHarness.js';
import { getLoop, idleSubscriber, readingSubscriber, slowConnection } from './attackClients.js';
import { writeResult } from './writeResult.js';

const SECONDS = Number(process.env.ATTACK_SECONDS ?? 8);
const SEED_MESSAGES = Number(process.env.ATTACK_SEED_MESSAGES ?? 5000);
const BOMB_MIB = Number(process.env.ATTACK_BOMB_MIB ?? 256);
const PROBE_ADDRESS = '127.0.0.2';

async function post(agent: http.Agent, url: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      `${url}/api/v0/messages`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

async function seed(url: string, n: number): Promise<string[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const hashes: string[] = [];
  const now = Date.now() / 1000 - n / 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < n) {
        const i = next++;
        const k = fuzzKeys[i % 3];
        const time = now + i / 1000;
        const m = signRaw(k, {
          type: 'POST',
          channel: 'BENCH',
          time,
          item_content: JSON.stringify({
            type: 'bench',
            address: k.address,
            content: { i, text: 'x'.repeat(2000) },
            time,
          }),
        });
        if ((await post(agent, url, JSON.stringify({ message: m, sync: true }))) === 200) hashes.push(m.item_hash);
      }
    }),
  );
  agent.destroy();
  return hashes;
}

/**
 * How busy the machine was (2 cores shared with other work): 1-minute load and the share of time some task waited
 * for a CPU (Linux PSI, last 10 s). A probe p99 measured while this is high includes time the node was not running.
 */
function machineLoad(): { load_1m: number; cpu_waiting_pct: number | null } {
  const load = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  let waiting: number | null = null;
  try {
    waiting = Number(/some avg10=([\d.]+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'))?.[1] ?? NaN);
  } catch {
    // No PSI on this kernel.
  }
  return { load_1m: load, cpu_waiting_pct: waiting };
}

interface Measured {
  machine: { before: ReturnType<typeof machineLoad>; after: ReturnType<typeof machineLoad> };
  probe: ProbeStats;
  node_rss_mib: { before: number; peak: number; after: number };
  node_alive_after: boolean;
  seconds: number;
}

/** Runs `attack` while the probe reads the node and its RSS is sampled. */
async function during<T>(node: NodeProcess, paths: string[], attack: () => Promise<T>): Promise<T & Measured> {
  const machineBefore = machineLoad();
  const before = node.rssMiB();
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, node.rssMiB() || 0);
  }, 200);
  const probe = startProbeProcess(node.url, paths, PROBE_ADDRESS);
  await probe.started;
  const t = performance.now();
  const result = await attack();
  const seconds = Number(((performance.now() - t) / 1000).toFixed(1));
  const stats = await probe.stop();
  clearInterval(sampler);
  return {
    ...result,
    machine: { before: machineBefore, after: machineLoad() },
    probe: stats,
    node_rss_mib: { before, peak, after: node.rssMiB() },
    node_alive_after: node.alive(),
    seconds,
  };
}

const addressOf = (i: number) => `127.0.${10 + Math.floor(i / 250)}.${1 + (i % 250)}`;
const countBy = <T>(xs: T[], key: (x: T) => string) =>
  xs.reduce<Record<string, number>>((acc, x) => {
    const k = key(x);
    acc[k] = (acc[k] ?? 0) + 1;
    return acc;
  }, {});

/** 1,200 subscribers (12 client addresses × 100) that never read, while 60 messages of 100 KB are published. */
async function websocketFlood(node: NodeProcess) {
  const url = `${node.url.replace('http', 'ws')}/api/ws0/messages`;
  const subs = Array.from({ length: 1200 }, (_, i) => idleSubscriber(url, `127.0.1.${1 + Math.floor(i / 100)}`));
  const opened = await Promise.all(subs.map((s) => s.opened));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const k = fuzzKeys[0];
  const end = Date.now() + SECONDS * 1000;
  const statuses: number[] = [];
  for (let i = 0; i < 60 && Date.now() < end; i++) {
    const time = Date.now() / 1000;
    const m = signRaw(k, {
      type: 'POST',
      channel: 'FLOOD',
      time,
      item_content: JSON.stringify({ type: 'flood', address: k.address, content: { i, y: 'y'.repeat(100_000) }, time }),
    });
    statuses.push(await post(agent, node.url, JSON.stringify({ message: m, sync: true })));
  }
  agent.destroy();
  for (const s of subs) s.ws.resume();
  const closes = await Promise.all(
    subs.map((s) =>
      Promise.race([
        s.closed,
        new Promise<{ code: number; reason: string }>((r) =>
          setTimeout(() => r({ code: -1, reason: 'still open' }), 15_000),
        ),
      ]),
    ),
  );
  for (const s of subs) s.ws.terminate();
  return {
    subscribers_tried: subs.length,
    subscribers_accepted: opened.filter(Boolean).length,
    published: countBy(statuses, String),
    closes: countBy(closes, (c) => `${c.code} ${c.reason.split(':')[0]}`),
  };
}

/** 200 connections asking history=1000 (pyaleph refuses ≥ 200), then 200 asking history=199 that read it. */
async function websocketHistory(node: NodeProcess) {
  const url = `${node.url.replace('http', 'ws')}/api/ws0/messages`;
  const big = await Promise.all(
    Array.from({ length: 200 }, (_, i) => readingSubscriber(`${url}?history=1000`, addressOf(i), () => false)),
  );
  const t = performance.now();
  const ok = await Promise.all(
    Array.from({ length: 200 }, (_, i) => readingSubscriber(`${url}?history=199`, addressOf(i), (n) => n >= 199)),
  );
  return {
    history_1000: countBy(big, (c) => `${c.code} ${c.reason.split(':')[0]} (${c.frames} frames)`),
    history_199: {
      served_all: ok.filter((c) => c.frames >= 199).length,
      of: ok.length,
      seconds: Number(((performance.now() - t) / 1000).toFixed(1)),
    },
  };
}

/** 2,000 slowloris connections from one client address and 4,000 from 16 others; held until the node closes them. */
async function slowloris(node: NodeProcess) {
  const conns = [
    ...Array.from({ length: 2000 }, () => slowConnection(node.url, '127.0.0.1')),
    ...Array.from({ length: 4000 }, (_, i) => slowConnection(node.url, `127.0.2.${1 + (i % 16)}`)),
  ];
  const ends = await Promise.all(
    conns.map((c) =>
      Promise.race([
        c.ended,
        new Promise<{ answer: string; ms: number; connected: boolean }>((r) =>
          setTimeout(() => r({ answer: 'still open', ms: NaN, connected: true }), 30_000),
        ),
      ]),
    ),
  );
  for (const c of conns) c.socket.destroy();
  const by = countBy(ends, (e) =>
    e.answer === 'still open'
      ? 'still open after 30 s'
      : !e.connected
        ? 'could not connect'
        : e.answer.split('\r\n')[0] || 'closed without an answer',
  );
  const held = ends
    .filter((e) => e.connected && e.answer !== 'still open' && !/^HTTP\/1.1 (429|503)/.test(e.answer))
    .map((e) => e.ms)
    .sort((a, b) => a - b);
  return {
    connections: conns.length,
    outcomes: by,
    timed_out_after_ms: held.length ? { min: Math.round(held[0]), max: Math.round(held[held.length - 1]) } : null,
  };
}

async function dryRunBombs(node: NodeProcess) {
  // Built first: zipSync blocks this process for seconds, and a keep-alive socket it then reuses may be closed.
  const bomb = zipSync({
    'program.toml': [Buffer.alloc(BOMB_MIB * 1024 * 1024, 0x23), { level: 9 }],
    'main.py': new TextEncoder().encode('x = 1\n'),
  });
  const alice = newAccount();
  const toml = `constructor = '@admin(address="${alice.address}")'\n`;
  const d = await deployCode(node.url, alice, governedFiles(toml));
  if (d.answer.status !== 200)
    return { skipped: `deploy failed: ${d.answer.status} ${JSON.stringify(d.answer.body).slice(0, 200)}` };
  const up = await uploadWithStore(node.url, bomb);
  if (up.status !== 200) return { skipped: `upload failed: ${up.status}`, zip_bytes: bomb.length };
  const run = async () => {
    const t = performance.now();
    try {
      const r = await fetch(`${node.url}/api/v0/programs/${d.id}/dry-run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code_hash: up.body.hash }),
        signal: AbortSignal.timeout(120_000),
      });
      const body = (await r.json().catch(() => ({}))) as { error_code?: string };
      return { status: `${r.status} ${body.error_code ?? ''}`.trim(), ms: performance.now() - t };
    } catch (e) {
      return { status: (e as Error).name, ms: performance.now() - t };
    }
  };
  const results = await Promise.all(Array.from({ length: 6 }, run));
  return {
    zip_bytes: bomb.length,
    inflated_mib: BOMB_MIB,
    concurrent: 6,
    statuses: countBy(results, (r) => r.status),
    slowest_ms: Math.round(Math.max(...results.map((r) => r.ms))),
  };
}

const home = mkdtempSync(join(tmpdir(), 'aleph-attacks-'));
// ATTACK_NODE_SCRIPT: another tree's src/node/testing/nodeProcess.ts, to measure a before/after pair in one session.
const node = await spawnNode(join(home, 'node'), process.env.ATTACK_NODE_SCRIPT);
try {
  const hashes = await seed(node.url, SEED_MESSAGES);
  const paths = [
    `/api/v0/messages/${hashes[0]}`,
    // The seeded channel's newest page: the same 20 messages of 2 KB in every phase. Unfiltered, the page became
    // the flood's 60 messages of 100 KB from websocket_flood on (40 KB -> 2 MB per read), and every later row
    // measured the probe's own bigger reads, not the attack.
    '/api/v0/messages.json?pagination=20&channels=BENCH',
    `/api/v0/aggregates/${fuzzKeys[0].address}.json`,
  ];
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const three00 = Array.from({ length: 300 }, (_, i) => '0x' + i.toString(16).padStart(40, '0')).join(',');
  const results: Record<string, unknown> = { seeded_messages: hashes.length };
  const only = process.env.ATTACK_ONLY?.split(',');
  const step = async (name: string, attack: () => Promise<object>) => {
    if (only && !only.includes(name)) return;
    process.stderr.write(`attacks: ${name}\n`);
    try {
      results[name] = node.alive()
        ? await during(node, paths, attack as () => Promise<Record<string, unknown>>)
        : { skipped: 'the node is down' };
    } catch (e) {
      results[name] = { failed: String((e as Error).cause ?? e), node_alive_after: node.alive() };
    }
    // Written after every step, so a run that dies part-way still leaves what it measured.
    writeResult(
      process.env.ATTACK_RESULT_NAME ?? 'attacks',
      {
        goal: 'probe p99 < 50 ms during each attack, node alive after',
        attack_seconds: SECONDS,
        ...results,
        node_stderr: node.stderr().slice(0, 2000),
      },
      { quiet: true },
    );
  };
  await step('baseline', async () => {
    await wait(SECONDS * 1000);
    return {};
  });
  await step('websocket_flood', () => websocketFlood(node));
  await step('websocket_history', () => websocketHistory(node));
  await step('slowloris', () => slowloris(node));
  await step('pagination_0', async () => ({
    attacker: await getLoop(node.url, '/api/v0/messages.json?pagination=0', 4, SECONDS * 1000),
  }));
  await step('pagination_negative_and_huge_page', async () => {
    const [neg, page] = await Promise.all([
      getLoop(node.url, '/api/v0/messages.json?pagination=-1', 2, SECONDS * 1000),
      getLoop(node.url, '/api/v0/messages.json?page=1e300', 2, SECONDS * 1000),
    ]);
    return { pagination_minus_1: neg, page_1e300: page };
  });
  await step('filter_300_addresses', async () => ({
    attacker: await getLoop(node.url, `/api/v0/messages.json?addresses=${three00}`, 8, SECONDS * 1000),
  }));
  await step('dry_run_bombs', () => dryRunBombs(node));
  console.log(JSON.stringify(results, null, 2));
} finally {
  await node.stop();
  rmSync(home, { recursive: true, force: true });
}
// Thousands of hostile sockets leave handles behind (ws close timers, agents): the figures are written, so end here.
process.exit(0);
