import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { createNode, type RunningNode } from '../createNode.js';
import { rawKey, signRaw } from '../fuzz/rawSigner.js';
import { postMessage } from '../testing/nodeHarness.js';
import { FanOutQueue } from './fanOutQueue.js';

describe('the fan-out queue is bounded', () => {
  it('never holds more than its bound: past it the queue is dropped and the overflow reported once', async () => {
    const sent: string[] = [];
    const overflows: number[] = [];
    let release: () => void = () => {};
    // The first fan-out hangs until released, so pushes pile up behind it as they would behind a slow fan-out.
    const gate = new Promise<void>((r) => (release = r));
    const q = new FanOutQueue(
      3,
      async (h) => {
        if (sent.length === 0) await gate;
        sent.push(h);
      },
      (n) => overflows.push(n),
    );
    for (let i = 0; i < 10; i++) q.push(`h${i}`);
    assert.ok(q.peak <= 3, `peak ${q.peak}`);
    // h0 is being fanned out; h1..h3 wait; h4 overflows (4 waiting), then h5..h7 wait, h8 overflows again, h9 waits.
    assert.deepEqual(overflows, [4, 4]);
    release();
    while (q.size > 0 || sent.length < 2) await new Promise((r) => setImmediate(r));
    assert.deepEqual(sent, ['h0', 'h9']);
  });

  it('a fan-out that fails does not stop the ones after it', async () => {
    const sent: string[] = [];
    const q = new FanOutQueue(
      10,
      async (h) => {
        if (h === 'bad') throw new Error('store away');
        sent.push(h);
      },
      () => assert.fail('no overflow'),
    );
    for (const h of ['a', 'bad', 'b']) q.push(h);
    while (sent.length < 2) await new Promise((r) => setImmediate(r));
    assert.deepEqual(sent, ['a', 'b']);
  });
});

describe('a node whose fan-out falls behind', () => {
  let node: RunningNode;
  let home: string;
  const key = rawKey(randomBytes(32));
  const post = (i: number) =>
    signRaw(key, {
      type: 'POST',
      item_content: `{"type":"t","address":"${key.address}","content":{"i":${i}},"time":${1_700_000_000 + i}}`,
    });
  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'aleph-fanout-'));
    node = await createNode({ home, port: 0, signatureWorkers: 0, ws: { maxFanOutBacklog: 4 } });
  });
  after(async () => {
    await node.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('closes its subscribers with 1013 WS_FAN_OUT_BEHIND, then serves new ones', async () => {
    const hashes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const m = post(i);
      assert.equal((await postMessage(node.url, m)).status, 200);
      hashes.push(m.item_hash);
    }
    const wsUrl = `${node.url.replace('http', 'ws')}/api/ws0/messages`;
    let n = 100;
    /** Posts until a live message reaches `ws`: the server registers a subscriber just after the client sees it open. */
    const untilLive = async (ws: WebSocket) => {
      let got = false;
      ws.once('message', () => (got = true));
      for (let i = 0; i < 100 && !got; i++) {
        assert.equal((await postMessage(node.url, post(n++))).status, 200);
        await new Promise((r) => setImmediate(r));
      }
      assert.ok(got, 'the subscriber gets live messages');
    };
    const ws = new WebSocket(wsUrl);
    await new Promise((r) => ws.once('open', r));
    await untilLive(ws);
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      ws.once('close', (code, reason) => r({ code, reason: reason.toString() })),
    );
    // One commit announcing more messages than the bound, as a large batch of the writer does (one emit each).
    for (const [i, h] of hashes.entries()) node.pipeline.bus.emit('message', h, i);
    const c = await closed;
    assert.equal(c.code, 1013);
    assert.match(c.reason, /^WS_FAN_OUT_BEHIND: the node fell 5 messages behind/);

    const again = new WebSocket(wsUrl);
    await new Promise((r) => again.once('open', r));
    await untilLive(again);
    again.terminate();
  });
});
