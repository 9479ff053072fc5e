import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildProgram, buildProgramReplacement } from '../../client/messages/buildProgram.js';
import { deployProgram, getJson, newAccount, postMessage, sign, useTestNode } from '../testing/nodeHarness.js';

describe('PROGRAM', () => {
  const alice = newAccount();
  const bob = newAccount();
  const h = useTestNode();

  async function replace(account = alice, programId: string, patch: Record<string, unknown> = {}) {
    const current = (await getJson(h.url, `/api/v0/programs/${programId}`)).body;
    const content = { ...(current.content ?? {}), ...patch };
    delete content.replaces;
    const msg = await sign(
      account,
      buildProgramReplacement({
        sender: account.address,
        programId,
        content: { ...content, address: account.address },
      }),
    );
    return { msg, r: await postMessage(h.url, msg) };
  }

  it('refuses refs to unknown STOREs', async () => {
    const msg = await sign(
      alice,
      buildProgram({ sender: alice.address, codeRef: 'ab'.repeat(32), entrypoint: 'main:app' }),
    );
    const r = await postMessage(h.url, msg);
    assert.equal(r.status, 422);
    assert.equal(r.body.error_code, 'PROGRAM_REF_UNKNOWN');
    assert.equal(r.body.details.field, 'code.ref');
  });

  it('replaces keeps the program id; the replacement is the current version and its own hash routes to the program', async () => {
    const { id } = await deployProgram(h.url, alice, { updatable: true });
    const { msg, r } = await replace(alice, id, { resources: { vcpus: 4, memory: 128, seconds: 30 } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const view = (await getJson(h.url, `/api/v0/programs/${id}`)).body;
    assert.equal(view.id, id);
    assert.equal(view.current_hash, msg.item_hash);
    assert.equal(view.edition, 1);
    assert.equal(view.content.resources.vcpus, 4);
    assert.equal((await getJson(h.url, `/api/v0/programs/${msg.item_hash}`)).body.id, id);
  });

  it('refuses replaces when allow_amend is false, and the program stays as it was', async () => {
    const { id } = await deployProgram(h.url, alice, { updatable: false });
    const { r } = await replace(alice, id, { resources: { vcpus: 2, memory: 128, seconds: 30 } });
    assert.equal(r.status, 422);
    assert.equal(r.body.error_code, 'AMEND_NOT_ALLOWED');
    const view = (await getJson(h.url, `/api/v0/programs/${id}`)).body;
    assert.equal(view.edition, 0);
    assert.equal(view.current_hash, id);
  });

  it('refuses replacing a replacement', async () => {
    const { id } = await deployProgram(h.url, alice, { updatable: true });
    const first = await replace(alice, id);
    assert.equal(first.r.status, 200);
    const second = await replace(alice, first.msg.item_hash);
    assert.equal(second.r.status, 422);
    assert.equal(second.r.body.error_code, 'REPLACE_NOT_ORIGINAL');
  });

  it('refuses a replacement by someone who may not act for the owner', async () => {
    const { id } = await deployProgram(h.url, alice, { updatable: true });
    const { r } = await replace(bob, id);
    assert.equal(r.status, 422);
    assert.equal(r.body.error_code, 'NOT_AUTHORIZED');
  });
});
