import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { zipSync, type Zippable } from 'fflate';
import { extractCode } from './extractCode.js';

const dir = mkdtempSync(join(tmpdir(), 'aleph-archive-'));
let n = 0;
const out = () => join(dir, `out-${n++}`);
const unix = (mode: number) => ({ os: 3, attrs: mode << 16 });
function zipFile(files: Zippable, patch?: (b: Uint8Array) => void): string {
  const b = zipSync(files, { level: 9 });
  patch?.(b);
  const p = join(dir, `a-${n++}.zip`);
  writeFileSync(p, b);
  return p;
}

describe('extractCode', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('extracts a zip keeping the executable bit and in-archive symlinks', async () => {
    const enc = new TextEncoder();
    const z = zipFile({
      'run.sh': [enc.encode('#!/bin/sh\n'), unix(0o100755)],
      'app/main.py': [enc.encode('app = 1\n'), unix(0o100644)],
      'app/link.py': [enc.encode('main.py'), unix(0o120777)],
    });
    const d = out();
    await extractCode(z, 'zip', d);
    assert.equal(lstatSync(join(d, 'run.sh')).mode & 0o777, 0o755);
    assert.equal(readFileSync(join(d, 'app/main.py'), 'utf8'), 'app = 1\n');
    assert.equal(readlinkSync(join(d, 'app/link.py')), 'main.py');
  });

  it('refuses zip-slip paths and leaves nothing behind', async () => {
    for (const name of ['../evil.sh', 'a/../../evil.sh', '/etc/evil', 'C:/evil', 'a\\..\\..\\evil']) {
      const d = out();
      await assert.rejects(
        extractCode(zipFile({ [name]: new TextEncoder().encode('x') }), 'zip', d),
        { code: 'ARCHIVE_UNSAFE_PATH' },
        name,
      );
      assert.equal(existsSync(d), false);
    }
    assert.equal(existsSync(join(dir, 'evil.sh')), false);
  });

  it('refuses a symlink that points out of the archive', async () => {
    const z = zipFile({ passwd: [new TextEncoder().encode('../../../etc/passwd'), unix(0o120777)] });
    await assert.rejects(extractCode(z, 'zip', out()), { code: 'ARCHIVE_UNSAFE_PATH', message: /outside the archive/ });
  });

  it('refuses archives that expand past the limits, even when the header lies', async () => {
    const big = new Uint8Array(4 * 1024 * 1024); // compresses to a few KiB
    const limits = { maxBytes: 1024 * 1024, maxFiles: 10 };
    await assert.rejects(extractCode(zipFile({ 'zeros.bin': big }), 'zip', out(), limits), {
      code: 'ARCHIVE_TOO_LARGE',
      message: /past 1 MiB/,
    });
    // A bomb that declares 100 bytes in its central directory: caught while inflating.
    const liar = zipFile({ 'zeros.bin': big }, (b) => {
      const v = new DataView(b.buffer, b.byteOffset);
      for (let i = 0; i < b.length - 4; i++) if (v.getUint32(i, true) === 0x02014b50) v.setUint32(i + 24, 100, true);
    });
    await assert.rejects(extractCode(liar, 'zip', out(), limits), { code: 'ARCHIVE_TOO_LARGE' });
    const many: Zippable = {};
    for (let i = 0; i < 11; i++) many[`f${i}`] = new Uint8Array(1);
    await assert.rejects(extractCode(zipFile(many), 'zip', out(), limits), {
      code: 'ARCHIVE_TOO_LARGE',
      message: /10 files/,
    });
  });

  it('refuses garbage as ARCHIVE_INVALID', async () => {
    const p = join(dir, 'garbage.zip');
    writeFileSync(p, 'not a zip at all');
    await assert.rejects(extractCode(p, 'zip', out()), { code: 'ARCHIVE_INVALID' });
    await assert.rejects(extractCode(p, 'squashfs', out()), { code: 'ARCHIVE_INVALID' });
  });

  it('extracts squashfs images and applies the same limits', async () => {
    const src = join(dir, 'sq-src');
    mkdirSync(join(src, 'lib'), { recursive: true });
    writeFileSync(join(src, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(src, 'lib/data.bin'), Buffer.alloc(2 * 1024 * 1024));
    symlinkSync('lib/data.bin', join(src, 'data'));
    const img = join(dir, 'code.squashfs');
    execFileSync('mksquashfs', [src, img, '-noappend', '-quiet', '-no-progress']);
    const d = out();
    await extractCode(img, 'squashfs', d);
    assert.equal(lstatSync(join(d, 'run.sh')).mode & 0o777, 0o755);
    assert.equal(readlinkSync(join(d, 'data')), 'lib/data.bin');
    await assert.rejects(extractCode(img, 'squashfs', out(), { maxBytes: 1024 * 1024, maxFiles: 100 }), {
      code: 'ARCHIVE_TOO_LARGE',
    });
  });

  it('copies a plain directory or single file', async () => {
    const d = out();
    await extractCode(join(dir, 'sq-src'), 'plain', d);
    assert.ok(existsSync(join(d, 'lib/data.bin')));
    const f = join(dir, 'main.py');
    writeFileSync(f, 'app = 1\n');
    const d2 = out();
    await extractCode(f, 'plain', d2);
    assert.equal(readFileSync(join(d2, 'main.py'), 'utf8'), 'app = 1\n');
  });
});
