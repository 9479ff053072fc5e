import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { assertVolumeMount } from './mountLayout.js';
import { resolveEntrypoint } from './resolveEntrypoint.js';

describe('resolveEntrypoint', () => {
  const code = mkdtempSync(join(tmpdir(), 'aleph-entry-'));
  writeFileSync(join(code, 'main.js'), '');
  writeFileSync(join(code, 'run.sh'), '', { mode: 0o755 });
  writeFileSync(join(code, 'start'), '', { mode: 0o644 });
  after(() => rmSync(code, { recursive: true, force: true }));

  it('tells the three kinds apart', () => {
    assert.deepEqual(resolveEntrypoint('main:app', code), { kind: 'asgi', module: 'main', attr: 'app' });
    assert.deepEqual(resolveEntrypoint('pkg.web:application', code), {
      kind: 'asgi',
      module: 'pkg.web',
      attr: 'application',
    });
    assert.deepEqual(resolveEntrypoint('main.js:handler', code), {
      kind: 'node',
      file: 'main.js',
      exportName: 'handler',
    });
    assert.deepEqual(resolveEntrypoint('main.js', code), { kind: 'node', file: 'main.js', exportName: null });
    assert.deepEqual(resolveEntrypoint('main', code), { kind: 'node', file: 'main.js', exportName: null });
    assert.deepEqual(resolveEntrypoint('run.sh', code), { kind: 'script', file: 'run.sh', executable: true });
    assert.deepEqual(resolveEntrypoint('start', code), { kind: 'script', file: 'start', executable: false });
  });

  it('refuses entry points that escape the code or do not exist', () => {
    for (const e of ['', '../x.js', '/etc/passwd', 'missing.sh', 'main:1bad', 'a-b:app', 'main.js:no-t']) {
      assert.throws(() => resolveEntrypoint(e, code), { code: 'PROGRAM_ENTRYPOINT_INVALID' }, e);
    }
  });
});

describe('assertVolumeMount', () => {
  it('accepts plain absolute paths and refuses the sandbox’s own', () => {
    assert.equal(assertVolumeMount('/var/lib/app'), '/var/lib/app');
    for (const m of ['data', '/', '/data/', '/a/../b', '/proc', '/opt', '/opt/code/x', '/run/aleph', '/tmp/x']) {
      assert.throws(() => assertVolumeMount(m), { code: 'VOLUME_MOUNT_INVALID' }, m);
    }
  });
});
