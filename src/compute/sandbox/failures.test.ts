import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { PROBE_APP, SandboxFixture, get } from '../testing/sandboxFixture.js';

describe('start failures, limits and exit reasons', () => {
  const fx = new SandboxFixture();
  after(() => fx.dispose());

  it('a program that exits at once rejects ready with PROGRAM_EXITED and its stderr, quickly', async () => {
    const t = Date.now();
    const codeDir = fx.code({
      'main.py': 'import sys\nprint("cannot start: no config", file=sys.stderr)\nsys.exit(3)\n',
    });
    const { handle } = await fx.start('shell', { codeDir, entrypoint: 'main.py', startTimeoutMs: 10_000 });
    await assert.rejects(handle.ready, (e: { code: string; message: string; details: { stderr: string[] } }) => {
      assert.equal(e.code, 'PROGRAM_EXITED');
      assert.match(e.message, /exited with code \d+ before answering HTTP/);
      return true;
    });
    assert.ok(Date.now() - t < 3000, `took ${Date.now() - t} ms`);
  });

  it('an ASGI app that fails to import reports the exit and the traceback', async () => {
    const codeDir = fx.code({ 'main.py': 'raise RuntimeError("boom at import")\n' });
    const { handle, logText } = await fx.start('python', { codeDir, entrypoint: 'main:app' });
    await assert.rejects(handle.ready, { code: 'PROGRAM_EXITED' });
    assert.match(logText(), /RuntimeError: boom at import/);
    assert.match(logText(), /\[system\] exited with code 1/);
  });

  it('a program that never listens gives PROGRAM_NOT_LISTENING at the deadline and is stopped', async () => {
    const codeDir = fx.code({ 'run.sh': { body: '#!/bin/sh\necho "forgot to listen"\nexec sleep 60\n', mode: 0o755 } });
    const t = Date.now();
    const { handle } = await fx.start('shell', { codeDir, entrypoint: 'run.sh', startTimeoutMs: 1500 });
    await assert.rejects(handle.ready, { code: 'PROGRAM_NOT_LISTENING' });
    assert.ok(Date.now() - t < 4000);
    assert.equal((await handle.exited).reason, 'stopped');
  });

  it('a bad entry point and a missing volume source fail before or at sandbox start', async () => {
    const codeDir = fx.code({ 'probe.js': PROBE_APP });
    const bad = await fx.start('node', { codeDir, entrypoint: '../../etc/passwd' });
    await assert.rejects(bad.handle.ready, { code: 'PROGRAM_ENTRYPOINT_INVALID' });
    const noSrc = await fx.start('node', {
      codeDir,
      entrypoint: 'probe.js:handler',
      volumes: [{ kind: 'immutable', mount: '/data', hostPath: '/nonexistent/aleph' }],
    });
    await assert.rejects(noSrc.handle.ready, { code: 'SANDBOX_START_FAILED' });
  });

  it('a program over its memory is killed and says so in its logs', async () => {
    const { handle, logText } = await fx.start('node', {
      codeDir: fx.code({ 'probe.js': PROBE_APP }),
      entrypoint: 'probe.js:handler',
      memoryMiB: 128,
    });
    await handle.ready;
    await assert.rejects(get(handle.socketPath, '/hog'));
    const exit = await handle.exited;
    assert.equal(exit.reason, 'killed: out of memory (limit 128 MiB)');
    assert.match(logText(), /\[system\] killed: out of memory \(limit 128 MiB\)/);
  });
});
