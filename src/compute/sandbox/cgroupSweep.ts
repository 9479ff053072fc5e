import { readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { programCgroupParents } from './resourceLimits.js';

/** A program's cgroup as startSandbox names it: its instance id, then a base-36 time and random suffix. */
const PROGRAM_CGROUP = /^[A-Za-z0-9_.-]{1,64}-[0-9a-z]{9,16}$/;

/**
 * Younger than this, an empty cgroup may be one another compute node of the host has just made and not yet
 * joined (its sandbox's prefix joins it a few ms later): it is left alone.
 */
export const STALE_CGROUP_MS = 60_000;

/**
 * Removes the empty program cgroups of budget group `group` that a compute node killed (-9) before it could
 * release them: without this they pile up (hundreds after a day of crash tests), each a kernel object and a
 * name in every listing. Only empty ones go: the kernel refuses to remove a cgroup with a process in it, and
 * a program still running under another compute node of the host keeps its own. Returns how many went.
 */
export function sweepStaleCgroups(group: string, olderThanMs = STALE_CGROUP_MS, now = Date.now()): number {
  let removed = 0;
  for (const parent of programCgroupParents(group)) {
    let names: string[];
    try {
      names = readdirSync(parent);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!PROGRAM_CGROUP.test(name)) continue;
      const dir = join(parent, name);
      try {
        if (now - statSync(dir).mtimeMs < olderThanMs) continue;
        if (readFileSync(join(dir, 'cgroup.procs'), 'utf8').trim() !== '') continue;
        rmdirSync(dir);
        removed++;
      } catch {
        /* gone meanwhile, populated, or not ours to remove: left as it is */
      }
    }
  }
  return removed;
}
