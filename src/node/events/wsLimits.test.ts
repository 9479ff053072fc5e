import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { createNode, type NodeOptions, type RunningNode } from '../createNode.js';
import { rawKey, signRaw } from '../fuzz/rawSigner.js';
import { postMessage } from '../testing/nodeHarness.js';

async function startNode(extra: Partial<NodeOptions>): Promise<{ node: RunningNode; close(): Promise<void> }> {
  const home = mkdtempSync(join(tmpdir(), 'aleph-ws-'));
  const node = await createNode({ home, port: 0, signatureWorkers: 0, ...extra });
  return {
    node,
    close: async () => {
      await node.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

interface Closed {
  code: number;
  reason: string;
  frames: number;
}

/** Connects and resolves when the server closes the socket (or rejects after `ms`). */
function untilClosed(
  url: string,
  opts: WebSocket.ClientOptions = {},
  ms = 10_000,
  onOpen?: (ws: WebSocket) => void,
): Promise<Closed> {
  const ws = new WebSocket(url, opts);
  let frames = 0;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`still open after ${ms} ms (${frames} frames)`));
    }, ms);
    ws.on('open', () => onOpen?.(ws));
    ws.on('message', () => frames++);
    ws.on('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString(), frames });
    });
    ws.on('error', () => {});
  });
}

function opened(url: string, opts: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  const ws = new WebSocket(url, opts);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function height(url: string): Promise<number> {
  const r = await fetch(`${url}/api/v0/height`);
  assert.equal(r.status, 200);
  return (await r.json()).height;
}

const key = rawKey(randomBytes(32));
const post = (content: string, i = 0) =>
  signRaw(key, {
    type: 'POST',
    item_content: `{"type":"t","address":"${key.address}","content":${content},"time":${1_700_000_000 + i}}`,
  });

describe('websocket query strings are parsed with a schema', () => {
  let n: Awaited<ReturnType<typeof startNode>>;
  before(async () => {
    n = await startNode({});
  });
  after(async () => {
    await n.close();
  });

  for (const [query, field] of [
    ['history=200', 'history'],
    ['history=1000', 'history'],
    ['history=-1', 'history'],
    ['history=abc', 'history'],
    ['history=1e3', 'history'],
    ['history=1&history=2', 'history'],
    [`addresses=${Array.from({ length: 101 }, (_, i) => `0x${i}`).join(',')}`, 'addresses'],
    [`msgType=${'A'.repeat(300)}`, 'msgType'],
    ['channels=a&channels=b', 'channels'],
  ] as const) {
    it(`refuses ?${query.slice(0, 40)} with close code 1008 naming ${field}`, async () => {
      const c = await untilClosed(`${n.node.url.replace('http', 'ws')}/api/ws0/messages?${query}`);
      assert.equal(c.code, 1008);
      assert.match(c.reason, new RegExp(`^WS_QUERY_INVALID: ${field} `));
      assert.equal(c.frames, 0);
      await height(n.node.url);
    });
  }

  it('a client frame over 64 KiB closes the socket with 1009; the streams take no input', async () => {
    const c = await untilClosed(`${n.node.url.replace('http', 'ws')}/api/ws0/messages`, {}, 10_000, (ws) =>
      ws.send(Buffer.alloc(100_000)),
    );
    assert.equal(c.code, 1009);
    await height(n.node.url);
  });

  it('serves history=199 (pyaleph: history < 200), oldest first', async () => {
    const sent: string[] = [];
    for (let i = 0; i < 205; i++) {
      const m = post(`{"i":${i}}`, i);
      assert.equal((await postMessage(n.node.url, m)).status, 200);
      sent.push(m.item_hash);
    }
    const ws = new WebSocket(`${n.node.url.replace('http', 'ws')}/api/ws0/messages?history=199`);
    const got: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${got.length} of 199`)), 10_000);
      ws.on('message', (d) => {
        got.push(JSON.parse(d.toString()).item_hash);
        if (got.length === 199) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    ws.close();
    assert.deepEqual(got, sent.slice(-199));
  });
  it('100 subscribers asking history=199 at once all get it while ordinary reads keep answering', async () => {
    const url = `${n.node.url.replace('http', 'ws')}/api/ws0/messages?history=199`;
    const done = Array.from(
      { length: 100 },
      (_, i) =>
        new Promise<number>((resolve, reject) => {
          const ws = new WebSocket(url, { localAddress: `127.0.1.${1 + (i % 50)}` });
          let got = 0;
          const timer = setTimeout(() => {
            ws.terminate();
            reject(new Error(`subscriber ${i}: ${got} of 199`));
          }, 30_000);
          ws.on('message', () => {
            if (++got === 199) {
              clearTimeout(timer);
              ws.terminate();
              resolve(got);
            }
          });
          ws.on('error', reject);
        }),
    );
    let all = false;
    const settled = Promise.all(done).finally(() => {
      all = true;
    });
    let worst = 0;
    while (!all) {
      const t = performance.now();
      await height(n.node.url);
      worst = Math.max(worst, performance.now() - t);
    }
    assert.deepEqual(
      await settled,
      done.map(() => 199),
    );
    assert.ok(worst < 2000, `an ordinary read waited ${worst.toFixed(0)} ms`);
  });
});

describe('websocket subscribers are bounded', () => {
  let n: Awaited<ReturnType<typeof startNode>>;
  before(async () => {
    n = await startNode({ ws: { maxSubscribersPerIp: 3, maxSubscribers: 5, maxBufferedBytes: 1024 * 1024 } });
  });
  after(async () => {
    await n.close();
  });
  const wsUrl = () => `${n.node.url.replace('http', 'ws')}/api/ws0/messages`;

  it('caps subscribers per client IP and in total with close code 1013, and frees a slot on close', async () => {
    const mine = await Promise.all([1, 2, 3].map(() => opened(wsUrl())));
    const fourth = await untilClosed(wsUrl());
    assert.equal(fourth.code, 1013);
    assert.match(fourth.reason, /^WS_TOO_MANY_SUBSCRIBERS: your address has 3/);
    // Another client (another loopback address) still gets in, until the node is full; the programs stream counts too.
    const other = await opened(`${n.node.url.replace('http', 'ws')}/api/ws0/programs`, { localAddress: '127.0.0.2' });
    const other2 = await opened(wsUrl(), { localAddress: '127.0.0.2' });
    const full = await untilClosed(wsUrl(), { localAddress: '127.0.0.3' });
    assert.equal(full.code, 1013);
    assert.match(full.reason, /^WS_TOO_MANY_SUBSCRIBERS: the node has 5/);
    const closed = new Promise((r) => mine[0].once('close', r));
    mine[0].close();
    await closed;
    // The server sees the close a moment after the client: poll for the freed slot, with a deadline.
    const deadline = Date.now() + 5000;
    let again: WebSocket | undefined;
    while (!again && Date.now() < deadline) {
      const ws = await opened(wsUrl());
      const kept = await new Promise<boolean>((r) => {
        ws.once('close', () => r(false));
        setTimeout(() => r(ws.readyState === ws.OPEN), 100);
      });
      if (kept) again = ws;
    }
    assert.ok(again, 'a slot is free again after a subscriber leaves');
    for (const ws of [...mine, other, other2, again]) ws.terminate();
    await height(n.node.url);
  });

  it('closes a subscriber that never reads instead of buffering for it, and keeps serving the others', async () => {
    let slow: WebSocket | undefined;
    const slowClosed = untilClosed(wsUrl(), {}, 30_000, (ws) => {
      ws.pause();
      slow = ws;
    });
    const reader = await opened(wsUrl(), { localAddress: '127.0.0.2' });
    let readerFrames = 0;
    reader.on('message', () => readerFrames++);
    const deadline = Date.now() + 5000;
    while (!slow && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    assert.ok(slow, 'slow subscriber opened');
    // 12 MB of messages: past the 1 MiB cap plus what the kernel buffers for a socket that is not read (~4 MB).
    const big = JSON.stringify('x'.repeat(100_000));
    const total = 120;
    for (let i = 0; i < total; i++)
      assert.equal((await postMessage(n.node.url, post(`{"big":${big},"i":${i}}`, 1000 + i))).status, 200);
    slow!.resume();
    const c = await slowClosed;
    // If it is read in time the reason arrives (1008); a socket dropped for good after its grace second is 1006.
    assert.ok(c.code === 1008 || c.code === 1006, `closed with ${c.code}`);
    if (c.code === 1008) assert.match(c.reason, /^WS_SLOW_SUBSCRIBER/);
    assert.ok(
      c.frames < total,
      `the slow subscriber got ${c.frames} of ${total}: it was not buffered for without bound`,
    );
    const until = Date.now() + 10_000;
    while (readerFrames < total && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.equal(readerFrames, total, 'a subscriber that reads gets every message');
    reader.terminate();
    await height(n.node.url);
  });
});

describe('the fan-out never throws out of the event loop', () => {
  let n: Awaited<ReturnType<typeof startNode>>;
  before(async () => {
    n = await startNode({});
  });
  after(async () => {
    await n.close();
  });

  it('content nested 5,000 levels reaches a subscriber (or is refused) and the node keeps answering', async () => {
    const ws = await opened(`${n.node.url.replace('http', 'ws')}/api/ws0/messages?msgType=POST`);
    const frames: string[] = [];
    ws.on('message', (d) => frames.push(d.toString()));
    const deep = post('['.repeat(5000) + ']'.repeat(5000), 1);
    const r = await postMessage(n.node.url, deep);
    assert.ok(
      r.status === 200 || r.status === 422,
      `deep content: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`,
    );
    const after = post('{"ok":true}', 2);
    assert.equal((await postMessage(n.node.url, after)).status, 200);
    const deadline = Date.now() + 5000;
    while (!frames.some((f) => f.includes(after.item_hash)) && Date.now() < deadline)
      await new Promise((res) => setTimeout(res, 20));
    assert.ok(
      frames.some((f) => f.includes(after.item_hash)),
      'the next message is still streamed',
    );
    if (r.status === 200)
      assert.ok(
        frames.some((f) => f.includes(deep.item_hash)),
        'the deep message was streamed as stored',
      );
    ws.terminate();
    await height(n.node.url);
  });
});

// Found by the 100,000-request fuzz run: a client that closed while its history was being sent made an
// unawaited send reject, and the unhandled rejection ended the node's process.
describe('a subscriber that leaves in the middle of its history', () => {
  let n: Awaited<ReturnType<typeof startNode>>;
  before(async () => {
    n = await startNode({});
    for (let i = 0; i < 60; i++)
      assert.equal((await postMessage(n.node.url, post(`{"i":${i},"pad":"${'p'.repeat(150_000)}"}`, i))).status, 200);
  });
  after(async () => {
    await n.close();
  });

  it('does not take the node down: twenty clients drop after the first frame, then an ordinary read answers', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          const ws = await opened(`${n.node.url.replace('http', 'ws')}/api/ws0/messages?history=199`);
          await new Promise<void>((resolve) =>
            ws.once('message', () => {
              ws.terminate();
              resolve();
            }),
          );
        }),
      );
      // Give the node's pending sends their callbacks (they settle on the next ticks after the sockets close).
      for (let i = 0; i < 20 && unhandled.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      assert.deepEqual(unhandled.map(String), []);
      assert.ok((await height(n.node.url)) >= 0);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
