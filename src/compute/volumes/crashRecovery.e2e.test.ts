import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { generatePrivateKey } from 'viem/accounts';
import { accountFromPrivateKey } from '../../client/accounts/account.js';
import { deployProgram } from '../../client/actions/deployProgram.js';
import { prepareCode } from '../../client/code/prepareCode.js';
import { PROBE_APP } from '../testing/sandboxFixture.js';
import { mountsUnder } from './ext4Image.js';

const BIN = fileURLToPath(new URL('../../../bin/aleph.js', import.meta.url));

/** `aleph devnet` as its own process (so it can be killed as a crash would), once it prints its URLs. */
async function devnet(
  home: string,
): Promise<{ child: ChildProcess; api: string; compute: string; nodeRuntime: string }> {
  const child = spawn(process.execPath, [BIN, 'devnet', '--home', home, '--api-port', '0', '--compute-port', '0'], {
    env: { ...process.env, ALEPH_FROM_SOURCE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`devnet did not start: ${text}`)), 90_000);
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('Press Ctrl-C')) {
        clearTimeout(timer);
        resolve(text);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`devnet exited ${code}: ${text}`));
    });
  });
  return {
    child,
    api: /API:\s+(\S+)/.exec(out)![1],
    compute: /Compute:\s+(\S+)/.exec(out)![1],
    nodeRuntime: /Runtime node\s+(\S+)/.exec(out)![1],
  };
}

const exited = (c: ChildProcess) =>
  new Promise((ok) => (c.exitCode !== null || c.signalCode !== null ? ok(null) : c.once('exit', ok)));

test('a compute node killed with its volumes mounted mounts them cleanly at the next start, data intact', async () => {
  const home = realpathSync(mkdtempSync(join(tmpdir(), 'aleph-crash-')));
  const mounts = join(home, 'compute', 'volume-mounts');
  const running: ChildProcess[] = [];
  try {
    const first = await devnet(home);
    running.push(first.child);
    const code = join(home, 'code');
    mkdirSync(code);
    writeFileSync(join(code, 'probe.js'), PROBE_APP);
    const config = { apiUrl: first.api, account: accountFromPrivateKey(generatePrivateKey()), channel: 'TEST' };
    const p = await deployProgram(config, {
      code: prepareCode(code),
      entrypoint: 'probe.js:handler',
      runtime: first.nodeRuntime,
      volumes: [{ mount: '/data', name: 'data', size_mib: 2, persistence: 'host' }],
    });
    const write = await (await fetch(`${first.compute}/vm/${p.id}/write?path=/data/kept&data=41`)).json();
    assert.deepEqual(write, { ok: true, value: 'written' });
    assert.equal(mountsUnder(mounts).length, 1);

    first.child.kill('SIGKILL');
    await exited(first.child);
    assert.equal(mountsUnder(mounts).length, 1, 'the crash left the volume mounted');

    const second = await devnet(home);
    running.push(second.child);
    assert.equal(mountsUnder(mounts).length, 0, 'stale mounts cleared at start');
    const read = await (await fetch(`${second.compute}/vm/${p.id}/read?path=/data/kept`)).json();
    assert.deepEqual(read, { ok: true, value: '41' });
    assert.equal(mountsUnder(mounts).length, 1, 'mounted once, not stacked on the stale mount');
  } finally {
    for (const c of running) {
      c.kill('SIGTERM');
      await exited(c);
    }
    for (const mp of mountsUnder(mounts)) spawnSync('umount', ['-l', mp]);
    rmSync(home, { recursive: true, force: true });
  }
});
