import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { unpackRuntime } from '../runtime/unpackRuntime.js';
import { rawZip, zipBomb } from '../../protocol/testing/zipArchives.js';
import { squashfsImage } from '../testing/craftArchives.js';
import { extractCode } from './extractCode.js';
import { checkListingLine } from './extractSquashfs.js';
import { checkTarLine } from './extractTar.js';
import { DEFAULT_EXTRACT_LIMITS } from './archiveErrors.js';
import { sweepPartials } from './sweepPartials.js';
import { verifyTree } from './verifyTree.js';

const dir = mkdtempSync(join(tmpdir(), 'aleph-hostile-'));
let n = 0;
const fresh = (what = 'out') => join(dir, `${what}-${n++}`);
const enc = (s: string) => new TextEncoder().encode(s);
const link = (name: string, target: string) => ({
  name,
  data: enc(target),
  method: 0 as const,
  size: enc(target).length,
  mode: 0o120777,
});
const file = (name: string, body = 'x', mode = 0o100644) => ({
  name,
  data: enc(body),
  method: 0 as const,
  size: enc(body).length,
  mode,
});
function zipAt(entries: Parameters<typeof rawZip>[0]): string {
  const p = join(dir, `z-${n++}.zip`);
  writeFileSync(p, rawZip(entries));
  return p;
}
/** Nothing of a refused extraction remains: neither the destination nor a staging dir beside it. */
function assertNothingLeft(dest: string): void {
  assert.equal(existsSync(dest), false, `${dest} exists`);
  const base = dest.split('/').pop()!;
  assert.deepEqual(
    readdirSync(join(dest, '..')).filter((f) => f.startsWith(`${base}.partial-`)),
    [],
  );
}
function tarAt(name: string, script: string): string {
  const p = join(dir, name);
  execFileSync('python3', [
    '-c',
    `import tarfile, io\nt = tarfile.open(${JSON.stringify(p)}, 'w:gz')\n${script}\nt.close()`,
  ]);
  return p;
}
const TAR_ADD = `
def add(name, type=tarfile.REGTYPE, data=b'', mode=0o644, **kw):
    i = tarfile.TarInfo(name); i.type = type; i.mode = mode; i.size = len(data) if type == tarfile.REGTYPE else 0
    for k, v in kw.items(): setattr(i, k, v)
    t.addfile(i, io.BytesIO(data) if type == tarfile.REGTYPE else None)
`;

after(() => rmSync(dir, { recursive: true, force: true }));

describe('hostile squashfs code', () => {
  it('refuses a device node, a fifo, a socket and a setuid-root binary, leaving nothing on the host', async () => {
    for (const [what, line] of [
      ['device', 'dev/null2 c 666 0 0 1 3'],
      ['block device', 'sda b 666 0 0 8 0'],
      ['fifo', 'fifo i 644 0 0 f'],
      ['socket', 'sock i 644 0 0 s'],
      ['setuid root', 'suid f 4755 0 0 echo owned'],
      ['setgid', 'sgid f 2755 0 0 echo owned'],
    ]) {
      const img = squashfsImage(dir, `sq-${n++}`, { 'run.sh': '#!/bin/sh\n', 'dev/.keep': '' }, [line]);
      const dest = fresh();
      await assert.rejects(extractCode(img, 'squashfs', dest), (e: { code?: string; message?: string }) => {
        assert.equal(e.code, 'ARCHIVE_UNSAFE_ENTRY', what);
        assert.match(e.message!, /device, fifo or socket|setuid or setgid/);
        return true;
      });
      assertNothingLeft(dest);
    }
  });

  it('reads the listing robustly: a device line padded as "1,  3" is refused by the parser itself', () => {
    const acc = { files: 0, bytes: 0 };
    const check = (l: string) => checkListingLine(l, DEFAULT_EXTRACT_LIMITS, 1 << 30, 1000, acc);
    assert.throws(() => check('crw-rw-rw- 0/0                   1,  3 2026-12-01 21:33 R/dev/null2'), {
      code: 'ARCHIVE_UNSAFE_ENTRY',
    });
    assert.throws(() => check('brw-rw---- 0/6                 259,  0 2026-12-01 21:33 R/nvme'), {
      code: 'ARCHIVE_UNSAFE_ENTRY',
    });
    assert.throws(() => check('-rwsr-xr-x 0/0                       6 2026-12-01 21:33 R/suid'), {
      code: 'ARCHIVE_UNSAFE_ENTRY',
    });
    // The tail of a name with a newline in it is not a listing line: refused, not skipped.
    assert.throws(() => check('name-after-a-newline'), { code: 'ARCHIVE_INVALID' });
    check('-rw-r--r-- 1000/1000                 3 2026-12-01 21:32 R/a.txt');
    assert.deepEqual(acc, { files: 1, bytes: 3 });
  });

  it("extracts as the node's own user: owners from the image and setuid bits never land on the host (runtime limits strip them)", async () => {
    const img = squashfsImage(dir, 'owners', { 'usr/bin/sh': '#!/bin/sh\n' }, [
      'owned f 644 1234 1234 echo x',
      'su f 4755 0 0 echo su',
      'sg f 2755 0 0 echo sg',
    ]);
    const root = await unpackRuntime(img, fresh('rtcache'));
    for (const f of ['owned', 'su', 'sg']) {
      const st = lstatSync(join(root, f));
      assert.equal(st.uid, process.getuid!(), `${f} uid`);
      assert.equal(st.gid, process.getgid!(), `${f} gid`);
      assert.equal(st.mode & 0o7000, 0, `${f} has no setuid/setgid/sticky`);
      assert.equal(st.mode & 0o022, 0, `${f} is writable by nobody else`);
    }
    assert.equal(readFileSync(join(root, 'su'), 'utf8'), 'su\n');
    // A runtime's device node is refused too.
    const dev = squashfsImage(dir, 'rtdev', { a: 'a' }, ['kmsg c 644 0 0 1 11']);
    const cache = fresh('rtcache');
    await assert.rejects(unpackRuntime(dev, cache), { code: 'ARCHIVE_UNSAFE_ENTRY' });
    assert.deepEqual(existsSync(cache) ? readdirSync(cache) : [], [], 'no runtime dir and no partial left');
  });

  it("refuses absolute symlinks in code, and contains them in a runtime (resolved from the runtime's root)", async () => {
    const img = squashfsImage(dir, 'abs', { 'a.txt': 'a' }, ['passwd s 777 0 0 /etc/passwd']);
    const dest = fresh();
    await assert.rejects(extractCode(img, 'squashfs', dest), {
      code: 'ARCHIVE_UNSAFE_PATH',
      message: /outside the archive/,
    });
    assertNothingLeft(dest);
    const root = await unpackRuntime(img, fresh('rtcache'));
    assert.equal(
      readlinkSync(join(root, 'passwd')),
      '/etc/passwd',
      "inside the sandbox this is the runtime's own /etc/passwd",
    );
    const out = squashfsImage(dir, 'absout', { 'a.txt': 'a' }, ['up s 777 0 0 /../../etc/passwd']);
    await assert.rejects(unpackRuntime(out, fresh('rtcache')), { code: 'ARCHIVE_UNSAFE_PATH' });
  });

  it('refuses the symlink chain p -> . , e -> p/p/../.. in a squashfs image too (checked on disk after extraction)', async () => {
    const img = squashfsImage(dir, 'chain', { 'a.txt': 'a' }, ['p s 777 0 0 .', 'e s 777 0 0 p/p/../..']);
    const dest = fresh();
    await assert.rejects(extractCode(img, 'squashfs', dest), {
      code: 'ARCHIVE_UNSAFE_PATH',
      message: /'e' is a symlink to 'p\/p\/..\/..', outside/,
    });
    assertNothingLeft(dest);
    await assert.rejects(unpackRuntime(img, fresh('rtcache')), { code: 'ARCHIVE_UNSAFE_PATH' });
  });
});

describe('hostile tar runtimes', () => {
  it('refuses a sparse tar bomb (120 bytes -> 5 GiB) at its header, before the bytes are written', async () => {
    const src = fresh('sparse');
    mkdirSync(src);
    execFileSync('truncate', ['-s', '5G', join(src, 'big')]);
    const bomb = join(dir, 'bomb.tar.gz');
    execFileSync('tar', ['-cSzf', bomb, '-C', src, 'big']);
    const cache = fresh('rtcache');
    const t0 = Date.now();
    await assert.rejects(unpackRuntime(bomb, cache), (e: { code?: string; message?: string }) => {
      assert.equal(e.code, 'ARCHIVE_TOO_LARGE');
      assert.match(e.message!, /expands past 16 MiB/);
      return true;
    });
    assert.ok(Date.now() - t0 < 20_000, 'refused promptly');
    assert.deepEqual(readdirSync(cache), [], 'no runtime and no partial dir left');
  });

  it("refuses device nodes and fifos in a tar, strips setuid bits, and keeps the cache under the caller's dir", async () => {
    const dev = tarAt(
      'dev.tar.gz',
      `${TAR_ADD}\nadd('bin', tarfile.DIRTYPE, mode=0o755)\nadd('dev/null2', tarfile.CHRTYPE, devmajor=1, devminor=3, mode=0o666)`,
    );
    await assert.rejects(unpackRuntime(dev, fresh('rtcache')), {
      code: 'ARCHIVE_UNSAFE_ENTRY',
      message: /device, fifo or socket/,
    });
    const fifo = tarAt('fifo.tar.gz', `${TAR_ADD}\nadd('pipe', tarfile.FIFOTYPE)`);
    await assert.rejects(unpackRuntime(fifo, fresh('rtcache')), { code: 'ARCHIVE_UNSAFE_ENTRY' });
    const suid = tarAt(
      'suid.tar.gz',
      `${TAR_ADD}\nadd('usr/bin/su', data=b'su', mode=0o4755)\nadd('usr/bin/x', data=b'x', mode=0o2777)`,
    );
    const cache = fresh('rtcache');
    const root = await unpackRuntime(suid, cache);
    assert.ok(root.startsWith(cache + '/'), 'unpacked under the given cache dir');
    assert.equal(lstatSync(join(root, 'usr/bin/su')).mode & 0o7777, 0o755);
    assert.equal(lstatSync(join(root, 'usr/bin/x')).mode & 0o7777, 0o755);
  });

  it('parses tar verbose lines robustly', () => {
    const acc = { files: 0, bytes: 0 };
    const check = (l: string) => checkTarLine(l, DEFAULT_EXTRACT_LIMITS, 1 << 30, 1000, acc);
    assert.throws(() => check('crw-rw-rw- 0/0             1,3 1970-01-01 00:00 dev/null2'), {
      code: 'ARCHIVE_UNSAFE_ENTRY',
    });
    assert.throws(() => check('prw-r--r-- 0/0               0 1970-01-01 00:00 fifo'), {
      code: 'ARCHIVE_UNSAFE_ENTRY',
    });
    assert.throws(() => check('V--------- 0/0               0 1970-01-01 00:00 label--Volume Header--'), {
      code: 'ARCHIVE_INVALID',
    });
    assert.throws(() => check('-rw-r--r-- 0/0      5368709120 2026-12-01 21:41 big'), { code: 'ARCHIVE_TOO_LARGE' });
  });
});

describe('hostile zips', () => {
  it('refuses the 510 KB -> 500 MiB bomb by its ratio, honest header or lying one', async () => {
    const honest = join(dir, 'bomb.zip');
    writeFileSync(honest, zipBomb(500));
    assert.ok(readFileSync(honest).length < 600_000);
    const dest = fresh();
    await assert.rejects(extractCode(honest, 'zip', dest), (e: { code?: string; message?: string }) => {
      assert.equal(e.code, 'ARCHIVE_TOO_LARGE');
      assert.match(e.message!, /expands past \d+ MiB \(100x its \d+ bytes\)/);
      return true;
    });
    assertNothingLeft(dest);
    const liar = join(dir, 'liar.zip');
    writeFileSync(liar, zipBomb(500, { lie: true }));
    const d2 = fresh();
    await assert.rejects(extractCode(liar, 'zip', d2), { code: 'ARCHIVE_TOO_LARGE' });
    assertNothingLeft(d2);
  });

  it('refuses the symlink chain p -> . , e -> p/p/../.. and its siblings', async () => {
    const cases: Array<[string, Parameters<typeof rawZip>[0]]> = [
      ['chain through a self link', [link('p', '.'), link('e', 'p/p/../..')]],
      ['chain through a directory symlink', [file('sub/deep/x'), link('d', 'sub/deep'), link('e', 'd/../../..')]],
      ['absolute target', [link('passwd', '/etc/passwd')]],
      ['link to a link that climbs out', [link('a', '..'), link('b', 'a')]],
      ['a loop', [link('a', 'b/x'), link('b', 'a/x')]],
    ];
    for (const [what, entries] of cases) {
      const dest = fresh();
      await assert.rejects(extractCode(zipAt(entries), 'zip', dest), { code: 'ARCHIVE_UNSAFE_PATH' }, what);
      assertNothingLeft(dest);
    }
    // A file written through a symlinked directory entry, whichever comes first in the archive.
    for (const entries of [
      [link('d', 'sub'), file('sub/a'), file('d/evil')],
      [file('d/evil'), link('d', 'sub')],
    ]) {
      const dest = fresh();
      await assert.rejects(extractCode(zipAt(entries), 'zip', dest), (e: { code?: string }) =>
        ['ARCHIVE_UNSAFE_PATH', 'ARCHIVE_INVALID'].includes(e.code!),
      );
      assertNothingLeft(dest);
    }
    // Links that stay inside, through other links, still work.
    const ok = fresh();
    await extractCode(
      zipAt([file('usr/lib/libx.so'), link('lib', 'usr/lib'), link('libx', 'lib/../lib/libx.so')]),
      'zip',
      ok,
    );
    assert.equal(readFileSync(join(ok, 'libx'), 'utf8'), 'x');
  });

  it('bounds the cost of hostile names and link targets: over-long names, deep links, tangles', async () => {
    await assert.rejects(extractCode(zipAt([file(`${'a/'.repeat(2100)}x`)]), 'zip', fresh()), {
      code: 'ARCHIVE_UNSAFE_PATH',
      message: /longer than 4096/,
    });
    // 3,000 links of 1,300 components each to nowhere: resolved in one pass of the trie, not re-joined per step.
    const deep = 'x/'.repeat(1300) + 'y';
    const many = Array.from({ length: 3000 }, (_, i) => link(`l${i}`, deep));
    const t0 = Date.now();
    const ok = fresh();
    await extractCode(zipAt(many), 'zip', ok);
    assert.equal(readlinkSync(join(ok, 'l2999')), deep);
    // Each of these follows `a0` at every component: refused at the follow bound, at once.
    const tangled = [
      link('a0', '.'),
      ...Array.from({ length: 500 }, (_, i) => link(`a${i + 1}`, 'a0/'.repeat(1300) + '..')),
    ];
    await assert.rejects(extractCode(zipAt(tangled), 'zip', fresh()), { code: 'ARCHIVE_UNSAFE_PATH' });
    assert.ok(Date.now() - t0 < 60_000, `took ${Date.now() - t0} ms`);
  });

  it('refuses duplicate entries, so governance and the sandbox cannot see different files', async () => {
    const dest = fresh();
    await assert.rejects(extractCode(zipAt([file('program.toml', 'a'), file('./program.toml', 'b')]), 'zip', dest), {
      code: 'ARCHIVE_INVALID',
      message: /appears twice/,
    });
    assertNothingLeft(dest);
  });

  it('refuses an archive file bigger than the byte cap before reading it', async () => {
    const big = zipAt([file('pad', 'x'.repeat(4096))]);
    await assert.rejects(extractCode(big, 'zip', fresh(), { maxBytes: 1024 }), { code: 'ARCHIVE_TOO_LARGE' });
  });

  it('refuses setuid entries in code zips', async () => {
    await assert.rejects(extractCode(zipAt([file('suid', 'x', 0o104755)]), 'zip', fresh()), {
      code: 'ARCHIVE_UNSAFE_ENTRY',
    });
  });
});

describe('the check after a tool extracted a tree (defence in depth)', () => {
  const runtime = { ...DEFAULT_EXTRACT_LIMITS, setuid: 'strip' as const, absoluteLinks: 'root' as const };
  const tree = (build: (root: string) => void) => {
    const root = fresh('tree');
    mkdirSync(root);
    build(root);
    return root;
  };

  it('refuses a fifo, a hard link to a file outside the tree, and a chain of links out', () => {
    assert.throws(
      () =>
        verifyTree(
          tree((r) => execFileSync('mkfifo', [join(r, 'pipe')])),
          runtime,
          1 << 30,
          1,
        ),
      { code: 'ARCHIVE_UNSAFE_ENTRY' },
    );
    const outside = join(dir, `outside-${n++}`);
    writeFileSync(outside, 'host file');
    assert.throws(
      () =>
        verifyTree(
          tree((r) => linkSync(outside, join(r, 'h'))),
          runtime,
          1 << 30,
          1,
        ),
      { code: 'ARCHIVE_UNSAFE_PATH', message: /hard link/ },
    );
    assert.throws(
      () =>
        verifyTree(
          tree((r) => {
            symlinkSync('.', join(r, 'p'));
            symlinkSync('p/p/../..', join(r, 'e'));
          }),
          runtime,
          1 << 30,
          1,
        ),
      { code: 'ARCHIVE_UNSAFE_PATH' },
    );
  });

  it('strips setuid, setgid, sticky and group/other write bits (runtime), or refuses setuid (code)', () => {
    const root = tree((r) => {
      writeFileSync(join(r, 'su'), 'x');
      chmodSync(join(r, 'su'), 0o4777);
      mkdirSync(join(r, 'tmp'));
      chmodSync(join(r, 'tmp'), 0o1777);
    });
    assert.throws(() => verifyTree(root, DEFAULT_EXTRACT_LIMITS, 1 << 30, 1), { code: 'ARCHIVE_UNSAFE_ENTRY' });
    verifyTree(root, runtime, 1 << 30, 1);
    assert.equal(lstatSync(join(root, 'su')).mode & 0o7777, 0o755);
    assert.equal(lstatSync(join(root, 'tmp')).mode & 0o7777, 0o755);
  });
});

describe('partial directories', () => {
  it('are swept at start when their process is dead, and kept while it lives', () => {
    const home = fresh('home');
    mkdirSync(join(home, 'code', 'abc.partial-999999999-x1'), { recursive: true });
    writeFileSync(join(home, 'code', 'abc.partial-999999999-x1', 'f'), 'half');
    mkdirSync(join(home, 'code', `def.partial-${process.pid}-y2`), { recursive: true });
    mkdirSync(join(home, 'code', 'finished'), { recursive: true });
    const removed = sweepPartials([join(home, 'code'), join(home, 'missing')]);
    assert.deepEqual(removed, [join(home, 'code', 'abc.partial-999999999-x1')]);
    assert.deepEqual(readdirSync(join(home, 'code')).sort(), ['def.partial-' + process.pid + '-y2', 'finished']);
  });
});
