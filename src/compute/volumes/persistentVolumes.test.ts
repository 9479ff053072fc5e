import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PROBE_APP, SandboxFixture, get } from '../testing/sandboxFixture.js';
import { loopDevicesOf, mountsUnder } from './ext4Image.js';
import { pathBeneath } from './pathBeneath.js';
import { PersistentVolumes } from './persistentVolumes.js';

const ID = 'ab'.repeat(32);
const MiB = 1024 * 1024;

async function ask(socketPath: string, path: string): Promise<{ ok: boolean; value?: string; error?: string }> {
  return JSON.parse((await get(socketPath, path)).body) as { ok: boolean; value?: string; error?: string };
}

describe("pathBeneath: host paths built from a program's data", () => {
  const fx = new SandboxFixture();
  after(() => fx.dispose());

  it('creates plain directories under the root', () => {
    const root = fx.mkdir('pb-ok');
    assert.equal(pathBeneath(root, [ID, 'data'], { create: true }), join(root, ID, 'data'));
    assert.ok(lstatSync(join(root, ID, 'data')).isDirectory());
  });

  it('refuses dot segments and separators', () => {
    const root = fx.mkdir('pb-dots');
    for (const seg of ['.', '..', '', 'a/b', '../etc']) {
      assert.throws(() => pathBeneath(root, [ID, seg], { create: true }), { code: 'COMPUTE_PATH_UNSAFE' }, seg);
    }
    assert.deepEqual(readdirSync(root), [ID], 'nothing created outside the program directory');
  });

  it('never follows a planted symlink, at any component', () => {
    const root = fx.mkdir('pb-links');
    mkdirSync(join(root, ID));
    symlinkSync('/', join(root, ID, 'hostroot'));
    assert.throws(() => pathBeneath(root, [ID, 'hostroot'], { create: true }), /a component is a symlink/);
    symlinkSync(root, join(root, 'other'));
    assert.throws(() => pathBeneath(root, ['other', ID], { create: true }), { code: 'COMPUTE_PATH_UNSAFE' });
    symlinkSync('/etc/passwd', join(root, ID, 'image.ext4'));
    assert.throws(() => pathBeneath(root, [ID, 'image.ext4'], { leaf: 'file' }), /symlink/);
    writeFileSync(join(root, ID, 'file'), 'x');
    assert.throws(() => pathBeneath(root, [ID, 'file', 'below'], { create: true }), /not a directory/);
  });
});

describe('persistent volumes: one loop-mounted ext4 image each', () => {
  const fx = new SandboxFixture();
  const home = fx.mkdir('compute');
  let vols = new PersistentVolumes(home);
  after(async () => {
    await vols.close();
    await fx.dispose();
  });
  const probe = fx.code({ 'probe.js': PROBE_APP });
  const startWith = async (hostPath: string) => {
    const s = await fx.start('node', {
      codeDir: probe,
      entrypoint: 'probe.js:handler',
      volumes: [{ kind: 'persistent', mount: '/data', hostPath }],
      hostUid: fx.uids.uidFor(ID),
    });
    await s.handle.ready;
    return s.handle;
  };
  const image = join(home, 'volume-images', ID, 'data.ext4');
  const unmounted = async () => {
    for (const t0 = Date.now(); mountsUnder(join(home, 'volume-mounts')).length && Date.now() - t0 < 5000; )
      await new Promise((r) => setTimeout(r, 20));
  };

  it('a program writing past size_mib gets ENOSPC and the host disk holds at most size_mib', async () => {
    const lease = await vols.acquire(ID, 'data', 2);
    assert.ok(mountsUnder(join(home, 'volume-mounts')).includes(lease.hostPath), 'mounted');
    const h = await startWith(lease.hostPath);
    assert.deepEqual(await ask(h.socketPath, '/write?path=/data/kept&data=41'), { ok: true, value: 'written' });
    assert.deepEqual(await ask(h.socketPath, `/write?path=/data/big&bytes=${3 * MiB}`), { ok: false, error: 'ENOSPC' });
    await h.stop();
    const st = statSync(image);
    assert.equal(st.size, 2 * MiB);
    assert.ok(st.blocks * 512 <= 2 * MiB, `allocated ${st.blocks * 512} bytes`);
    // Kept mounted for a crash below: no release.
  });

  it('keeps data across a crash: stale mounts are cleared at start and the image is mounted again', async () => {
    // A new instance over the same home without close(): what a compute node restarted after a crash sees.
    vols = new PersistentVolumes(home);
    await vols.recover();
    assert.deepEqual(mountsUnder(join(home, 'volume-mounts')), []);
    const lease = await vols.acquire(ID, 'data', 2);
    const h = await startWith(lease.hostPath);
    assert.deepEqual(await ask(h.socketPath, '/read?path=/data/kept'), { ok: true, value: '41' });
    await h.stop();
    lease.release();
  });

  it('is mounted while an instance holds it, unmounted when the last one lets go', async () => {
    const a = await vols.acquire(ID, 'data', 2);
    const b = await vols.acquire(ID, 'data', 2);
    assert.equal(a.hostPath, b.hostPath);
    a.release();
    a.release();
    assert.ok(mountsUnder(a.hostPath).length === 1, 'still held by b');
    b.release();
    const c = await vols.acquire(ID, 'data', 2); // waits behind the unmount, then mounts again
    c.release();
    await vols.acquire(ID, 'other', 1).then((l) => l.release());
    await unmounted();
    assert.deepEqual(mountsUnder(join(home, 'volume-mounts')), []);
  });

  it('grows when a later edition declares more, never shrinks, and keeps the data', async () => {
    const held = await vols.acquire(ID, 'data', 2);
    // Online where the kernel allows (CAP_SYS_RESOURCE); otherwise the image grows at the next mount.
    (await vols.acquire(ID, 'data', 8)).release();
    held.release();
    await unmounted();
    const lease = await vols.acquire(ID, 'data', 8);
    assert.equal(statSync(image).size, 8 * MiB);
    const h = await startWith(lease.hostPath);
    assert.deepEqual(await ask(h.socketPath, `/write?path=/data/big&bytes=${3 * MiB}`), { ok: true, value: 'written' });
    assert.deepEqual(await ask(h.socketPath, '/read?path=/data/kept'), { ok: true, value: '41' });
    await h.stop();
    lease.release();
    (await vols.acquire(ID, 'data', 1)).release();
    assert.equal(statSync(image).size, 8 * MiB, 'not shrunk');
  });

  it('refuses a symlink planted where a mount point or an image belongs, and mounts nothing', async () => {
    const other = 'cd'.repeat(32);
    mkdirSync(join(home, 'volume-mounts', other), { recursive: true });
    symlinkSync('/', join(home, 'volume-mounts', other, 'hostroot'));
    await assert.rejects(vols.acquire(other, 'hostroot', 1), { code: 'COMPUTE_PATH_UNSAFE' });
    mkdirSync(join(home, 'volume-images', other), { recursive: true });
    symlinkSync('/etc/hostname', join(home, 'volume-images', other, 'x.ext4'));
    await assert.rejects(vols.acquire(other, 'x', 1), { code: 'COMPUTE_PATH_UNSAFE' });
    // `..` as a program id would reach every program's volumes: refused before any path is built.
    await assert.rejects(vols.acquire('..', 'data', 1), { code: 'COMPUTE_PATH_UNSAFE' });
    assert.ok(!mountsUnder('/').some((m) => m.startsWith(join(home, 'volume-mounts', other))), 'nothing mounted');
    assert.ok(!existsSync(join(home, 'volume-images', other, 'hostroot.ext4')));
  });

  it('moves a volume directory from before volumes were images into the new image, links not followed', async () => {
    const old = 'ef'.repeat(32);
    const legacy = join(home, 'volumes', old, 'data');
    mkdirSync(legacy, { recursive: true });
    writeFileSync(join(legacy, 'counter'), '7');
    symlinkSync('/etc', join(legacy, 'hostetc'));
    const lease = await vols.acquire(old, 'data', 2);
    const h = await startWith(lease.hostPath);
    assert.deepEqual(await ask(h.socketPath, '/read?path=/data/counter'), { ok: true, value: '7' });
    assert.ok(lstatSync(join(lease.hostPath, 'hostetc')).isSymbolicLink(), 'copied as a link, its target not copied');
    await h.stop();
    lease.release();
    // Too big for the declared size: refused, no image left behind, the old directory intact.
    const big = '12'.repeat(32);
    mkdirSync(join(home, 'volumes', big, 'data'), { recursive: true });
    writeFileSync(join(home, 'volumes', big, 'data', 'blob'), Buffer.alloc(3 * MiB, 1));
    await assert.rejects(vols.acquire(big, 'data', 2), { code: 'COMPUTE_VOLUME_FAILED' });
    assert.ok(!existsSync(join(home, 'volume-images', big, 'data.ext4')));
    assert.equal(statSync(join(home, 'volumes', big, 'data', 'blob')).size, 3 * MiB);
  });

  it('without root (or loop devices) a persistent volume is refused with a clear error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aleph-noroot-'));
    try {
      chmodSync(dir, 0o777);
      const script = join(dir, 'acquire.ts');
      // The status is the compute node's mapping of the code (errors carry none).
      writeFileSync(
        script,
        `import { PersistentVolumes } from ${JSON.stringify(join(import.meta.dirname, 'persistentVolumes.ts'))};
import { computeStatusOf } from ${JSON.stringify(join(import.meta.dirname, '..', 'errorStatus.ts'))};
new PersistentVolumes(${JSON.stringify(join(dir, 'home'))}).acquire('${ID}', 'data', 1).then(
  () => console.log(JSON.stringify({ code: 'MOUNTED' })), (e) => console.log(JSON.stringify({ code: e.code, status: computeStatusOf(e), message: e.message })));
`,
      );
      // As an unprivileged uid when the tests run as root (CI), as ourselves otherwise.
      const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
      const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
        ...asNobody,
        cwd: process.cwd(),
        encoding: 'utf8',
        timeout: 60_000,
      });
      const out = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as {
        code?: string;
        status?: number;
        message?: string;
      };
      assert.equal(out.code, 'COMPUTE_VOLUMES_UNAVAILABLE', r.stdout + r.stderr);
      assert.equal(out.status, 503);
      assert.match(out.message ?? '', /cannot host persistent volumes: the compute node does not run as root/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("drop deletes the images not kept, never one an instance still holds, and the program's directories with the last", async () => {
    const id = '9a'.repeat(32);
    const a = await vols.acquire(id, 'a', 1);
    const b = await vols.acquire(id, 'b', 1);
    const images = join(home, 'volume-images', id);
    assert.deepEqual(await vols.drop(id, new Set(['a'])), [], 'b is held: kept');
    b.release();
    assert.deepEqual(await vols.drop(id, new Set(['a'])), ['b']);
    assert.deepEqual(readdirSync(images), ['a.ext4']);
    assert.ok(mountsUnder(a.hostPath).length > 0, 'the kept one stays mounted');
    a.release();
    assert.deepEqual(await vols.drop(id), ['a']);
    assert.equal(existsSync(images), false);
    assert.equal(existsSync(join(home, 'volume-mounts', id)), false);
    assert.deepEqual(
      vols.programsWithImages().filter((x) => x === id),
      [],
    );
    assert.deepEqual(await vols.drop('../..'), [], 'a name that is no program id touches nothing');
  });

  it("waits for a previous instance's copy of the mount (another mount namespace) to go before mounting again", async () => {
    const id = '7e'.repeat(32);
    const first = await vols.acquire(id, 'data', 2);
    writeFileSync(join(first.hostPath, 'kept'), 'before');
    // What an exiting sandbox is: a process whose own mount namespace still holds the filesystem after ours let go.
    const holder = spawn('unshare', ['-m', '--propagation', 'private', 'sleep', '120'], { stdio: 'ignore' });
    const ours = readlinkSync('/proc/self/ns/mnt');
    for (const t0 = Date.now(); Date.now() - t0 < 5000; await new Promise((r) => setTimeout(r, 10))) {
      try {
        if (
          readlinkSync(`/proc/${holder.pid}/ns/mnt`) !== ours &&
          readlinkSync(`/proc/${holder.pid}/exe`).endsWith('/sleep')
        )
          break;
      } catch {
        /* not started yet */
      }
    }
    first.release();
    await unmounted();
    const imagePath = join(home, 'volume-images', id, 'data.ext4');
    assert.equal((await loopDevicesOf(imagePath)).length, 1, 'the holder keeps the filesystem alive');
    const second = vols.acquire(id, 'data', 2);
    const early = await Promise.race([second.then(() => 'mounted'), new Promise((r) => setTimeout(r, 700, 'waiting'))]);
    assert.equal(early, 'waiting', 'not mounted a second time while the first filesystem lives');
    holder.kill('SIGKILL');
    const lease = await second;
    assert.equal(readFileSync(join(lease.hostPath, 'kept'), 'utf8'), 'before');
    assert.equal((await loopDevicesOf(imagePath)).length, 1);
    lease.release();
    await vols.drop(id);
  });

  it('unmounts everything at close', async () => {
    await vols.acquire(ID, 'data', 8);
    await vols.close();
    assert.deepEqual(mountsUnder(join(home, 'volume-mounts')), []);
  });
});
