// `npm run fuzz`: ≥ 100,000 generated hostile requests (src/node/fuzz/generators.ts) against a node in its own
// process, with a probe timing ordinary reads from another client address. Writes bench/results/fuzz.json.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFuzz } from '../src/node/fuzz/runFuzz.js';
import { spawnNode } from '../src/node/fuzz/spawnNode.js';
import { writeResult } from './writeResult.js';

const count = Number(process.env.FUZZ_COUNT ?? 100_000);
const seed = Number(process.env.FUZZ_SEED ?? 1);
const home = mkdtempSync(join(tmpdir(), 'aleph-fuzz-'));
// FUZZ_NODE_SCRIPT: another tree's src/node/testing/nodeProcess.ts, to measure a before/after pair in one session.
const node = await spawnNode(join(home, 'node'), process.env.FUZZ_NODE_SCRIPT);
// ^C (SIGINT) ends the run after the current batch, with the probe's figures and the counts so far.
let stopping = false;
process.on('SIGINT', () => {
  stopping = true;
});
const rssBefore = node.rssMiB();
try {
  const report = await runFuzz({
    url: node.url,
    seed,
    count,
    concurrency: Number(process.env.FUZZ_CONCURRENCY ?? 32),
    alive: node.alive,
    stop: () => stopping,
    // A run cut short still leaves its counts (the probe's figures come at the end).
    onBatch: (done, soFar) => {
      if (done % 10_000 !== 0) return;
      process.stderr.write(`fuzz: ${done}/${count}\n`);
      writeResult(
        process.env.FUZZ_RESULT_NAME ?? 'fuzz',
        { partial: `${done} of ${count} requests so far`, node_alive: node.alive(), ...soFar() },
        { quiet: true },
      );
    },
  });
  writeResult(process.env.FUZZ_RESULT_NAME ?? 'fuzz', {
    ...(report.requests < count ? { cut_short: `stopped after ${report.requests} of ${count} requests` } : {}),
    goals: { accepted_forgeries: 0, server_errors: 0, crashes: 0, probe_p99_ms: '< 50' },
    node_rss_mib: { before: rssBefore, after: node.rssMiB() },
    ...report,
    node_stderr: node.stderr().slice(0, 4000),
  });
} finally {
  await node.stop();
  rmSync(home, { recursive: true, force: true });
}
