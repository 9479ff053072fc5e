import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePrivateKey } from 'viem/accounts';
import { accountFromPrivateKey } from '../client/accounts/account.js';
import { buildForget } from '../client/messages/buildForget.js';
import { buildProgramReplacement } from '../client/messages/buildProgram.js';
import {
  deployProgram,
  getJson,
  newAccount,
  postMessage,
  sign,
  startTestNode,
  type Harness,
} from '../node/testing/nodeHarness.js';
import { runCli } from './testing/runCli.js';

const me = accountFromPrivateKey(generatePrivateKey());
const other = newAccount();
let h: Harness;
let home: string;
const ids: Record<string, string> = {};

before(async () => {
  h = await startTestNode();
  home = mkdtempSync(join(tmpdir(), 'aleph-list-home-'));
  ids.plain = (await deployProgram(h.url, me, { name: 'plain' })).id;
  ids.replaced = (await deployProgram(h.url, me, { name: 'replaced', updatable: true })).id;
  const current = (await getJson(h.url, `/api/v0/programs/${ids.replaced}`)).body;
  const content = { ...current.content, resources: { vcpus: 2, memory: 256, seconds: 30 } };
  delete content.replaces;
  assert.equal(
    (
      await postMessage(
        h.url,
        await sign(me, buildProgramReplacement({ sender: me.address, programId: ids.replaced, content })),
      )
    ).status,
    200,
  );
  ids.forgotten = (await deployProgram(h.url, me, { name: 'forgotten' })).id;
  assert.equal(
    (
      await postMessage(
        h.url,
        await sign(me, buildForget({ sender: me.address, hashes: [ids.forgotten], reason: 'x' })),
      )
    ).status,
    200,
  );
  ids.others = (await deployProgram(h.url, other, { name: 'not mine' })).id;
});
after(async () => {
  await h.close();
  rmSync(home, { recursive: true, force: true });
});

describe('aleph program list reads /api/v0/programs', () => {
  it('the node pages programs by owner, with pyaleph-style pagination fields', async () => {
    const p1 = (await getJson(h.url, `/api/v0/programs?owners=${me.address}&pagination=1&page=1`)).body;
    const p2 = (await getJson(h.url, `/api/v0/programs?owners=${me.address}&pagination=1&page=2`)).body;
    assert.equal(p1.pagination_total, 2);
    assert.equal(p1.pagination_item, 'programs');
    assert.deepEqual(
      [...p1.programs, ...p2.programs].map((p: { id: string }) => p.id),
      [ids.plain, ids.replaced],
    );
    // The compute node's call (no pagination): every live program, as before.
    const all = (await getJson(h.url, '/api/v0/programs')).body;
    assert.deepEqual(
      all.programs.map((p: { id: string }) => p.id).sort(),
      [ids.plain, ids.replaced, ids.others].sort(),
    );
  });

  it('--json: live programs only, replacements folded (edition, current content); the table has the columns', async () => {
    const r = await runCli(['program', 'list', '--address', me.address, '--json'], { home, apiUrl: h.url });
    assert.equal(r.code, 0, r.stderr);
    const listed = JSON.parse(r.stdout) as { id: string; edition: number; content: { resources: { vcpus: number } } }[];
    assert.deepEqual(
      listed.map((p) => p.id),
      [ids.plain, ids.replaced],
    );
    assert.equal(listed[1].edition, 1);
    assert.equal(listed[1].content.resources.vcpus, 2);
    const table = await runCli(['program', 'list', '--address', me.address], { home, apiUrl: h.url });
    assert.equal(table.code, 0, table.stderr);
    for (const col of ['ID', 'NAME', 'PERSISTENT', 'UPDATABLE', 'VCPUS', 'MEMORY', 'EDITION', 'POLICY'])
      assert.ok(table.stdout.includes(col), col);
    assert.ok(
      table.stdout.includes('replaced') && !table.stdout.includes('forgotten') && !table.stdout.includes('not mine'),
    );
  });
});
