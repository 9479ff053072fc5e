import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sweepStaleCgroups } from './cgroupSweep.js';
import { createResourceLimits, programCgroupParents, type PidLimits } from './resourceLimits.js';

// A budget group of its own: the shared 'aleph' group holds the host's real programs.
const group = `aleph-test-sweep-${process.pid}`;
const pids: PidLimits = { max: 16, budget: { group, max: 32 } };
const cgroups = createResourceLimits('probe-sweep-mx5000000000', 64, 1, pids).mechanism !== 'rlimit';

describe('the start-up sweep of program cgroups', { skip: !cgroups && 'no delegated cgroups on this host' }, () => {
  const dirsOf = (name: string) => programCgroupParents(group).map((p) => join(p, name));
  after(async () => {
    sweepStaleCgroups(group, 0);
    for (const p of programCgroupParents(group)) {
      try {
        rmdirSync(p);
      } catch {
        /* still populated: left for the next sweep */
      }
    }
  });

  it('removes the empty cgroups a killed compute node left, never a populated or a fresh one', async () => {
    sweepStaleCgroups(group, 0); // the probe's
    const stale = 'p0123456789ab-e0-0-mx5abcdefghi';
    createResourceLimits(stale, 64, 1, pids);
    const busyName = 'p0123456789ab-e1-0-mx5bcdefghij';
    const busy = createResourceLimits(busyName, 64, 1, pids);
    const child = spawn(busy.prefix[0]!, [...busy.prefix.slice(1), 'sleep', '30'], { stdio: 'ignore' });
    try {
      // Joined once its pid is listed in every controller (the prefix writes it to each in turn, then execs).
      const joined = () =>
        dirsOf(busyName).every((d) =>
          readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n').includes(String(child.pid)),
        );
      for (let i = 0; i < 500 && !joined(); i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(joined(), 'the busy program joined its cgroups');
      assert.ok(dirsOf(stale).every((d) => existsSync(d)));

      // At the default grace both are too young to be judged.
      assert.equal(sweepStaleCgroups(group), 0);
      assert.ok(dirsOf(stale).every((d) => existsSync(d)));

      const removed = sweepStaleCgroups(group, 0);
      assert.equal(removed, dirsOf(stale).length);
      assert.ok(
        dirsOf(stale).every((d) => !existsSync(d)),
        'the empty cgroup is gone, in every controller',
      );
      assert.ok(
        dirsOf(busyName).every((d) => existsSync(d)),
        'the populated one stays',
      );
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      await busy.release();
    }
  });
});
