// Extraction vs the node's API: p99 of GET /api/v0/height while two zip bombs and a 65,000-entry zip are
// extracted in the same process (the devnet's shape) with a 65,000-entry and a 600 MiB runtime tar, beside the
// same probe with nothing extracting.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestNode } from '../src/node/testing/nodeHarness.js';
import { p99, probeExtraction } from '../src/compute/testing/extractionProbe.js';
import { writeResult } from './writeResult.js';

const GOAL_P99_MS = 50;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const node = await startTestNode();
const rows: Array<Record<string, number>> = [];
try {
  for (let i = 0; i < rounds; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'aleph-bench-extract-'));
    try {
      const { outcomes, during, idle } = await probeExtraction(node.url, dir, { tarRuntime: true });
      if (i === 0) console.error(`# outcomes: ${JSON.stringify(outcomes)}`);
      if (outcomes.many !== 'extracted' || outcomes.many_tar !== 'extracted')
        throw new Error(`extraction failed: ${JSON.stringify(outcomes)}`);
      rows.push({
        gets: during.length,
        p99_during_ms: +p99(during).toFixed(1),
        max_during_ms: +Math.max(...during).toFixed(1),
        p99_idle_ms: +p99(idle).toFixed(1),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  await node.close();
}
const worst = Math.max(...rows.map((r) => r.p99_during_ms));
writeResult('extraction', {
  load_average_1m: +loadavg()[0].toFixed(2),
  goal_p99_ms: GOAL_P99_MS,
  worst_p99_during_ms: worst,
  goal_met: worst < GOAL_P99_MS,
  rounds: rows,
});
