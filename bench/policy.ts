// Policy: time to evaluate one upgrade (constructor run + interface diff + policy rules) for interfaces
// of 10, 100 and 1,000 components. Parsing the candidate's program.toml is reported apart: the node does
// it once per candidate, while evaluation is what every node repeats for every program an event touches.
import { parseManifest, evaluateUpgrade } from '../src/policy/index.js';
import { OWNER, current, candidate, upgrade } from '../src/policy/upgrade/testFixtures.js';
import { percentile, writeResult } from './writeResult.js';

function manifestWith(components: number, extraTransition: boolean): string {
  const lines = ['name = "bench"', 'upgrade_policy = "compatible"', `constructor = '@admin(address="${OWNER}")'`];
  const per = Math.ceil(components / 4);
  for (let i = 0; i < per; i++) lines.push(`[interface.structs.S${i}]`, 'a = "u32"', 'b = "address"', 'c = "[u8; 32]"');
  for (let i = 0; i < per; i++) lines.push(`[interface.mappings.m${i}]`, 'key = "address"', 'value = "u64"');
  for (let i = 0; i < per; i++)
    lines.push(
      `[interface.functions.f${i}]`,
      'inputs = ["u32", "u64"]',
      'outputs = ["u64"]',
      `source = "lib/f${i}.py"`,
    );
  for (let i = 0; i < components - 3 * per; i++)
    lines.push(`[interface.transitions.t${i}]`, 'inputs = ["u32"]', 'outputs = ["u32"]');
  if (extraTransition) lines.push('[interface.transitions.added]', 'inputs = ["u8"]', 'outputs = ["u8"]');
  return lines.join('\n') + '\n';
}

const results: Record<string, unknown> = {};
for (const n of [10, 100, 1000]) {
  const sources: Record<string, string> = {};
  for (let i = 0; i < n; i++) sources[`lib/f${i}.py`] = `${i}`.padStart(64, '0');
  const prevText = manifestWith(n, false);
  const nextText = manifestWith(n, true);
  const parseStart = performance.now();
  const prev = parseManifest(prevText);
  const next = parseManifest(nextText);
  const parseMs = (performance.now() - parseStart) / 2;
  const input = upgrade(current(prev, { sourceHashes: sources }), candidate(next, { sourceHashes: sources }));
  const first = evaluateUpgrade(input);
  if (!first.accepted) throw new Error(`bench upgrade refused: ${JSON.stringify(first)}`);
  for (let i = 0; i < 200; i++) evaluateUpgrade(input);
  const iterations = n >= 1000 ? 2000 : 10_000;
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    evaluateUpgrade(input);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  results[`components_${n}`] = {
    evaluate_ms: {
      mean: +mean.toFixed(4),
      p50: +percentile(times, 50).toFixed(4),
      p99: +percentile(times, 99).toFixed(4),
    },
    manifest_parse_ms: +parseMs.toFixed(3),
    iterations,
  };
}
writeResult('policy', { goal: 'evaluate < 1 ms at 1,000 components', ...results });
