import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Writes bench/results/NAME.json with the machine it ran on, and prints it. */
export function writeResult(name: string, result: Record<string, unknown>, opts: { quiet?: boolean } = {}): void {
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(dir, { recursive: true });
  const out = {
    bench: name,
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model,
    ...result,
  };
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(out, null, 2) + '\n');
  if (!opts.quiet) console.log(JSON.stringify(out, null, 2));
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
