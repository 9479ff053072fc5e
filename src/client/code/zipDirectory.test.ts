import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { itemHashOf } from '../../protocol/index.js';
import { zipDirectory } from './zipDirectory.js';
import { prepareCode } from './prepareCode.js';

function makeTree(files: [string, string][]): string {
  const dir = mkdtempSync(join(tmpdir(), 'aleph-zip-'));
  for (const [p, body] of files) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), body);
  }
  return dir;
}

test('the same tree zips to the same bytes, whatever the creation order and mtimes', () => {
  const a = makeTree([
    ['main.py', 'app = 1'],
    ['lib/b.py', 'b'],
    ['lib/a.py', 'a'],
    ['run.sh', 'echo'],
  ]);
  const b = makeTree([
    ['run.sh', 'echo'],
    ['lib/a.py', 'a'],
    ['main.py', 'app = 1'],
    ['lib/b.py', 'b'],
  ]);
  chmodSync(join(a, 'run.sh'), 0o755);
  chmodSync(join(b, 'run.sh'), 0o755);
  utimesSync(join(b, 'main.py'), new Date(2001, 1, 1), new Date(2001, 1, 1));
  assert.equal(itemHashOf(zipDirectory(a)), itemHashOf(zipDirectory(b)));
  const files = unzipSync(zipDirectory(a));
  assert.deepEqual(Object.keys(files), ['lib/', 'lib/a.py', 'lib/b.py', 'main.py', 'run.sh']);
  assert.equal(new TextDecoder().decode(files['main.py']), 'app = 1');
});

test('content and the executable bit change the hash', () => {
  const a = makeTree([['run.sh', 'echo']]);
  const h1 = itemHashOf(zipDirectory(a));
  chmodSync(join(a, 'run.sh'), 0o755);
  const h2 = itemHashOf(zipDirectory(a));
  writeFileSync(join(a, 'run.sh'), 'echo 2');
  assert.equal(new Set([h1, h2, itemHashOf(zipDirectory(a))]).size, 3);
});

test('prepareCode zips directories, keeps archives as-is and refuses other files', () => {
  const dir = makeTree([['main.py', 'x']]);
  const zipped = prepareCode(dir);
  assert.equal(zipped.encoding, 'zip');
  const zipPath = join(mkdtempSync(join(tmpdir(), 'aleph-zip-')), 'code.zip');
  writeFileSync(zipPath, zipped.bytes);
  assert.deepEqual(prepareCode(zipPath).bytes, zipped.bytes);
  const sq = join(dir, 'root.squashfs');
  writeFileSync(sq, Buffer.from('hsqs....'));
  assert.equal(prepareCode(sq).encoding, 'squashfs');
  assert.throws(() => prepareCode(join(dir, 'main.py')), { code: 'CODE_INVALID_ARCHIVE' });
  assert.throws(() => prepareCode(join(dir, 'nope')), { code: 'CODE_NOT_FOUND' });
});
