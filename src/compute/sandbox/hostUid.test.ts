import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { AlephError } from '../../errors.js';
import { PROBE_APP, SandboxFixture, get } from '../testing/sandboxFixture.js';
import { usernsProblem } from './hostRequirements.js';
import { ProgramUids } from './programUids.js';
import type { VolumeSpec } from './types.js';
import { programPids } from './processTree.js';
import { STAGE_DIR } from './dropPrivileges.js';

function hostMap(pid: number | undefined, file: 'uid_map' | 'gid_map'): number[] {
  assert.ok(pid, 'the program has a process');
  return readFileSync(`/proc/${pid}/${file}`, 'utf8').trim().split(/\s+/).map(Number);
}

async function ask(socketPath: string, path: string): Promise<{ ok: boolean; value?: string; error?: string }> {
  return JSON.parse((await get(socketPath, path)).body) as { ok: boolean; value?: string; error?: string };
}

describe('sandbox host uid', () => {
  const fx = new SandboxFixture();
  after(() => fx.dispose());
  const probe = () => fx.code({ 'probe.js': PROBE_APP });

  it('runs the program as uid 1000 mapped to its own unprivileged host uid, which owns what it writes', async () => {
    const data = fx.mkdir('vol-owned');
    const hostUid = fx.uids.uidFor('owner-program');
    const volumes: VolumeSpec[] = [{ kind: 'persistent', mount: '/data', hostPath: data }];
    const { handle } = await fx.start('node', { codeDir: probe(), entrypoint: 'probe.js:handler', volumes, hostUid });
    await handle.ready;
    assert.match(
      (await ask(handle.socketPath, '/read?path=/proc/self/status')).value!,
      /^Uid:\s+1000\s+1000\s+1000\s+1000$/m,
    );
    // Seen from the host (the view that matters: the kernel translates it into the reader's namespace).
    const [pid] = programPids(handle.pid);
    assert.deepEqual(hostMap(pid, 'uid_map'), [1000, hostUid, 1]);
    assert.deepEqual(hostMap(pid, 'gid_map'), [1000, hostUid, 1]);
    assert.match(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
      new RegExp(`^Uid:\\s+${hostUid}\\s+${hostUid}\\s+${hostUid}\\s+${hostUid}$`, 'm'),
    );
    assert.match(readFileSync(`/proc/${pid}/status`, 'utf8'), /^CapEff:\s+0+$/m);
    assert.match(
      readFileSync(`/proc/${handle.pid}/status`, 'utf8'),
      new RegExp(`^Uid:\\s+${hostUid}\\s`, 'm'),
      'bwrap itself is unprivileged',
    );
    // The staging binds live in the sandbox's private mount namespace only.
    assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(STAGE_DIR), 'no staging mount leaked to the host');
    assert.deepEqual(await ask(handle.socketPath, '/write?path=/data/made-inside.txt&data=hello'), {
      ok: true,
      value: 'written',
    });
    const st = statSync(join(data, 'made-inside.txt'));
    assert.equal(st.uid, hostUid);
    assert.equal(st.gid, hostUid);
    assert.notEqual(st.uid, 0);
    assert.equal(statSync(data).uid, hostUid, 'the volume root was given to the program');
  });

  it('gives two programs different host uids, and a program keeps its uid when the map is reopened (compute restart)', async () => {
    const file = join(fx.mkdir('uidmap'), 'uids.json');
    const first = new ProgramUids(file, { base: 250_000, count: 16 });
    const a = first.uidFor('a'.repeat(64));
    const b = first.uidFor('b'.repeat(64));
    assert.notEqual(a, b);
    assert.ok(a > 250_000 && b > 250_000, 'the range base is kept for one-off runs');
    const restarted = new ProgramUids(file, { base: 250_000, count: 16 });
    assert.equal(restarted.uidFor('b'.repeat(64)), b);
    assert.equal(restarted.uidFor('a'.repeat(64)), a);
    const c = restarted.uidFor('c'.repeat(64));
    assert.ok(c !== a && c !== b);

    // Two sandboxes, two programs: each sees its own mapping.
    const [p, q] = await Promise.all([
      fx.start('node', { codeDir: probe(), entrypoint: 'probe.js:handler', hostUid: a }),
      fx.start('node', { codeDir: probe(), entrypoint: 'probe.js:handler', hostUid: b }),
    ]);
    await Promise.all([p.handle.ready, q.handle.ready]);
    assert.deepEqual(
      [hostMap(programPids(p.handle.pid)[0], 'uid_map')[1], hostMap(programPids(q.handle.pid)[0], 'uid_map')[1]],
      [a, b],
    );
  });

  it('refuses a full range, a range that includes root, and a corrupt map with clear codes', () => {
    const dir = fx.mkdir('uidbad');
    const small = new ProgramUids(join(dir, 'small.json'), { base: 260_000, count: 2 });
    small.uidFor('one');
    assert.throws(
      () => small.uidFor('two'),
      (e: AlephError) => e.code === 'SANDBOX_UIDS_EXHAUSTED',
    );
    assert.throws(
      () => new ProgramUids(join(dir, 'x.json'), { base: 0, count: 65_536 }),
      (e: AlephError) => e.code === 'SANDBOX_UID_RANGE_INVALID',
    );
    writeFileSync(join(dir, 'corrupt.json'), '{"version":1,"uids":{"p":"root"}}');
    assert.throws(
      () => new ProgramUids(join(dir, 'corrupt.json')),
      (e: AlephError) => e.code === 'SANDBOX_UID_MAP_CORRUPT',
    );
  });

  it('hands over a volume written when programs ran as host root, never following its symlinks', async () => {
    const data = fx.mkdir('vol-legacy');
    mkdirSync(join(data, 'sub'));
    writeFileSync(join(data, 'sub', 'old.txt'), 'written as root');
    const outside = join(fx.mkdir('outside'), 'host-file');
    writeFileSync(outside, 'host');
    symlinkSync(outside, join(data, 'link'));
    const hostUid = fx.uids.uidFor('legacy-program');
    const volumes: VolumeSpec[] = [{ kind: 'persistent', mount: '/data', hostPath: data }];
    const { handle } = await fx.start('node', { codeDir: probe(), entrypoint: 'probe.js:handler', volumes, hostUid });
    await handle.ready;
    assert.deepEqual(await ask(handle.socketPath, '/write?path=/data/sub/old.txt&data=updated'), {
      ok: true,
      value: 'written',
    });
    assert.equal(readFileSync(join(data, 'sub', 'old.txt'), 'utf8'), 'updated');
    assert.equal(lstatSync(join(data, 'link')).uid, hostUid);
    assert.equal(statSync(outside).uid, 0, 'the symlink target outside the volume keeps its owner');
  });

  it('refuses a persistent volume whose host path was replaced by a symlink, and does not chown its target', async () => {
    const target = fx.mkdir('not-yours');
    const link = join(fx.mkdir('vols'), 'evil');
    symlinkSync(target, link);
    const before = statSync(target).uid;
    const volumes: VolumeSpec[] = [{ kind: 'persistent', mount: '/data', hostPath: link }];
    const { handle } = await fx.start('node', { codeDir: probe(), entrypoint: 'probe.js:handler', volumes });
    await assert.rejects(handle.ready, (e: AlephError) => e.code === 'VOLUME_HOST_PATH_INVALID');
    assert.equal(statSync(target).uid, before);
  });

  it('can read code the node extracted under a 0700 directory, without any chmod of it', async () => {
    const locked = fx.mkdir('locked');
    mkdirSync(join(locked, 'code'));
    writeFileSync(join(locked, 'code', 'probe.js'), PROBE_APP);
    // fx.dir itself is a 0700 mkdtemp dir, like a compute home under /root.
    assert.equal(statSync(fx.dir).mode & 0o077, 0);
    const { handle } = await fx.start('node', { codeDir: join(locked, 'code'), entrypoint: 'probe.js:handler' });
    await handle.ready;
    assert.equal((await ask(handle.socketPath, '/read?path=/opt/code/probe.js')).ok, true);
    assert.equal(statSync(fx.dir).mode & 0o777, 0o700);
  });

  it('explains why user namespaces are unusable from the kernel settings', () => {
    assert.equal(usernsProblem({ maxUserNamespaces: '15000\n', unprivilegedClone: null }), null);
    assert.equal(usernsProblem({ maxUserNamespaces: '0\n', unprivilegedClone: null }), 'user.max_user_namespaces is 0');
    assert.equal(
      usernsProblem({ maxUserNamespaces: '100\n', unprivilegedClone: '0\n' }),
      'kernel.unprivileged_userns_clone is 0',
    );
    assert.equal(
      readFileSync('/proc/sys/user/max_user_namespaces', 'utf8').trim() !== '0',
      true,
      'this host runs the suite',
    );
  });
});
