import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlephError } from '../../errors.js';

const MiB = 1024 * 1024;
const CG = '/sys/fs/cgroup';
/** Processes (threads count) one program may have: a fork bomb stops here instead of taking the host down. */
export const DEFAULT_PIDS_MAX = 256;

/**
 * The pid budget of all programs together: every program's cgroup sits in one parent cgroup (`group`, per
 * controller) whose pids.max is `max`, so many programs at their own limit still leave the host pids to spare.
 */
export interface PidsBudget {
  group: string;
  max: number;
}
export const DEFAULT_PIDS_BUDGET: PidsBudget = { group: 'aleph', max: 4096 };

export interface PidLimits {
  max: number;
  budget: PidsBudget;
}
const GROUP = /^[A-Za-z0-9_.-]{1,64}$/;

export interface ResourceLimits {
  mechanism: 'cgroup-v1' | 'cgroup-v2' | 'rlimit';
  /** argv placed before `bwrap`: joins the cgroups, or applies rlimits and CPU affinity. */
  prefix: string[];
  /** True once the kernel OOM killer has killed something in this sandbox's cgroup. */
  oomKilled(): boolean;
  /** Host pids in the sandbox's cgroup (null without cgroups). */
  pids(): number[] | null;
  /**
   * Sets new limits on the running sandbox (a pooled one taking its program's): throws when the kernel refuses,
   * e.g. a memory limit below what the sandbox already uses. Not offered by the rlimit fallback (null).
   */
  update: ((memoryMiB: number, vcpus: number, pidsMax: number) => void) | null;
  /** Removes the cgroups once every process has exited (retries while the kernel finishes tearing them down). */
  release(): Promise<void>;
}

/** The cgroup a controller puts this process in, from /proc/self/cgroup (v1 'N:memory:/x', v2 '0::/x'). */
function ownCgroup(controller: string | null): string | null {
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const [, ctrls, path] = line.split(':');
    if (path === undefined) continue;
    if (controller === null ? ctrls === '' : ctrls.split(',').includes(controller)) return path;
  }
  return null;
}

function readCounter(file: string, key: string): number {
  try {
    const m = readFileSync(file, 'utf8').match(new RegExp(`^${key} (\\d+)$`, 'm'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function readPids(file: string): number[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function tryWrite(file: string, value: string): void {
  try {
    writeFileSync(file, value);
  } catch {
    /* optional knob (e.g. memsw without swap accounting) */
  }
}

/** rmdir fails with EBUSY until the last process of the pid namespace is reaped, a few ms after bwrap exits. */
async function removeDirs(dirs: string[]): Promise<void> {
  let left = dirs;
  for (let attempt = 0; attempt < 40 && left.length > 0; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 50));
    left = left.filter((d) => {
      try {
        rmdirSync(d);
        return false;
      } catch (e) {
        return (e as NodeJS.ErrnoException).code !== 'ENOENT';
      }
    });
  }
}

/** Joins every listed cgroup.procs file (as the shell's own pid), then execs the rest of argv. */
function joinPrefix(procsFiles: string[]): string[] {
  const script = 'for f; do [ "$f" = -- ] && break; echo $$ > "$f" || exit 97; shift; done; shift; exec "$@"';
  return ['/bin/sh', '-c', script, 'aleph-cgroup', ...procsFiles, '--'];
}

/** Exit status of the prefix when it could not join the cgroups. */
export const CGROUP_JOIN_FAILED = 97;

function cgroupV1(name: string, memoryMiB: number, vcpus: number, pidLimits: PidLimits): ResourceLimits {
  const dir = (ctrl: string) => join(CG, ctrl, ownCgroup(ctrl) ?? '/', pidLimits.budget.group, name);
  const mem = dir('memory');
  mkdirSync(mem, { recursive: true });
  writeFileSync(join(mem, 'memory.limit_in_bytes'), String(memoryMiB * MiB));
  tryWrite(join(mem, 'memory.memsw.limit_in_bytes'), String(memoryMiB * MiB));
  tryWrite(join(mem, 'memory.swappiness'), '0');
  const dirs = [mem];
  if (existsSync(join(CG, 'cpu', 'cgroup.procs'))) {
    const cpu = dir('cpu');
    mkdirSync(cpu, { recursive: true });
    writeFileSync(join(cpu, 'cpu.cfs_period_us'), '100000');
    writeFileSync(join(cpu, 'cpu.cfs_quota_us'), String(Math.round(vcpus * 100000)));
    dirs.push(cpu);
  }
  if (existsSync(join(CG, 'pids', 'cgroup.procs'))) {
    const pids = dir('pids');
    mkdirSync(pids, { recursive: true });
    writeFileSync(join(pids, '..', 'pids.max'), String(pidLimits.budget.max));
    writeFileSync(join(pids, 'pids.max'), String(pidLimits.max));
    dirs.push(pids);
  }
  const cpuDir = dirs.find((d) => d.startsWith(join(CG, 'cpu') + '/'));
  const pidsDir = dirs.find((d) => d.startsWith(join(CG, 'pids') + '/'));
  return {
    mechanism: 'cgroup-v1',
    update: (m, v, p) => {
      // memsw may never be below memory: the order depends on which way the limit moves, so write it on both sides.
      tryWrite(join(mem, 'memory.memsw.limit_in_bytes'), String(m * MiB));
      writeFileSync(join(mem, 'memory.limit_in_bytes'), String(m * MiB));
      tryWrite(join(mem, 'memory.memsw.limit_in_bytes'), String(m * MiB));
      if (cpuDir) writeFileSync(join(cpuDir, 'cpu.cfs_quota_us'), String(Math.round(v * 100000)));
      if (pidsDir) writeFileSync(join(pidsDir, 'pids.max'), String(p));
    },
    prefix: joinPrefix(dirs.map((d) => join(d, 'cgroup.procs'))),
    oomKilled: () => readCounter(join(mem, 'memory.oom_control'), 'oom_kill') > 0,
    pids: () => readPids(join(mem, 'cgroup.procs')),
    release: () => removeDirs(dirs),
  };
}

function cgroupV2(name: string, memoryMiB: number, vcpus: number, pidLimits: PidLimits): ResourceLimits {
  // Needs a delegated cgroup whose subtree_control can enable memory (i.e. no processes of its own).
  const parent = join(CG, ownCgroup(null) ?? '/', pidLimits.budget.group);
  mkdirSync(parent, { recursive: true });
  writeFileSync(join(parent, 'cgroup.subtree_control'), '+memory +cpu +pids');
  tryWrite(join(parent, 'pids.max'), String(pidLimits.budget.max));
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'memory.max'), String(memoryMiB * MiB));
  tryWrite(join(dir, 'memory.swap.max'), '0');
  tryWrite(join(dir, 'cpu.max'), `${Math.round(vcpus * 100000)} 100000`);
  tryWrite(join(dir, 'pids.max'), String(pidLimits.max));
  return {
    mechanism: 'cgroup-v2',
    update: (m, v, p) => {
      writeFileSync(join(dir, 'memory.max'), String(m * MiB));
      tryWrite(join(dir, 'cpu.max'), `${Math.round(v * 100000)} 100000`);
      tryWrite(join(dir, 'pids.max'), String(p));
    },
    prefix: joinPrefix([join(dir, 'cgroup.procs')]),
    oomKilled: () => readCounter(join(dir, 'memory.events'), 'oom_kill') > 0,
    pids: () => readPids(join(dir, 'cgroup.procs')),
    release: () => removeDirs([dir]),
  };
}

/**
 * Without cgroups: RLIMIT_DATA (not RLIMIT_AS, which stops V8 from reserving its code range) and CPU affinity.
 * Over-allocation then fails inside the program (MemoryError, heap OOM) instead of a kernel kill.
 */
function rlimits(memoryMiB: number, vcpus: number, pidLimits: PidLimits): ResourceLimits {
  const cpus = Math.max(1, Math.ceil(vcpus));
  return {
    mechanism: 'rlimit',
    // RLIMIT_NPROC counts the processes of the real uid: each program has its own, so this is a per-program cap.
    prefix: [
      'prlimit',
      `--data=${memoryMiB * MiB}`,
      `--nproc=${pidLimits.max}`,
      '--',
      'taskset',
      '-c',
      `0-${cpus - 1}`,
    ],
    oomKilled: () => false,
    pids: () => null,
    update: null,
    release: async () => {},
  };
}

/**
 * The directories that hold the programs' cgroups of budget group `group` (cgroup v1: one per controller,
 * under this process's own cgroup; v2: the delegated parent), those that exist.
 */
export function programCgroupParents(group: string): string[] {
  if (!GROUP.test(group)) return [];
  const unified = existsSync(join(CG, 'cgroup.controllers'));
  const parents = unified
    ? [join(CG, ownCgroup(null) ?? '/', group)]
    : ['memory', 'cpu', 'pids'].map((ctrl) => join(CG, ctrl, ownCgroup(ctrl) ?? '/', group));
  return parents.filter((d) => existsSync(d));
}

/** Sets up memory / CPU / pid limits for one sandbox with the best mechanism the machine offers. */
/** Checks operator-given pid limits (config: checked at node start and before each sandbox). */
export function assertPidLimits(p: PidLimits): PidLimits {
  if (
    !GROUP.test(p.budget.group) ||
    !Number.isInteger(p.max) ||
    p.max < 1 ||
    !Number.isInteger(p.budget.max) ||
    p.budget.max < p.max
  ) {
    throw new AlephError(
      'SANDBOX_PIDS_LIMIT_INVALID',
      `pid limits ${p.max} per program, ${p.budget.max} in '${p.budget.group}' are not usable`,
      {
        hint: 'use positive integers, a budget at least the per-program limit, and a group name of [A-Za-z0-9_.-]',
        details: { ...p },
      },
    );
  }
  return p;
}

export function createResourceLimits(
  name: string,
  memoryMiB: number,
  vcpus: number,
  pidLimits: PidLimits = { max: DEFAULT_PIDS_MAX, budget: DEFAULT_PIDS_BUDGET },
): ResourceLimits {
  assertPidLimits(pidLimits);
  const unified = existsSync(join(CG, 'cgroup.controllers'));
  try {
    if (!unified && existsSync(join(CG, 'memory', 'memory.limit_in_bytes')))
      return cgroupV1(name, memoryMiB, vcpus, pidLimits);
    if (unified && readFileSync(join(CG, 'cgroup.controllers'), 'utf8').includes('memory'))
      return cgroupV2(name, memoryMiB, vcpus, pidLimits);
  } catch {
    /* not delegated to us: fall through */
  }
  return rlimits(memoryMiB, vcpus, pidLimits);
}
