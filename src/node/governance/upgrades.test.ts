import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getJson, newAccount, storeFile, useTestNode } from '../testing/nodeHarness.js';
import {
  amendCode,
  codeZip,
  deployCode,
  governedFiles,
  programState,
  replaceWith,
} from '../testing/governanceHarness.js';

const admin = (address: string, extra = '') =>
  `upgrade_policy = "compatible"\nconstructor = '@admin(address="${address}")'\n${extra}`;
const IFACE = '[interface.transitions.main]\ninputs = ["u32", "u32"]\noutputs = ["u32"]\n';

describe('governed upgrades (replacement and STORE amend)', () => {
  const alice = newAccount();
  const bob = newAccount();
  const h = useTestNode();

  /** Asserts the program did not move: same edition, version and resolved refs, refusal on its history. */
  async function unchanged(id: string, before: { view: any }, code: string) {
    const now = await programState(h.url, id);
    assert.equal(now.view.edition, before.view.edition);
    assert.equal(now.view.current_hash, before.view.current_hash);
    assert.deepEqual(now.view.resolved, before.view.resolved);
    assert.equal(now.view.checksum, before.view.checksum);
    assert.equal(now.history.rejected.at(-1).error_code, code);
    return now;
  }

  it('the owner replaces a compatible @admin program: edition 1, what changed, new checksum', async () => {
    const d = await deployCode(h.url, alice, governedFiles(admin(alice.address)));
    const before = await programState(h.url, d.id);
    const r = await replaceWith(h.url, alice, d.id, (c) => ({ ...c, resources: { ...c.resources, vcpus: 2 } }));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(
      r.body.program_verdicts.map((v: any) => [v.verdict, v.edition]),
      [['accepted', 1]],
    );
    const after = await programState(h.url, d.id);
    assert.equal(after.view.edition, 1);
    assert.notEqual(after.view.checksum, before.view.checksum);
    assert.deepEqual(after.history.editions[1].changes, ['resources']);
    assert.equal(after.history.editions[1].cause_kind, 'replace');
    const persist = await replaceWith(h.url, alice, d.id, (c) => ({ ...c, on: { ...c.on, persistent: true } }));
    assert.equal(persist.status, 200);
    assert.equal((await programState(h.url, d.id)).history.editions[2].cause_kind, 'persist');
  });

  it('a replacement by someone who may not act for the owner is refused and recorded', async () => {
    const d = await deployCode(h.url, alice, governedFiles(admin(alice.address)));
    const before = await programState(h.url, d.id);
    const r = await replaceWith(h.url, bob, d.id);
    assert.equal(r.status, 422);
    assert.equal(r.body.error_code, 'NOT_AUTHORIZED');
    assert.equal(r.body.details.program_id, d.id);
    const now = await unchanged(d.id, before, 'NOT_AUTHORIZED');
    assert.equal(now.history.rejected[0].message_hash, r.hash);
  });

  it('an immutable program refuses every upgrade; weakening its policy is named as such', async () => {
    const pinned = { codeUseLatest: false, runtimeUseLatest: false };
    const d = await deployCode(
      h.url,
      alice,
      governedFiles('upgrade_policy = "immutable"\nconstructor = "@noupgrade"\n'),
      pinned,
    );
    assert.equal(d.answer.status, 200, JSON.stringify(d.answer.body));
    const before = await programState(h.url, d.id);
    const same = await replaceWith(h.url, alice, d.id, (c) => ({ ...c, variables: { A: '1' } }));
    assert.equal(same.body.error_code, 'UPGRADE_IMMUTABLE');
    const weaker = await storeFile(
      h.url,
      alice,
      codeZip(governedFiles('upgrade_policy = "compatible"\nconstructor = "@noupgrade"\n')),
    );
    const r = await replaceWith(h.url, alice, d.id, (c) => ({ ...c, code: { ...c.code, ref: weaker } }));
    assert.equal(r.body.error_code, 'UPGRADE_WEAKER_POLICY');
    await unchanged(d.id, before, 'UPGRADE_WEAKER_POLICY');
  });

  it('ossification: a compatible program upgraded to immutable accepts nothing after', async () => {
    const d = await deployCode(h.url, alice, governedFiles(admin(alice.address)), { runtimeUseLatest: false });
    const final = await storeFile(
      h.url,
      alice,
      codeZip(governedFiles(admin(alice.address).replace('compatible', 'immutable'))),
    );
    const r = await replaceWith(h.url, alice, d.id, (c) => ({
      ...c,
      code: { ...c.code, ref: final, use_latest: false },
    }));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const view = (await getJson(h.url, `/api/v0/programs/${d.id}`)).body;
    assert.equal(view.upgrade_policy, 'immutable');
    assert.deepEqual((await programState(h.url, d.id)).history.editions[1].changes, ['code', 'policy']);
    assert.equal((await replaceWith(h.url, alice, d.id)).body.error_code, 'UPGRADE_IMMUTABLE');
  });

  it('a plain program can never become governed (LEGACY_NOT_UPGRADABLE); a plain amend is adopted', async () => {
    const d = await deployCode(h.url, alice, { 'main.py': 'v = 1\n' });
    const plain = await amendCode(h.url, alice, d.code, { 'main.py': 'v = 2\n' });
    assert.equal(plain.body.program_verdicts[0].verdict, 'accepted');
    const before = await programState(h.url, d.id);
    assert.equal(before.view.edition, 1);
    const r = await amendCode(h.url, alice, d.code, governedFiles('constructor = "@noupgrade"\n'));
    assert.equal(r.status, 200, 'the STORE amend itself is accepted');
    assert.equal(r.body.program_verdicts[0].error_code, 'LEGACY_NOT_UPGRADABLE');
    assert.equal((await getJson(h.url, `/api/v0/messages/${r.hash}`)).body.status, 'processed');
    await unchanged(d.id, before, 'LEGACY_NOT_UPGRADABLE');
  });

  it('the constructor is fixed at edition 0: changing or dropping it is CONSTRUCTOR_CHANGED', async () => {
    const d = await deployCode(h.url, alice, governedFiles(admin(alice.address)));
    const before = await programState(h.url, d.id);
    const changed = await amendCode(h.url, alice, d.code, governedFiles('constructor = "@noupgrade"\n'));
    assert.equal(changed.body.program_verdicts[0].error_code, 'CONSTRUCTOR_CHANGED');
    const dropped = await amendCode(h.url, alice, d.code, { 'main.py': 'plain again\n' });
    assert.equal(dropped.body.program_verdicts[0].error_code, 'CONSTRUCTOR_CHANGED');
    await unchanged(d.id, before, 'CONSTRUCTOR_CHANGED');
    const same = await amendCode(
      h.url,
      alice,
      d.code,
      governedFiles(`# a comment\n${admin(alice.address)}`, 'new logic\n'),
    );
    assert.equal(same.body.program_verdicts[0].verdict, 'accepted');
  });

  it('interface: a transition may change logic and new ones may be added; deleting one is INTERFACE_REMOVED', async () => {
    const d = await deployCode(h.url, alice, governedFiles(admin(alice.address, IFACE)));
    const more = IFACE + '[interface.transitions.extra]\ninputs = ["bool"]\n';
    const ok = await amendCode(h.url, alice, d.code, governedFiles(admin(alice.address, more), 'changed logic\n'));
    assert.equal(ok.body.program_verdicts[0].verdict, 'accepted', JSON.stringify(ok.body));
    const before = await programState(h.url, d.id);
    const removed = await amendCode(h.url, alice, d.code, governedFiles(admin(alice.address, IFACE)));
    const v = removed.body.program_verdicts[0];
    assert.equal(v.error_code, 'INTERFACE_REMOVED');
    assert.equal(v.details.component, 'transition');
    assert.equal(v.details.name, 'extra');
    await unchanged(d.id, before, 'INTERFACE_REMOVED');
    const sig = await amendCode(
      h.url,
      alice,
      d.code,
      governedFiles(admin(alice.address, more.replace('outputs = ["u32"]', 'outputs = ["u64"]'))),
    );
    assert.equal(sig.body.program_verdicts[0].error_code, 'SIGNATURE_CHANGED');
  });

  it('dry-run gives the verdict and checksum the real upgrade gets, and changes nothing', async () => {
    const d = await deployCode(h.url, alice, governedFiles(admin(alice.address)));
    const files = governedFiles(admin(alice.address), 'v2\n');
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(codeZip(files))]), 'file');
    const up = (await (await fetch(`${h.url}/api/v0/storage/add_file`, { method: 'POST', body: form })).json()) as {
      hash: string;
    };
    const heightBefore = (await getJson(h.url, '/api/v0/height')).body.height;
    const dry = async (body: unknown) => {
      const r = await fetch(`${h.url}/api/v0/programs/${d.id}/dry-run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: r.status, body: (await r.json()) as any };
    };
    const byBob = await dry({ code_hash: up.hash, sender: bob.address });
    assert.equal(byBob.body.accepted, false);
    assert.equal(byBob.body.error_code, 'CONSTRUCTOR_FAILED');
    const byAlice = await dry({ code_hash: up.hash });
    assert.equal(byAlice.body.accepted, true, JSON.stringify(byAlice.body));
    assert.equal(byAlice.body.edition, 1);
    assert.equal((await getJson(h.url, '/api/v0/height')).body.height, heightBefore);
    assert.equal((await getJson(h.url, `/api/v0/programs/${d.id}`)).body.edition, 0);
    const real = await amendCode(h.url, alice, d.code, files);
    assert.equal(real.body.program_verdicts[0].checksum, byAlice.body.checksum);
    const content = (await getJson(h.url, `/api/v0/programs/${d.id}`)).body.content;
    const viaContent = await dry({
      content: { ...content, time: undefined, replaces: undefined, resources: { ...content.resources, vcpus: 3 } },
    });
    assert.equal(viaContent.body.accepted, true, JSON.stringify(viaContent.body));
    assert.equal(viaContent.body.edition, 2);
    assert.deepEqual(viaContent.body.changes, ['resources']);
    assert.equal((await dry({ nothing: true })).body.error_code, 'DRY_RUN_INVALID');
  });
});
