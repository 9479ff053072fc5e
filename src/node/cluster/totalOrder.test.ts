import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { buildAggregate } from '../../client/messages/buildAggregate.js';
import { buildPost } from '../../client/messages/buildPost.js';
import { deployProgram, getJson, newAccount, postMessage, sign } from '../testing/nodeHarness.js';
import { startTestCluster, type TestCluster } from '../testing/clusterHarness.js';
import { testPgServer } from '../testing/testStore.js';

const skip = !testPgServer() && 'needs ALEPH_TEST_PG (several core nodes share one PostgreSQL)';

/** The item hashes a websocket receives, as they come. */
function follow(url: string) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/api/ws0/messages`);
  const got: string[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (d) => {
    got.push((JSON.parse(d.toString()) as { item_hash: string }).item_hash);
    for (const w of waiters.splice(0)) w();
  });
  const until = async (done: () => boolean, what: string, ms = 10_000) => {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 500).unref();
      });
    }
  };
  return { ws, got, until, opened: new Promise((r) => ws.once('open', r)) };
}

describe('core nodes on one PostgreSQL: one total order, the same state, every commit streamed by every node', {
  skip,
}, () => {
  let c: TestCluster;
  const alice = newAccount();
  const bob = newAccount();
  before(async () => {
    c = await startTestCluster(2);
  });
  after(async () => {
    await c?.close();
  });

  it('messages posted to both at once get distinct heights in one order, block time never going back, seen alike by both', async () => {
    const [a, b] = c.nodes.map((n) => n.url) as [string, string];
    const msgs = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        sign(i % 2 ? alice : bob, buildPost({ sender: (i % 2 ? alice : bob).address, type: 'order', content: { i } })),
      ),
    );
    const answers = await Promise.all(msgs.map((m, i) => postMessage(i % 2 ? a : b, m)));
    for (const r of answers) assert.equal(r.status, 200, JSON.stringify(r.body));
    for (const m of msgs) {
      const [ra, rb] = await Promise.all([a, b].map((u) => getJson(u, `/api/v0/messages/${m.item_hash}`)));
      assert.equal(ra!.status, 200);
      assert.deepEqual(ra!.body, rb!.body, 'both nodes answer the same');
    }
    const byHeight = await c.nodes[0]!.reads.selectFrom('messages')
      .select(['height', 'block_time'])
      .where(
        'item_hash',
        'in',
        msgs.map((m) => m.item_hash),
      )
      .orderBy('height')
      .execute();
    assert.equal(new Set(byHeight.map((r) => r.height)).size, msgs.length, 'distinct heights');
    for (let i = 1; i < byHeight.length; i++)
      assert.ok(byHeight[i]!.block_time! >= byHeight[i - 1]!.block_time!, 'block time never goes back');
  });

  it('the same message sent to both nodes at once is applied once, at one height', async () => {
    const agg = await sign(alice, buildAggregate({ sender: alice.address, key: 'k', content: { n: 1 } }));
    const [ra, rb] = await Promise.all(c.nodes.map((n) => postMessage(n.url, agg)));
    assert.equal(ra!.status, 200);
    assert.equal(rb!.status, 200);
    const rows = await c.nodes[0]!.reads.selectFrom('messages')
      .select('height')
      .where('item_hash', '=', agg.item_hash)
      .execute();
    assert.equal(rows.length, 1);
    const [ga, gb] = await Promise.all(
      c.nodes.map((n) => getJson(n.url, `/api/v0/aggregates/${alice.address}.json?keys=k`)),
    );
    assert.deepEqual(ga!.body, gb!.body);
    assert.deepEqual(ga!.body.data.k, { n: 1 });
  });

  it('a websocket on one node streams, in order, what the other node commits', async () => {
    const [a, b] = c.nodes.map((n) => n.url) as [string, string];
    const onB = follow(b);
    await onB.opened;
    // Subscribed once a probe posted to A arrives on B (no sleep standing in for the subscription).
    let subscribed = false;
    for (let i = 0; i < 20 && !subscribed; i++) {
      const p = await sign(bob, buildPost({ sender: bob.address, type: 'probe', content: { i } }));
      assert.equal((await postMessage(a, p)).status, 200);
      subscribed = await onB
        .until(() => onB.got.includes(p.item_hash), 'a probe', 1000)
        .then(
          () => true,
          () => false,
        );
    }
    assert.ok(subscribed, 'a probe from the other node arrived');
    const msgs = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        sign(bob, buildPost({ sender: bob.address, type: 'stream', content: { i } })),
      ),
    );
    for (const m of msgs) assert.equal((await postMessage(a, m)).status, 200);
    const want = msgs.map((m) => m.item_hash);
    await onB.until(() => want.every((h) => onB.got.includes(h)), 'the other node’s messages');
    assert.deepEqual(
      onB.got.filter((h) => want.includes(h)),
      want,
    );
    onB.ws.close();
  });

  it('a core node started late serves the same program views, histories, statuses, aggregates and listings', async () => {
    const program = await deployProgram(c.nodes[1]!.url, alice);
    const late = await c.add();
    const [first] = c.nodes;
    for (const path of [
      `/api/v0/programs/${program.id}`,
      `/api/v0/programs/${program.id}/history`,
      `/api/v0/messages/${program.id}`,
      `/api/v0/aggregates/${alice.address}.json`,
      `/api/v0/messages.json?addresses=${bob.address}&pagination=200`,
      `/api/v0/posts.json?types=order&pagination=200`,
    ]) {
      const [x, y] = await Promise.all([first!.url, late.url].map((u) => getJson(u, path)));
      assert.equal(x!.status, 200, path);
      assert.deepEqual(y!.body, x!.body, path);
    }
  });
});
