import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildForget } from '../../client/messages/buildForget.js';
import { buildAggregate } from '../../client/messages/buildAggregate.js';
import { buildProgramReplacement } from '../../client/messages/buildProgram.js';
import {
  deployProgram,
  getJson,
  newAccount,
  postMessage,
  sign,
  storeFile,
  useTestNode,
} from '../testing/nodeHarness.js';

describe('FORGET', () => {
  const alice = newAccount();
  const bob = newAccount();
  const carol = newAccount();
  const h = useTestNode();

  const forget = async (account = alice, hashes: string[], address?: string) =>
    postMessage(
      h.url,
      await sign(
        account,
        buildForget({ sender: account.address, hashes, reason: 'test', ...(address ? { address } : {}) }),
      ),
    );

  it('the owner forgets a file: status forgotten with forgotten_by, bytes gone from the listing', async () => {
    const file = await storeFile(h.url, alice, Buffer.from('to forget'));
    const msg = await sign(alice, buildForget({ sender: alice.address, hashes: [file], reason: 'bye' }));
    assert.equal((await postMessage(h.url, msg)).status, 200);
    const s = (await getJson(h.url, `/api/v0/messages/${file}`)).body;
    assert.equal(s.status, 'forgotten');
    assert.deepEqual(s.forgotten_by, [msg.item_hash]);
    const list = (await getJson(h.url, `/api/v0/messages.json?hashes=${file}`)).body;
    assert.equal(list.messages.length, 0);
  });

  it('a stranger cannot forget; a delegate listed in the security aggregate can', async () => {
    const file = await storeFile(h.url, alice, Buffer.from('guarded'));
    const r = await forget(bob, [file], alice.address);
    assert.equal(r.status, 422);
    assert.equal(r.body.error_code, 'FORGET_NOT_AUTHORIZED');
    assert.equal((await getJson(h.url, `/api/v0/messages/${file}`)).body.status, 'processed');

    const grant = await sign(
      alice,
      buildAggregate({
        sender: alice.address,
        key: 'security',
        content: { authorizations: [{ address: carol.address, types: ['FORGET'] }] },
      }),
    );
    assert.equal((await postMessage(h.url, grant)).status, 200);
    const ok = await forget(carol, [file], alice.address);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal((await getJson(h.url, `/api/v0/messages/${file}`)).body.status, 'forgotten');
  });

  it('code in use by a live program cannot be forgotten; forgetting the program with it works', async () => {
    const { id, code } = await deployProgram(h.url, alice);
    const r = await forget(alice, [code]);
    assert.equal(r.status, 422);
    assert.equal(r.body.error_code, 'FORGET_IN_USE');
    assert.deepEqual(r.body.details.programs, [id]);
    const both = await forget(alice, [id, code]);
    assert.equal(both.status, 200);
    assert.equal((await getJson(h.url, `/api/v0/programs/${id}`)).body.status, 'forgotten');
    assert.equal((await getJson(h.url, `/api/v0/messages/${code}`)).body.status, 'forgotten');
  });

  it('forgetting a program forgets its replacements too (pyaleph vm.py), so no listing shows it', async () => {
    const { id } = await deployProgram(h.url, alice, { updatable: true });
    const replacements: string[] = [];
    for (const vcpus of [2, 3]) {
      const current = (await getJson(h.url, `/api/v0/programs/${id}`)).body;
      const content = { ...current.content, resources: { vcpus, memory: 128, seconds: 30 } };
      delete content.replaces;
      const msg = await sign(alice, buildProgramReplacement({ sender: alice.address, programId: id, content }));
      assert.equal((await postMessage(h.url, msg)).status, 200);
      replacements.push(msg.item_hash);
    }
    const f = await sign(alice, buildForget({ sender: alice.address, hashes: [id], reason: 'gone' }));
    assert.equal((await postMessage(h.url, f)).status, 200);
    for (const hash of [id, ...replacements]) {
      const s = (await getJson(h.url, `/api/v0/messages/${hash}`)).body;
      assert.equal(s.status, 'forgotten', hash);
      assert.deepEqual(s.forgotten_by, [f.item_hash]);
    }
    const listed = (
      await getJson(h.url, `/api/v0/messages.json?msgType=PROGRAM&addresses=${alice.address}&pagination=100`)
    ).body;
    assert.ok(!listed.messages.some((m: { item_hash: string }) => [id, ...replacements].includes(m.item_hash)));
  });
});
