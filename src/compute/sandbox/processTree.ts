import { readFileSync, readdirSync } from 'node:fs';

/** Parent pid of every process on the host, read from /proc/<pid>/stat. */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name may contain spaces and parentheses: fields start after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.set(Number(name), ppid);
    } catch {
      /* exited while we looked */
    }
  }
  return out;
}

/** Every descendant of `root` (not `root` itself), parents before children. */
export function descendants(root: number): number[] {
  const ppids = parents();
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of ppids) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const out: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

export function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/**
 * The program's processes, i.e. everything below bwrap's own two processes (the outer one we spawned and the
 * pid-namespace init it forks). bwrap does not forward SIGTERM and dies on it, which would SIGKILL the program
 * through --die-with-parent and skip its graceful shutdown; so SIGTERM goes to these instead.
 */
export function programPids(bwrapPid: number): number[] {
  const all = descendants(bwrapPid);
  const ppids = parents();
  const init = all.filter((p) => ppids.get(p) === bwrapPid);
  return all.filter((p) => !init.includes(p));
}

/** Proportional memory (PSS: each process's share of what it maps) of `pids` together, in bytes; gone ones count 0. */
export function pssOf(pids: number[]): number {
  let sum = 0;
  for (const pid of pids) {
    try {
      const m = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB$/m);
      if (m) sum += Number(m[1]) * 1024;
    } catch {
      /* exited meanwhile */
    }
  }
  return sum;
}
