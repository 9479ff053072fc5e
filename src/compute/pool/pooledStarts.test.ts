import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cachedRuntime } from '../runtime/runtimeCache.js';
import { PROBE_APP, SandboxFixture, START_PATHS, get } from '../testing/sandboxFixture.js';
import { SandboxPool } from './sandboxPool.js';

/** The system lines of a start, without the pooled marker of its first line: what an owner reads either way. */
const systemLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('[system]'))
    .map((l) => l.replace(/, pooled$/, ''));

// A program whose import fails or hangs fails as on the cold path, its sandbox is gone, and the pool serves the next.
for (const path of START_PATHS)
  describe(`bad programs (${path})`, () => {
    const fx = new SandboxFixture(path);
    after(() => fx.dispose());
    const pooled = path === 'pooled';

    async function nextProgramServes(): Promise<void> {
      const next = await fx.start('node', {
        codeDir: fx.code({ 'probe.js': PROBE_APP }),
        entrypoint: 'probe.js:handler',
      });
      assert.equal(next.pooled, pooled);
      await next.handle.ready;
      assert.deepEqual(JSON.parse((await get(next.handle.socketPath, '/')).body), { ok: true, value: 'probe' });
    }

    it('an ASGI app that fails to import: PROGRAM_EXITED, its traceback and exit in its logs', async () => {
      const codeDir = fx.code({ 'main.py': 'raise RuntimeError("boom at import")\n' });
      const started = await fx.start('python', { codeDir, entrypoint: 'main:app' });
      assert.equal(started.pooled, pooled);
      await assert.rejects(started.handle.ready, { code: 'PROGRAM_EXITED' });
      assert.match(started.logText(), /RuntimeError: boom at import/);
      const lines = systemLines(started.logText());
      assert.equal(lines.length, 2, lines.join('\n'));
      assert.match(lines[0], /^\[system\] starting main:app \(memory 256 MiB, 1 vCPU, cgroup-v[12], internet off\)$/);
      assert.equal(lines[1], '[system] exited with code 1');
      await nextProgramServes();
    });

    it('a Node module that throws at import: PROGRAM_EXITED with the error', async () => {
      const codeDir = fx.code({ 'main.js': 'throw new Error("no config at import");\n' });
      const started = await fx.start('node', { codeDir, entrypoint: 'main.js:handler' });
      assert.equal(started.pooled, pooled);
      await assert.rejects(started.handle.ready, { code: 'PROGRAM_EXITED' });
      assert.match(started.logText(), /no config at import/);
      await nextProgramServes();
    });

    it('a Node module whose import never finishes: PROGRAM_NOT_LISTENING at its deadline, then stopped', async () => {
      const codeDir = fx.code({ 'main.mjs': 'await new Promise(() => setInterval(() => {}, 1000));\n' });
      const started = await fx.start('node', { codeDir, entrypoint: 'main.mjs:handler', startTimeoutMs: 1500 });
      assert.equal(started.pooled, pooled);
      await assert.rejects(started.handle.ready, { code: 'PROGRAM_NOT_LISTENING' });
      assert.equal((await started.handle.exited).reason, 'stopped');
      await nextProgramServes();
    });

    it("a program over its own memory limit (not the pool's) is killed and says so", async () => {
      const started = await fx.start('node', {
        codeDir: fx.code({ 'probe.js': PROBE_APP }),
        entrypoint: 'probe.js:handler',
        memoryMiB: 128,
      });
      assert.equal(started.pooled, pooled);
      await started.handle.ready;
      await assert.rejects(get(started.handle.socketPath, '/hog'));
      assert.equal((await started.handle.exited).reason, 'killed: out of memory (limit 128 MiB)');
      await nextProgramServes();
    });
  });

describe('sandbox pool', () => {
  const fx = new SandboxFixture();
  after(() => fx.dispose());

  it('takes nothing at size 0, nor a run.sh script, persistent volumes or a mount point inside the runtime', async () => {
    const runtimeRoot = await cachedRuntime('node');
    const base = {
      instanceId: 'pool-test',
      runtimeRoot,
      codeDir: fx.code({ 'probe.js': PROBE_APP, 'run.sh': { body: '#!/bin/sh\n', mode: 0o755 } }),
      entrypoint: 'probe.js:handler',
      env: {},
      internet: false,
      memoryMiB: 128,
      vcpus: 1,
      volumes: [],
      workDir: join(fx.dir, 'w'),
      onLog: () => {},
      hostUid: fx.uids.uidFor('pool-test'),
    };
    const pool = new SandboxPool({ dir: join(fx.dir, 'pool'), uids: fx.uids, size: 0 });
    assert.equal(pool.keyOf(base), null);
    pool.size = 1;
    assert.notEqual(pool.keyOf(base), null);
    assert.equal(pool.keyOf({ ...base, entrypoint: 'run.sh' }), null);
    assert.equal(
      pool.keyOf({ ...base, volumes: [{ kind: 'persistent', mount: '/data', hostPath: fx.mkdir('p') }] }),
      null,
    );
    assert.equal(
      pool.keyOf({ ...base, volumes: [{ kind: 'ephemeral', mount: '/usr/local/cache', sizeMiB: 1 }] }),
      null,
    );
    assert.notEqual(pool.keyOf({ ...base, volumes: [{ kind: 'ephemeral', mount: '/cache', sizeMiB: 1 }] }), null);
    // Read by the interpreter as it starts, which a pooled one has done already.
    assert.equal(pool.keyOf({ ...base, env: { NODE_OPTIONS: '--max-old-space-size=64' } }), null);
    assert.notEqual(pool.keyOf({ ...base, env: { GREETING: 'hi' } }), null);
    // Internet on and off are separate pools: a program only gets a sandbox of its own setting.
    assert.notEqual(pool.keyOf(base)?.key, pool.keyOf({ ...base, internet: true })?.key);
    await pool.close();
  });
});
