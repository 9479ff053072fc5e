import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PROBE_APP, SandboxFixture, START_PATHS, get } from '../testing/sandboxFixture.js';
import type { VolumeSpec } from './types.js';

async function ask(socketPath: string, path: string): Promise<{ ok: boolean; value?: string; error?: string }> {
  return JSON.parse((await get(socketPath, path)).body) as { ok: boolean; value?: string; error?: string };
}

// Every test on both start paths: a fresh sandbox, and a pooled one given its program (compute/pool).
for (const path of START_PATHS)
  describe(`volumes (${path})`, () => {
    const fx = new SandboxFixture(path);
    const pooled = path === 'pooled';
    after(() => fx.dispose());
    const probe = () => fx.code({ 'probe.js': PROBE_APP });

    it('immutable volumes are readable but not writable', async () => {
      const data = fx.mkdir('immutable');
      writeFileSync(join(data, 'model.bin'), 'weights');
      const volumes: VolumeSpec[] = [{ kind: 'immutable', mount: '/opt/packages', hostPath: data }];
      const started = await fx.start('node', { codeDir: probe(), entrypoint: 'probe.js:handler', volumes });
      const { handle } = started;
      assert.equal(started.pooled, pooled);
      await handle.ready;
      assert.deepEqual(await ask(handle.socketPath, '/read?path=/opt/packages/model.bin'), {
        ok: true,
        value: 'weights',
      });
      assert.deepEqual(await ask(handle.socketPath, '/write?path=/opt/packages/model.bin'), {
        ok: false,
        error: 'EROFS',
      });
      assert.equal(readFileSync(join(data, 'model.bin'), 'utf8'), 'weights');
    });

    it('an immutable volume that is one file is that file alone, read-only, and shows no host path', async () => {
      const dir = fx.mkdir('single');
      writeFileSync(join(dir, 'model.bin'), 'weights');
      writeFileSync(join(dir, 'sibling.txt'), 'not for the program');
      const volumes: VolumeSpec[] = [{ kind: 'immutable', mount: '/opt/model.bin', hostPath: join(dir, 'model.bin') }];
      const started = await fx.start('node', { codeDir: probe(), entrypoint: 'probe.js:handler', volumes });
      const { handle } = started;
      assert.equal(started.pooled, pooled);
      await handle.ready;
      assert.deepEqual(await ask(handle.socketPath, '/read?path=/opt/model.bin'), { ok: true, value: 'weights' });
      assert.deepEqual(await ask(handle.socketPath, '/write?path=/opt/model.bin'), { ok: false, error: 'EROFS' });
      assert.equal((await ask(handle.socketPath, '/read?path=/opt/sibling.txt')).error, 'ENOENT');
      const mountinfo = (await ask(handle.socketPath, '/read?path=/proc/self/mountinfo')).value!;
      assert.ok(!mountinfo.includes(dir), `${dir} shows in\n${mountinfo}`);
      const line = mountinfo.split('\n').find((l) => l.split(' ')[4] === '/opt/model.bin');
      assert.match(line ?? '', / - overlay /, `the file is reached through an overlay: ${line}`);
      assert.equal(readFileSync(join(dir, 'model.bin'), 'utf8'), 'weights');
    });

    it('ephemeral volumes are size-limited tmpfs, gone after stop', async () => {
      // A pooled sandbox makes mount points on its own root only: below the runtime's /var is the cold path's.
      const dir = pooled ? '/cache/app' : '/var/cache/app';
      const volumes: VolumeSpec[] = [{ kind: 'ephemeral', mount: dir, sizeMiB: 1 }];
      const codeDir = probe();
      const first = await fx.start('node', { codeDir, entrypoint: 'probe.js:handler', volumes });
      assert.equal(first.pooled, pooled);
      await first.handle.ready;
      assert.equal((await ask(first.handle.socketPath, `/write?path=${dir}/small&data=kept`)).ok, true);
      assert.deepEqual(await ask(first.handle.socketPath, `/write?path=${dir}/big&bytes=${2 * 1024 * 1024}`), {
        ok: false,
        error: 'ENOSPC',
      });
      await first.handle.stop();
      const second = await fx.start('node', { codeDir, entrypoint: 'probe.js:handler', volumes });
      assert.equal(second.pooled, pooled);
      await second.handle.ready;
      assert.deepEqual(await ask(second.handle.socketPath, `/read?path=${dir}/small`), {
        ok: false,
        error: 'ENOENT',
      });
    });

    it('persistent volumes survive a restart', async () => {
      const volumes: VolumeSpec[] = [{ kind: 'persistent', mount: '/data', hostPath: fx.mkdir('persistent') }];
      const codeDir = probe();
      const first = await fx.start('node', { codeDir, entrypoint: 'probe.js:handler', volumes });
      // Files of a persistent volume belong to the program's own uid, which a pooled sandbox (leased uid) is not.
      assert.equal(first.pooled, false);
      await first.handle.ready;
      assert.equal((await ask(first.handle.socketPath, '/write?path=/data/counter&data=41')).ok, true);
      await first.handle.stop();
      const second = await fx.start('node', { codeDir, entrypoint: 'probe.js:handler', volumes });
      await second.handle.ready;
      assert.deepEqual(await ask(second.handle.socketPath, '/read?path=/data/counter'), { ok: true, value: '41' });
    });

    it('refuses a mount over the sandbox’s own paths', async () => {
      const { handle } = await fx.start('node', {
        codeDir: probe(),
        entrypoint: 'probe.js:handler',
        volumes: [{ kind: 'ephemeral', mount: '/opt/code', sizeMiB: 1 }],
      });
      await assert.rejects(handle.ready, { code: 'VOLUME_MOUNT_INVALID' });
    });
  });
