import assert from 'node:assert/strict';
import { lstatSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { deployProgram } from '../../client/actions/deployProgram.js';
import { replaceProgram } from '../../client/actions/replaceProgram.js';
import { prepareCode } from '../../client/code/prepareCode.js';
import { getProgramLogs } from '../../client/actions/programLogs.js';
import type { ProgramVolume } from '../../protocol/index.js';
import { useTestDevnet } from '../../devnet/testing/testDevnet.js';

// What a hostile owner's program does from inside: plant symlinks, list, read and write its volumes.
const ATTACKER = String.raw`
const fs = require('node:fs');
exports.handler = (req, res) => {
  const u = new URL(req.url, 'http://x');
  const q = (k) => u.searchParams.get(k);
  const reply = (v) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify(v)); };
  try {
    if (u.pathname === '/symlink') { fs.symlinkSync(q('target'), q('path')); return reply({ ok: true }); }
    if (u.pathname === '/ls') return reply({ ok: true, value: fs.readdirSync(q('path')) });
    if (u.pathname === '/read') return reply({ ok: true, value: fs.readFileSync(q('path'), 'utf8') });
    if (u.pathname === '/write') { fs.writeFileSync(q('path'), q('data') ?? 'x'.repeat(Number(q('bytes') ?? 1))); return reply({ ok: true }); }
    reply({ ok: true, value: 'up' });
  } catch (e) { reply({ ok: false, error: e.code || String(e) }); }
};
`;
const MiB = 1024 * 1024;

describe('persistent volumes against a hostile program owner (devnet, real sandboxes)', () => {
  const t = useTestDevnet('aleph-vol-');

  const deploy = (volumes: ProgramVolume[]) => {
    return deployProgram(t.config, {
      code: prepareCode(t.codeDir({ 'main.js': ATTACKER })),
      entrypoint: 'main.js:handler',
      runtime: t.devnet.runtimes.node,
      updatable: true,
      timeoutSeconds: 30,
      volumes,
    });
  };
  const ask = async (id: string, path: string) => {
    const r = await fetch(`${t.devnet.computeUrl}/vm/${id}${path}`);
    return {
      status: r.status,
      edition: r.headers.get('x-aleph-edition'),
      body: (await r.json()) as {
        ok?: boolean;
        value?: unknown;
        error?: string;
        error_code?: string;
        details?: { message?: string };
      },
    };
  };
  const addVolume = (id: string, v: Record<string, unknown>) =>
    replaceProgram(t.config, { hash: id, edit: (c) => ({ ...c, volumes: [...(c.volumes as unknown[]), v] }) });
  const edition = async (id: string) =>
    ((await (await fetch(`${t.devnet.apiUrl}/api/v0/programs/${id}`)).json()) as { edition: number }).edition;
  const untilEdition = async (id: string, e: string) => {
    let r = await ask(id, '/');
    for (const t0 = Date.now(); r.edition !== e && Date.now() - t0 < 10_000; ) {
      await new Promise((ok) => setTimeout(ok, 50));
      r = await ask(id, '/');
    }
    assert.equal(r.edition, e, JSON.stringify(r.body));
  };
  const nodeAnswers = async () => assert.equal((await fetch(`${t.devnet.apiUrl}/api/v0/height`)).status, 200);

  it('host root: a volume named . or .. is refused at deploy and in a replacement; a planted symlink named like a later volume is never followed', async () => {
    await assert.rejects(deploy([{ mount: '/own', name: '.', size_mib: 1, persistence: 'host' }]), {
      code: 'PROGRAM_VOLUME_NAME_INVALID',
    });
    const p = await deploy([{ mount: '/own', name: 'own', size_mib: 2, persistence: 'host' }]);
    assert.deepEqual((await ask(p.id, '/symlink?target=/&path=/own/hostroot')).body, { ok: true });
    for (const name of ['.', '..', 'hostroot/..', '']) {
      await assert.rejects(
        addVolume(p.id, { mount: '/host', name, size_mib: 1 }),
        { code: 'PROGRAM_VOLUME_NAME_INVALID' },
        name,
      );
    }
    for (const mount of ['/host/../etc', '/opt/code', '/run/aleph/x', 'relative', '/']) {
      await assert.rejects(
        addVolume(p.id, { mount, name: 'host', size_mib: 1 }),
        { code: 'PROGRAM_VOLUME_MOUNT_INVALID' },
        mount,
      );
    }
    await assert.rejects(addVolume(p.id, { mount: '/own', ephemeral: true, size_mib: 1 }), {
      code: 'PROGRAM_VOLUME_DUPLICATE',
    });
    await assert.rejects(addVolume(p.id, { mount: '/other', name: 'own', size_mib: 1 }), {
      code: 'PROGRAM_VOLUME_DUPLICATE',
    });
    assert.equal(await edition(p.id), 0, 'every refused replacement left the program on edition 0');
    await nodeAnswers();

    // The replacement of the original attack, with a valid name: accepted, and /host is a fresh empty volume.
    await addVolume(p.id, { mount: '/host', name: 'hostroot', size_mib: 1 });
    await untilEdition(p.id, '1');
    assert.deepEqual((await ask(p.id, '/read?path=/host/etc/hostname')).body, { ok: false, error: 'ENOENT' });
    assert.ok(!((await ask(p.id, '/ls?path=/host')).body.value as string[]).includes('etc'));
    assert.ok(lstatSync(join(t.home, 'compute', 'volume-mounts', p.id, 'hostroot')).isDirectory());
  });

  it("cross-program: .. is refused at the node; a symlink planted into another program's volume is refused by the compute node, which keeps serving", async () => {
    const victim = await deploy([{ mount: '/data', name: 'data', size_mib: 2, persistence: 'host' }]);
    assert.deepEqual((await ask(victim.id, '/write?path=/data/secret.txt&data=victim-secret')).body, { ok: true });
    const attacker = await deploy([{ mount: '/own', name: 'own', size_mib: 2, persistence: 'host' }]);
    assert.equal((await ask(attacker.id, '/')).status, 200);
    await assert.rejects(addVolume(attacker.id, { mount: '/all', name: '..', size_mib: 1 }), {
      code: 'PROGRAM_VOLUME_NAME_INVALID',
    });

    // Defence in depth: as if the attacker had planted links where its next volume's image and mount point go.
    const compute = join(t.home, 'compute');
    symlinkSync(
      join(compute, 'volume-images', victim.id, 'data.ext4'),
      join(compute, 'volume-images', attacker.id, 'loot.ext4'),
    );
    symlinkSync(join(compute, 'volume-mounts', victim.id, 'data'), join(compute, 'volume-mounts', attacker.id, 'loot'));
    await addVolume(attacker.id, { mount: '/loot', name: 'loot', size_mib: 2 });
    const logs = async () =>
      (await getProgramLogs(t.config.account!, { computeUrl: t.devnet.computeUrl!, id: attacker.id })).map((l) => ({
        message: l.MESSAGE,
      }));
    for (
      const t0 = Date.now();
      !(await logs()).some((l) => /upgrade failed/.test(l.message)) && Date.now() - t0 < 10_000;
    )
      await new Promise((ok) => setTimeout(ok, 50));
    assert.ok(
      (await logs()).some((l) => /upgrade failed: refusing host path .*symlink/.test(l.message)),
      JSON.stringify(await logs()),
    );
    const still = await ask(attacker.id, '/');
    assert.equal(still.status, 200);
    assert.equal(still.edition, '0', 'the previous edition keeps serving');

    // Started afresh, the new edition is refused with the reason, not mounted.
    await t.devnet.compute!.supervisor.stop(attacker.id);
    const refused = await ask(attacker.id, '/');
    assert.equal(refused.status, 502);
    assert.equal(refused.body.error_code, 'COMPUTE_PATH_UNSAFE');
    assert.match(refused.body.details?.message ?? '', /a component is a symlink/);
    assert.deepEqual((await ask(victim.id, '/read?path=/data/secret.txt')).body, { ok: true, value: 'victim-secret' });
    await nodeAnswers();
  });

  it('a program filling its volume gets ENOSPC at size_mib; the host image stays at size_mib; data survives a restart and an upgrade', async () => {
    const p = await deploy([{ mount: '/data', name: 'data', size_mib: 2, persistence: 'host' }]);
    assert.deepEqual((await ask(p.id, '/write?path=/data/kept&data=41')).body, { ok: true });
    assert.deepEqual((await ask(p.id, `/write?path=/data/fill&bytes=${3 * MiB}`)).body, { ok: false, error: 'ENOSPC' });
    const image = statSync(join(t.home, 'compute', 'volume-images', p.id, 'data.ext4'));
    assert.equal(image.size, 2 * MiB);
    assert.ok(image.blocks * 512 <= 2 * MiB, `the image allocates ${image.blocks * 512} bytes`);
    await t.devnet.compute!.supervisor.stop(p.id);
    assert.deepEqual((await ask(p.id, '/read?path=/data/kept')).body, { ok: true, value: '41' });
    await replaceProgram(t.config, { hash: p.id, edit: (c) => ({ ...c, variables: { EDITION: 'next' } }) });
    await untilEdition(p.id, '1');
    assert.deepEqual((await ask(p.id, '/read?path=/data/kept')).body, { ok: true, value: '41' });
  });
});
