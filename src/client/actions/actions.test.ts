import { isAlephError } from '../../errors.js';
import { isRequestErrorCode } from '../../errorCodes/index.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { OFF_CONTRACT_HEADER } from '../../protocol/testing/contractCheck.js';
import type { AddressInfo } from 'node:net';
import { startTestNode, newAccount, type Harness } from '../../node/testing/nodeHarness.js';
import { AlephClient } from '../AlephClient.js';
import { buildAggregate } from '../messages/buildAggregate.js';
import { buildPost } from '../messages/buildPost.js';
import type { ApiMessage } from '../transport/clientConfig.js';

let node: Harness;
let client: AlephClient;

before(async () => {
  node = await startTestNode();
  client = new AlephClient({ apiUrl: node.url, account: newAccount(), channel: 'TEST' });
});
after(async () => node.close());

const me = () => client.account!.address;

test('publishMessage then getMessage, getMessages and getPosts see the post', async () => {
  const { message, status } = await client.publishMessage({
    message: buildPost({ sender: me(), type: 'chat', content: { body: 'hi' }, channel: 'TEST' }),
  });
  assert.equal(status, 'processed');
  const got = await client.getMessage({ hash: message.item_hash });
  assert.ok(got.status === 'processed' && got.message.type === 'POST', got.status);
  assert.deepEqual(got.message.content.content, { body: 'hi' });
  const page = await client.getMessages({ hashes: [message.item_hash] });
  assert.equal(page.messages[0]?.item_hash, message.item_hash);
  const posts = await client.getPosts({ types: ['chat'], addresses: [me()] });
  assert.deepEqual(
    posts.map((p) => p.content),
    [{ body: 'hi' }],
  );
  await assert.rejects(client.getMessage({ hash: message.item_hash, type: 'STORE' }), { code: 'MESSAGE_WRONG_TYPE' });
});

test('content over 200,000 characters travels as item_type storage', async () => {
  const big = 'x'.repeat(210_000);
  const { message, status } = await client.publishMessage({
    message: buildPost({ sender: me(), type: 'blob', content: big }),
  });
  assert.equal(status, 'processed');
  assert.equal(message.item_type, 'storage');
  assert.equal(message.item_content, undefined);
  const got = await client.getLiveMessage({ hash: message.item_hash, type: 'POST' });
  assert.equal(got.content.content, big);
});

test('aggregates merge and read back', async () => {
  await client.publishMessage({ message: buildAggregate({ sender: me(), key: 'profile', content: { a: 1 } }) });
  await client.publishMessage({ message: buildAggregate({ sender: me(), key: 'profile', content: { b: 2 } }) });
  assert.deepEqual(await client.getAggregate({ address: me(), keys: ['profile'] }), { profile: { a: 1, b: 2 } });
});

test('a rejected message throws the node error code and hint', async () => {
  const other = newAccount();
  const forged = buildPost({ sender: me(), address: other.address, type: 'chat', content: {} });
  await assert.rejects(
    client.publishMessage({ message: forged }),
    (e: unknown) =>
      isAlephError(e, 'NOT_AUTHORIZED') && e.hint.includes('security') && typeof e.details.item_hash === 'string',
  );
});

test('dryRunProgram with a malformed candidate throws a request error naming the field', async () => {
  await assert.rejects(
    client.dryRunProgram({ id: 'ab'.repeat(32), candidate: { code_hash: 'zz' } }),
    (e: unknown) => isAlephError(e, 'DRY_RUN_INVALID') && isRequestErrorCode(e.code) && e.details.field === 'code_hash',
  );
});

test('a malformed request is a request error, not a refusal: told apart by code', async () => {
  await assert.rejects(
    client.getMessages({ hashes: ['not-a-hash'] } as never),
    (e: unknown) =>
      isAlephError(e, 'REQUEST_QUERY_INVALID') && isRequestErrorCode(e.code) && e.details.field === 'hashes',
  );
});

test('uploadFile reports progress and stores the file behind a STORE', async () => {
  const file = new Uint8Array(600_000).fill(7);
  const seen: number[] = [];
  const r = await client.uploadFile({ file, onProgress: (sent, total) => seen.push(sent / total) });
  assert.equal(seen.at(-1), 1);
  assert.ok(seen.length > 1);
  assert.equal(r.status, 'processed');
  assert.deepEqual(await client.downloadFile({ hash: r.hash }), file);
  const store = await client.getLiveMessage({ hash: r.message!.item_hash, type: 'STORE' });
  assert.equal(store.content.item_hash, r.hash);
});

test('watchMessages delivers new messages', async () => {
  const seen: ApiMessage[] = [];
  const watch = client.watchMessages({ msgType: 'POST', addresses: [me()], onMessage: (m) => seen.push(m) });
  await watch.ready;
  const { message } = await client.publishMessage({ message: buildPost({ sender: me(), type: 'ping', content: 1 }) });
  for (let i = 0; i < 50 && !seen.some((m) => m.item_hash === message.item_hash); i++)
    await new Promise((r) => setTimeout(r, 50));
  watch.close();
  assert.ok(seen.some((m) => m.item_hash === message.item_hash && m.type === 'POST' && m.content.type === 'ping'));
});

test('an unreachable node is NODE_UNREACHABLE with a hint', async () => {
  const dead = new AlephClient({ apiUrl: 'http://127.0.0.1:9' });
  await assert.rejects(
    dead.getHeight(),
    (e: Error & { code: string; hint: string }) => e.code === 'NODE_UNREACHABLE' && e.hint.includes('aleph devnet'),
  );
});

test('a node whose message answers break the contract is RESPONSE_INVALID naming the field, never data', async () => {
  // A real message from the real node, then served back by a hostile one with one field changed or added.
  const { message } = await client.publishMessage({ message: buildPost({ sender: me(), type: 'x', content: 1 }) });
  const page = await (await fetch(`${node.url}/api/v0/messages.json?hashes=${message.item_hash}`)).json();
  const single = await (await fetch(`${node.url}/api/v0/messages/${message.item_hash}`)).json();
  const answers: Record<string, unknown> = {
    '/api/v0/messages.json': { ...page, messages: [{ ...page.messages[0], time: 'yesterday' }] },
    [`/api/v0/messages/${message.item_hash}`]: { ...single, message: { ...single.message, extra: 1 } },
  };
  const hostile = createServer((req, res) => {
    const body = answers[(req.url ?? '').split('?')[0]];
    if (body === undefined) throw new Error(`unexpected request ${req.url}`);
    res.setHeader(OFF_CONTRACT_HEADER, '1'); // what this test is about: the client's own parsing
    res.setHeader('content-type', 'application/json').end(JSON.stringify(body));
  });
  await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', r));
  try {
    const rogue = new AlephClient({ apiUrl: `http://127.0.0.1:${(hostile.address() as AddressInfo).port}` });
    const invalid = (field: RegExp) => (e: unknown) =>
      isAlephError(e, 'RESPONSE_INVALID') && field.test(String((e.details as { field?: string }).field));
    await assert.rejects(rogue.getMessages({ pagination: 1 }), invalid(/^messages\.0/));
    await assert.rejects(rogue.getMessage({ hash: message.item_hash }), invalid(/message/));
  } finally {
    hostile.close();
  }
});
