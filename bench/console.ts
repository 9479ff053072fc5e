// `npm run bench -- console`: the programs list with 10,000 programs (CONSOLE_PROGRAMS), as the console reads it
// (GET /api/v0/programs/summaries: one page in two queries, search in SQL) against the full listing it replaces for
// the console (GET /api/v0/programs: governance and serving lookups per program), same node, same run.
import { performance } from 'node:perf_hooks';
import { buildProgram } from '../src/client/messages/buildProgram.js';
import { deployProgram, newAccount, postMessage, sign, startTestNode } from '../src/node/testing/nodeHarness.js';
import { percentile, writeResult } from './writeResult.js';

const PROGRAMS = Number(process.env.CONSOLE_PROGRAMS ?? 10_000);
const RUNS = 20;
const h = await startTestNode();
const owner = newAccount();
// One code and runtime STORE for all: what is measured is the listing, not the seeding.
const first = await deployProgram(h.url, owner, { name: 'prog-0' });
const t0 = performance.now();
let next = 1;
async function worker(): Promise<void> {
  while (next < PROGRAMS) {
    const i = next++;
    const msg = await sign(
      owner,
      buildProgram({
        sender: owner.address,
        codeRef: first.code,
        runtime: first.runtime,
        entrypoint: 'main:app',
        name: `prog-${i}`,
      }),
    );
    const r = await postMessage(h.url, msg);
    if (r.status !== 200) throw new Error(`seed ${i}: ${r.status} ${JSON.stringify(r.body)}`);
  }
}
await Promise.all(Array.from({ length: 8 }, worker));
const seedSeconds = (performance.now() - t0) / 1000;

async function timed(path: string): Promise<Record<string, number | string>> {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    const r = await fetch(`${h.url}${path}`);
    const body = await r.text();
    ms.push(performance.now() - s);
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${body.slice(0, 200)}`);
    bytes = body.length;
  }
  ms.sort((a, b) => a - b);
  return { path, p50_ms: +percentile(ms, 50).toFixed(2), p95_ms: +percentile(ms, 95).toFixed(2), bytes };
}

const rows = [
  await timed('/api/v0/programs?pagination=50&page=1'),
  await timed('/api/v0/programs/summaries?pagination=50&page=1'),
  await timed('/api/v0/programs?pagination=50&page=150'),
  await timed('/api/v0/programs/summaries?pagination=50&page=150'),
  await timed(`/api/v0/programs/summaries?pagination=50&search=prog-${Math.floor(PROGRAMS / 2)}`),
  await timed('/api/v0/programs/summaries?pagination=50&search=no-such-program'),
];
await h.close();
writeResult('console', { programs: PROGRAMS, runs: RUNS, seed_seconds: +seedSeconds.toFixed(1), rows });
