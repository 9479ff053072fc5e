import { constants } from 'node:os';

/** Lines a program prints when an allocation fails under an rlimit (no kernel OOM kill to read back then). */
const OOM_LINES = [
  /^MemoryError\b/,
  /JavaScript heap out of memory/,
  /Fatal process out of memory/i,
  /Cannot allocate memory/,
  /std::bad_alloc/,
];

export function looksLikeOutOfMemory(line: string): boolean {
  return OOM_LINES.some((r) => r.test(line));
}

function signalName(n: number): string | null {
  for (const [name, num] of Object.entries(constants.signals)) if (num === n) return name;
  return null;
}

export interface ExitFacts {
  code: number | null;
  signal: NodeJS.Signals | null;
  stopRequested: boolean;
  oom: boolean;
  memoryMiB: number;
}

/**
 * Turns how bwrap ended into what people read in the logs. bwrap reports a program killed by signal N as exit
 * status 128+N, so that is mapped back to the signal.
 */
export function exitReason(f: ExitFacts): { code: number | null; signal: string | null; reason: string } {
  let signal: string | null = f.signal;
  if (signal === null && f.code !== null && f.code > 128 && f.code < 128 + 65) signal = signalName(f.code - 128);
  if (f.oom) return { code: f.code, signal, reason: `killed: out of memory (limit ${f.memoryMiB} MiB)` };
  if (f.stopRequested) return { code: f.code, signal, reason: 'stopped' };
  if (signal !== null) return { code: f.code, signal, reason: `killed by ${signal}` };
  return { code: f.code, signal, reason: `exited with code ${f.code}` };
}
