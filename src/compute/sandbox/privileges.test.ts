import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { PROBE_APP, SandboxFixture, get } from '../testing/sandboxFixture.js';
import { PROC_MASKED, PROC_READONLY } from './procfsMasks.js';

type Answer = { ok: boolean; value?: string; error?: string };
async function ask(socketPath: string, path: string): Promise<Answer> {
  return JSON.parse((await get(socketPath, path)).body) as Answer;
}

/**
 * A program must not reach the host's privileges through the sandbox. The compute node runs as root, so the
 * sandbox uid maps to host uid 0: everything that checks the global uid rather than capabilities is an escape.
 */
describe('sandbox privileges: kernel settings', () => {
  const fx = new SandboxFixture();
  after(() => fx.dispose());
  const probe = () => fx.start('node', { codeDir: fx.code({ 'probe.js': PROBE_APP }), entrypoint: 'probe.js:handler' });

  it('cannot set kernel.core_pattern or any other sysctl, and keeps answering', async () => {
    const { handle } = await probe();
    await handle.ready;
    // Each write puts back the value already there, so a failing test never changes the host.
    for (const knob of ['/proc/sys/kernel/core_pattern', '/proc/sys/kernel/modprobe', '/proc/sys/vm/swappiness', '/proc/sys/kernel/printk_ratelimit']) {
      if (!existsSync(knob)) continue;
      const current = readFileSync(knob, 'utf8').trimEnd();
      const seen = await ask(handle.socketPath, `/read?path=${encodeURIComponent(knob)}`);
      assert.equal(seen.ok, true, knob);
      assert.deepEqual(await ask(handle.socketPath, `/write?path=${encodeURIComponent(knob)}&data=${encodeURIComponent(current)}`), { ok: false, error: 'EROFS' }, knob);
    }
    assert.deepEqual(await ask(handle.socketPath, '/'), { ok: true, value: 'probe' });
  });

  it('sees its own hostname through the read-only /proc/sys', async () => {
    const { handle } = await probe();
    await handle.ready;
    assert.deepEqual(await ask(handle.socketPath, '/read?path=/proc/sys/kernel/hostname'), { ok: true, value: 'aleph\n' });
  });

  it('every other global /proc knob is read-only and host-state files read empty', async () => {
    const { handle } = await probe();
    await handle.ready;
    const mounts = (await ask(handle.socketPath, '/read?path=/proc/self/mounts')).value!;
    for (const p of PROC_READONLY) {
      if (!existsSync(p)) continue;
      const line = mounts.split('\n').reverse().find((l) => l.split(' ')[1] === p);
      assert.ok(line, `${p} is not a mount point inside:\n${mounts}`);
      assert.match(line.split(' ')[3], /^ro,/, `${p}: ${line}`);
    }
    for (const p of PROC_MASKED) {
      if (!existsSync(p)) continue;
      const r = await ask(handle.socketPath, `/read?path=${encodeURIComponent(p)}`);
      if (r.ok) assert.equal(r.value, '', p);
      else assert.equal(r.error, 'EISDIR', p); // a masked directory: an empty read-only tmpfs
    }
    assert.deepEqual(await ask(handle.socketPath, '/write?path=/proc/acpi/x'), existsSync('/proc/acpi') ? { ok: false, error: 'EROFS' } : { ok: false, error: 'ENOENT' });
  });
});
