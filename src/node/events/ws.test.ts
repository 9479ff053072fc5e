import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { buildPost } from '../../client/messages/buildPost.js';
import { buildAggregate } from '../../client/messages/buildAggregate.js';
import { newAccount, postMessage, sign, useTestNode } from '../testing/nodeHarness.js';

function collect(url: string, n: number): Promise<any[]> {
  const ws = new WebSocket(url);
  const got: any[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error(`only ${got.length}/${n} messages`));
    }, 5000);
    ws.on('message', (d) => {
      got.push(JSON.parse(d.toString()));
      if (got.length === n) {
        clearTimeout(timer);
        ws.close();
        resolve(got);
      }
    });
    ws.on('error', reject);
  });
}

describe('websocket /api/ws0/messages', () => {
  const alice = newAccount();
  const h = useTestNode();

  it('streams processed messages matching msgType and addresses, with history first', async () => {
    const old = await sign(alice, buildPost({ sender: alice.address, type: 'old', content: {} }));
    await postMessage(h.url, old);
    const wsUrl = h.url.replace('http', 'ws') + `/api/ws0/messages?msgType=POST&addresses=${alice.address}&history=1`;
    const pending = collect(wsUrl, 2);
    await new Promise((r) => setTimeout(r, 200));
    await postMessage(h.url, await sign(alice, buildAggregate({ sender: alice.address, key: 'k', content: { a: 1 } })));
    const fresh = await sign(alice, buildPost({ sender: alice.address, type: 'new', content: { b: 2 } }));
    await postMessage(h.url, fresh);
    const got = await pending;
    assert.deepEqual(
      got.map((m) => m.item_hash),
      [old.item_hash, fresh.item_hash],
    );
    assert.deepEqual(got[1].content.content, { b: 2 });
  });
});
