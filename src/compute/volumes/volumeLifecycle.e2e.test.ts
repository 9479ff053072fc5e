/**
 * Persistent-volume images go when their program does (issue 7): a volume an accepted edition no longer declares,
 * every volume of a forgotten program, and at compute start the images of programs the core node no longer has.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { deleteProgram } from '../../client/actions/deleteProgram.js';
import { deployProgram } from '../../client/actions/deployProgram.js';
import { replaceProgram } from '../../client/actions/replaceProgram.js';
import { prepareCode } from '../../client/code/prepareCode.js';
import { useTestDevnet } from '../../devnet/testing/testDevnet.js';
import { PROBE_APP } from '../testing/sandboxFixture.js';
import { mountsUnder } from './ext4Image.js';

describe("persistent volume images through a program's life (devnet, real images)", () => {
  const t = useTestDevnet('aleph-vol-life-');
  const images = (id = '') => join(t.home, 'compute', 'volume-images', id);
  const mounts = () => join(t.home, 'compute', 'volume-mounts');
  const deploy = () =>
    deployProgram(t.config, {
      code: prepareCode(t.codeDir({ 'probe.js': PROBE_APP })),
      entrypoint: 'probe.js:handler',
      runtime: t.devnet.runtimes.node,
      updatable: true,
      timeoutSeconds: 30,
      volumes: [
        { mount: '/a', name: 'a', size_mib: 2, persistence: 'host' },
        { mount: '/b', name: 'b', size_mib: 2, persistence: 'host' },
      ],
    });
  const write = async (id: string, path: string) =>
    assert.deepEqual(await (await t.vm(id, `/write?path=${path}&data=1`)).json(), { ok: true, value: 'written' });
  /** The compute node acts on the core node's event asynchronously: wait (bounded) for the files to say so. */
  async function until(what: string, ok: () => boolean) {
    for (const t0 = Date.now(); !ok() && Date.now() - t0 < 20_000; ) await new Promise((r) => setTimeout(r, 50));
    assert.ok(ok(), what);
  }

  it('an accepted edition that drops a volume deletes its image once the old edition has stopped; the kept one keeps its data', async () => {
    const p = await deploy();
    await write(p.id, '/a/kept');
    await write(p.id, '/b/gone');
    assert.deepEqual(readdirSync(images(p.id)).sort(), ['a.ext4', 'b.ext4']);
    await replaceProgram(t.config, {
      hash: p.id,
      edit: (c) => ({ ...c, volumes: (c.volumes as Array<{ name?: string }>).filter((v) => v.name !== 'b') }),
    });
    await until('b.ext4 deleted', () => !existsSync(join(images(p.id), 'b.ext4')));
    const r = await t.vm(p.id, '/read?path=/a/kept');
    assert.equal(r.headers.get('x-aleph-edition'), '1');
    assert.deepEqual(await r.json(), { ok: true, value: '1' });
    assert.deepEqual(readdirSync(images(p.id)), ['a.ext4']);
  });

  it("a forgotten program's images are deleted after its instance stops, and nothing of it stays mounted", async () => {
    const p = await deploy();
    await write(p.id, '/a/x');
    assert.ok(mountsUnder(join(mounts(), p.id)).length > 0);
    await deleteProgram(t.config, { hash: p.id, keepCode: true });
    await until("the program's image directory deleted", () => !existsSync(images(p.id)));
    assert.deepEqual(mountsUnder(join(mounts(), p.id)), []);
    assert.equal(existsSync(join(mounts(), p.id)), false);
    assert.equal((await t.vm(p.id, '/')).status, 404);
  });

  it('at start, the compute node deletes images of programs the core node does not have, and keeps the others', async () => {
    const p = await deploy();
    await write(p.id, '/a/survives');
    const orphan = images('ab'.repeat(32));
    mkdirSync(orphan);
    writeFileSync(join(orphan, 'data.ext4'), 'an image left by a program forgotten while the node was down');
    await t.restart();
    assert.equal(existsSync(orphan), false, 'orphan deleted at start');
    assert.deepEqual(await (await t.vm(p.id, '/read?path=/a/survives')).json(), { ok: true, value: '1' });
  });
});
