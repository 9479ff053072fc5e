import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { AlephError } from '../../errors.js';
import { PROBE_APP, SandboxFixture, get } from '../testing/sandboxFixture.js';
import { createResourceLimits, type PidLimits } from './resourceLimits.js';

/** An ASGI app whose /bomb forks sleeping children until the kernel refuses, and reports how far it got. */
const FORK_BOMB = String.raw`
import os, time
async def app(scope, receive, send):
    if scope['type'] != 'http':
        return
    forks, error = 0, None
    if scope['path'] == '/bomb':
        while forks < 10000:
            try:
                pid = os.fork()
            except OSError as e:
                error = e.__class__.__name__; break
            if pid == 0:
                time.sleep(60); os._exit(0)
            forks += 1
    body = ('%d %s' % (forks, error)).encode()
    await send({'type': 'http.response.start', 'status': 200, 'headers': [(b'content-type', b'text/plain')]})
    await send({'type': 'http.response.body', 'body': body})
`;

const V1_PIDS = '/sys/fs/cgroup/pids';

describe('sandbox pid limits', () => {
  const fx = new SandboxFixture();
  // A budget group of its own: the shared 'aleph' group's budget belongs to the host's compute nodes.
  const group = `aleph-test-pids-${process.pid}`;
  after(async () => {
    await fx.dispose();
    try {
      rmdirSync(join(V1_PIDS, group));
    } catch {
      /* v2 host, or not created */
    }
  });

  it('contains a fork bomb at the per-program limit; another program under the same 2-program budget still starts and answers', async () => {
    const pids: PidLimits = { max: 48, budget: { group, max: 96 } };
    const bomb = await fx.start('python', { codeDir: fx.code({ 'main.py': FORK_BOMB }), entrypoint: 'main:app', pids });
    await bomb.handle.ready;
    const r = await get(bomb.handle.socketPath, '/bomb');
    const [forks, error] = r.body.split(' ');
    assert.equal(error, 'BlockingIOError', r.body); // EAGAIN from fork: the limit, not a crash
    assert.ok(Number(forks) > 0 && Number(forks) < pids.max, r.body);
    if (existsSync(join(V1_PIDS, group))) {
      assert.equal(readFileSync(join(V1_PIDS, group, 'pids.max'), 'utf8').trim(), '96');
      assert.ok(Number(readFileSync(join(V1_PIDS, group, 'pids.current'), 'utf8')) >= Number(forks));
    }
    // The bomb's own program keeps answering, and a second program fits in what is left of the budget.
    assert.equal((await get(bomb.handle.socketPath, '/')).status, 200);
    const other = await fx.start('node', {
      codeDir: fx.code({ 'probe.js': PROBE_APP }),
      entrypoint: 'probe.js:handler',
      pids,
    });
    await other.handle.ready;
    assert.equal((await get(other.handle.socketPath, '/')).status, 200);
  });

  it('refuses unusable pid limits with a clear code', () => {
    assert.throws(
      () => createResourceLimits('x', 64, 1, { max: 0, budget: { group, max: 10 } }),
      (e: AlephError) => e.code === 'SANDBOX_PIDS_LIMIT_INVALID',
    );
    assert.throws(
      () => createResourceLimits('x', 64, 1, { max: 10, budget: { group: '../escape', max: 10 } }),
      (e: AlephError) => e.code === 'SANDBOX_PIDS_LIMIT_INVALID',
    );
    assert.throws(
      () => createResourceLimits('x', 64, 1, { max: 10, budget: { group, max: 5 } }),
      (e: AlephError) => e.code === 'SANDBOX_PIDS_LIMIT_INVALID',
    );
  });
});
