// What the benches read of a process from /proc/PID/stat: CPU used so far and the parent (Linux only).
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU fields (USER_HZ). */
const USER_HZ = 100;

export interface ProcStat {
  ppid: number;
  /** utime + stime, all threads, in µs. */
  cpuMicros: number;
  /** The command's name (comm, at most 15 characters). */
  name: string;
}

/** The process's stat, or undefined once it is gone. The name may hold spaces and ')': fields start after the last. */
export function procStat(pid: number): ProcStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const close = stat.lastIndexOf(')');
  const f = stat.slice(close + 2).split(' ');
  return {
    ppid: Number(f[1]),
    cpuMicros: ((Number(f[11]) + Number(f[12])) * 1_000_000) / USER_HZ,
    name: stat.slice(stat.indexOf('(') + 1, close),
  };
}

/** Every process on the machine with its stat. */
export function allProcStats(): Map<number, ProcStat> {
  const out = new Map<number, ProcStat>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = procStat(Number(d));
    if (s) out.set(Number(d), s);
  }
  return out;
}
