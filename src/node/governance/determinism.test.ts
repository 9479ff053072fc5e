import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LocalAlephAccount } from '../../client/accounts/account.js';
import { buildPost } from '../../client/messages/buildPost.js';
import { buildProgram, buildProgramReplacement } from '../../client/messages/buildProgram.js';
import { buildStore } from '../../client/messages/buildStore.js';
import type { SignedMessage } from '../../client/messages/types.js';
import {
  getJson,
  newAccount,
  postMessage,
  sign,
  startTestNode,
  uploadWithStore,
  type Harness,
} from '../testing/nodeHarness.js';
import { codeZip, governedFiles } from '../testing/governanceHarness.js';
import { ManualClock } from '../testing/manualClock.js';

/**
 * The message log: signed messages (with the bytes of STOREs) in the order the first node processed
 * them, each with the writer's time it got there — what a replay takes from the stored log.
 */
type Entry = { message: SignedMessage; bytes?: Uint8Array; at: number };

async function send(url: string, e: Entry) {
  return e.bytes ? uploadWithStore(url, e.bytes, e.message) : postMessage(url, e.message);
}

/** What every node must agree on for a program: editions, refusals and time-locked outcomes. */
async function governanceOf(url: string, ids: string[]) {
  const out: Record<string, unknown> = { height: (await getJson(url, '/api/v0/height')).body.height };
  for (const id of ids) {
    const h = (await getJson(url, `/api/v0/programs/${id}/history`)).body;
    out[id] = {
      editions: h.editions.map((e: any) => [e.edition, e.checksum, e.message_hash, e.height, e.changes.join(',')]),
      rejected: h.rejected.map((r: any) => [r.message_hash, r.error_code, r.checksum, r.height]),
      pending: h.pending.map((p: any) => [p.message_hash, p.status, p.effective_height, p.settled_height]),
    };
  }
  return out;
}

describe('determinism: the same message log gives the same editions, acceptances and refusals on any node', () => {
  const nodes: Harness[] = [];
  const log: Entry[] = [];
  const [alice, bob] = [newAccount(), newAccount()];
  // One genesis for the network: every node's clock starts at the same instant.
  const genesis = Date.now();
  before(async () => {
    for (let i = 0; i < 3; i++) nodes.push(await startTestNode({ clock: new ManualClock(genesis) }));
  });
  after(async () => {
    for (const n of nodes) await n.close();
  });

  /** Signs, sends to the first node and logs. */
  async function run(account: LocalAlephAccount, unsigned: Parameters<typeof sign>[1], bytes?: Uint8Array) {
    const message = await sign(account, unsigned);
    // A quarter block between messages: several messages share a block, heights still move.
    await nodes[0].clock.advance(nodes[0].intervalMs / 4);
    log.push({ message, ...(bytes ? { bytes } : {}), at: nodes[0].clock.now() });
    await send(nodes[0].url, log.at(-1)!);
    return message.item_hash;
  }
  const store = (account: LocalAlephAccount, bytes: Uint8Array, ref?: string) =>
    run(account, buildStore({ sender: account.address, file: bytes, ...(ref ? { ref } : {}) }), bytes);
  const deploy = async (account: LocalAlephAccount, code: string, runtime: string, extra = {}) =>
    run(
      account,
      buildProgram({
        sender: account.address,
        codeRef: code,
        entrypoint: 'main:app',
        runtime,
        updatable: true,
        ...extra,
      }),
    );
  const replace = async (account: LocalAlephAccount, id: string, content: Record<string, unknown>) =>
    run(
      account,
      buildProgramReplacement({
        sender: account.address,
        programId: id,
        content: { ...content, address: account.address },
      }),
    );
  const content = async (id: string) => {
    const { time: _t, replaces: _r, ...c } = (await getJson(nodes[0].url, `/api/v0/programs/${id}`)).body.content;
    return c;
  };

  it('replays a log with accepted, refused, amended and time-locked upgrades into two fresh nodes', async () => {
    const runtime = await store(alice, Buffer.from('runtime'));
    const adminToml = `constructor = '@admin(address="${alice.address}")'\n`;
    const c1 = await store(alice, codeZip(governedFiles(adminToml)));
    const p1 = await deploy(alice, c1, runtime);
    const vol = await store(bob, Buffer.from('bob volume v1'));
    const c2 = await store(alice, codeZip(governedFiles(adminToml, 'p2\n')));
    const p2 = await deploy(alice, c2, runtime, { volumes: [{ mount: '/data', ref: vol, use_latest: true }] });
    const c3 = await store(alice, codeZip({ 'main.py': 'plain\n' }));
    const p3 = await deploy(alice, c3, runtime, { volumes: [{ mount: '/data', ref: vol, use_latest: true }] });
    const c4 = await store(alice, codeZip(governedFiles("constructor = '@timelock(delay=3)'\n")));
    const p4 = await deploy(alice, c4, runtime);
    await store(bob, Buffer.from('bob volume v2'), vol); // p2 refuses (owner is bob), p3 adopts
    await replace(alice, p4, { ...(await content(p4)), variables: { A: '1' } }); // announced
    await replace(bob, p1, await content(p1)); // NOT_AUTHORIZED
    await store(alice, codeZip(governedFiles(adminToml, 'p1 v2\n')), c1); // accepted
    await store(alice, codeZip(governedFiles('constructor = "@noupgrade"\n')), c1); // CONSTRUCTOR_CHANGED
    await nodes[0].clock.advance(3 * nodes[0].intervalMs); // p4 falls due: applied by the writer with no message
    await run(bob, buildPost({ sender: bob.address, type: 'filler', content: { i: 0 } }));
    const ids = [p1, p2, p3, p4];

    const first = await governanceOf(nodes[0].url, ids);
    const p = first as Record<string, any>;
    assert.equal(p[p1].editions.length, 2);
    assert.deepEqual(
      p[p1].rejected.map((r: any) => r[1]),
      ['NOT_AUTHORIZED', 'CONSTRUCTOR_CHANGED'],
    );
    assert.deepEqual(
      p[p2].rejected.map((r: any) => r[1]),
      ['CONSTRUCTOR_FAILED'],
    );
    assert.equal(p[p3].editions.length, 2);
    assert.deepEqual(
      p[p4].pending.map((x: any) => x[1]),
      ['applied'],
    );

    for (const node of nodes.slice(1)) {
      for (const e of log) {
        await node.clock.set(e.at);
        await send(node.url, e);
      }
      assert.deepEqual(await governanceOf(node.url, ids), first);
    }
  });
});
