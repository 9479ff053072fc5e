import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface NodeProcess {
  url: string;
  pid: number;
  alive(): boolean;
  rssMiB(): number;
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * A core node in its own process (src/node/testing/nodeProcess.ts), so a run that crashes it is seen as a
 * crash (the process exits) instead of taking the fuzzer or the bench down with it.
 */
export async function spawnNode(
  home: string,
  script = fileURLToPath(new URL('../testing/nodeProcess.ts', import.meta.url)),
): Promise<NodeProcess> {
  // SPAWNED_NODE_ARGS: extra node flags for the node alone, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" (profiling a bench).
  const extra = process.env.SPAWNED_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', script, home, '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exited = false;
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    if (err.length < 20_000) err += d.toString();
  });
  const gone = new Promise<void>((r) =>
    child.once('exit', () => {
      exited = true;
      r();
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (c) => reject(new Error(`node exited ${c}: ${err.slice(0, 2000)}`)));
  });
  return {
    url,
    pid: child.pid!,
    alive: () => !exited,
    rssMiB: () => {
      try {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? NaN);
        return Math.round(kb / 1024);
      } catch {
        return NaN;
      }
    },
    stderr: () => err,
    async stop() {
      // SIGINT lets a profiled node write its profile (nodeProcess.ts exits on it).
      if (!exited) child.kill(extra.length ? 'SIGINT' : 'SIGTERM');
      await gone;
    },
  };
}
