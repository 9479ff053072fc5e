import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const PARTIAL = /\.partial-(\d+)-[0-9a-z]+$/;

/** The staging directory for `destDir`: named after this process, so a later sweep knows whether its owner lives. */
export function partialDirFor(destDir: string): string {
  return `${destDir}.partial-${process.pid}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes staging directories left by extractions whose process died (kill -9, a crash mid-extraction). One of a
 * live process (a second compute node sharing a runtime cache) is left alone. Returns what was removed.
 * @example sweepPartials([join(home, 'code'), join(home, 'runtimes')])
 */
export function sweepPartials(dirs: string[]): string[] {
  const removed: string[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const m = PARTIAL.exec(name);
      if (!m || alive(Number(m[1]))) continue;
      rmSync(join(dir, name), { recursive: true, force: true });
      removed.push(join(dir, name));
    }
  }
  return removed;
}
