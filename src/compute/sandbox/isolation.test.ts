import assert from 'node:assert/strict';
import net from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PROBE_APP, SandboxFixture, get } from '../testing/sandboxFixture.js';

async function ask(socketPath: string, path: string): Promise<{ ok: boolean; value?: string; error?: string }> {
  return JSON.parse((await get(socketPath, path)).body) as { ok: boolean; value?: string; error?: string };
}

describe('sandbox isolation', () => {
  const fx = new SandboxFixture();
  let hostServer: net.Server;
  let port = 0;
  before(async () => {
    hostServer = net.createServer((c) => { c.on('error', () => {}); c.end('host secret service\n'); });
    await new Promise<void>((r) => hostServer.listen(0, '127.0.0.1', r));
    port = (hostServer.address() as net.AddressInfo).port;
  });
  after(async () => { hostServer.close(); await fx.dispose(); });

  it('cannot read a host file outside its mounts, and sees its own root, uid and hostname', async () => {
    const secret = join(fx.mkdir('secrets'), 'secret.txt');
    writeFileSync(secret, 'TOP SECRET');
    const { handle } = await fx.start('node', { codeDir: fx.code({ 'probe.js': PROBE_APP }), entrypoint: 'probe.js:handler' });
    await handle.ready;
    assert.deepEqual(await ask(handle.socketPath, `/read?path=${encodeURIComponent(secret)}`), { ok: false, error: 'ENOENT' });
    assert.equal((await ask(handle.socketPath, '/read?path=/etc/hostname')).ok, false);
    assert.match((await ask(handle.socketPath, '/read?path=/proc/self/status')).value!, /^Uid:\s+1000\s/m);
    assert.deepEqual(await ask(handle.socketPath, '/read?path=/proc/sys/kernel/hostname'), { ok: true, value: 'aleph\n' });
    // Own pid namespace: pid 1 is bwrap's init; its options went via --args, so no host path shows.
    const init = (await ask(handle.socketPath, '/read?path=/proc/1/cmdline')).value!;
    assert.match(init, /^bwrap\0--args\0/);
    assert.ok(!init.includes(fx.dir), init);
  });

  it('cannot write to the runtime root or its code', async () => {
    const { handle } = await fx.start('node', { codeDir: fx.code({ 'probe.js': PROBE_APP }), entrypoint: 'probe.js:handler' });
    await handle.ready;
    assert.deepEqual(await ask(handle.socketPath, '/write?path=/usr/bin/evil'), { ok: false, error: 'EROFS' });
    assert.deepEqual(await ask(handle.socketPath, '/write?path=/opt/code/probe.js'), { ok: false, error: 'EROFS' });
    assert.deepEqual(await ask(handle.socketPath, '/write?path=/tmp/scratch'), { ok: true, value: 'written' });
  });

  it('cannot reach a 127.0.0.1 TCP server of the host when internet is off', async () => {
    const { handle } = await fx.start('node', { codeDir: fx.code({ 'probe.js': PROBE_APP }), entrypoint: 'probe.js:handler' });
    await handle.ready;
    assert.deepEqual(await ask(handle.socketPath, `/connect?port=${port}`), { ok: false, error: 'ECONNREFUSED' });
  });

  it('shares the host network when internet is on (same socket path still serves)', async () => {
    const { handle } = await fx.start('node', { codeDir: fx.code({ 'probe.js': PROBE_APP }), entrypoint: 'probe.js:handler', internet: true });
    await handle.ready;
    assert.deepEqual(await ask(handle.socketPath, `/connect?port=${port}`), { ok: true, value: 'connected' });
  });
});
