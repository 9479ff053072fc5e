import { test } from 'node:test';
import assert from 'node:assert/strict';
import { itemHashOf, parseContent, parseEnvelope, verifySignature } from '../../protocol/index.js';
import { accountFromPrivateKey } from '../accounts/account.js';
import { buildAggregate } from './buildAggregate.js';
import { buildForget } from './buildForget.js';
import { buildPost } from './buildPost.js';
import { buildProgram, buildProgramReplacement } from './buildProgram.js';
import { buildStore } from './buildStore.js';
import { signMessage } from './signMessage.js';
import type { UnsignedMessage } from './types.js';
import { DEFAULT_RUNTIME_ID } from '../constants.js';

const account = accountFromPrivateKey('0x' + '11'.repeat(32));
const other = accountFromPrivateKey('0x' + '22'.repeat(32));
const sender = account.address;
const time = 1700000000.25;
const H = 'ab'.repeat(32);

/** Signs, then checks the result exactly as the node does: envelope, hash, signature, content schema. */
async function roundTrip(unsigned: UnsignedMessage<object>) {
  const signed = await signMessage(account, unsigned);
  const envelope = parseEnvelope(JSON.parse(JSON.stringify(signed)));
  verifySignature(envelope);
  assert.equal(envelope.item_hash, itemHashOf(envelope.item_content as string));
  return { signed, valid: parseContent(envelope, envelope.item_content as string) };
}

test('every builder produces a message the protocol accepts', async () => {
  for (const m of [
    buildPost({ sender, type: 'note', content: { text: 'hi' }, time }),
    buildPost({ sender, type: 'amend', content: { text: 'fixed' }, ref: H, time }),
    buildAggregate({ sender, key: 'approved_checksum', content: { true: H }, time }),
    buildStore({ sender, file: new TextEncoder().encode('hello'), time }),
    buildStore({ sender, itemHash: H, ref: H, time }),
    buildForget({ sender, hashes: [H], reason: 'User deletion', time }),
    buildProgram({
      sender,
      codeRef: H,
      entrypoint: 'main:app',
      name: 'x',
      time,
      volumes: [{ mount: '/d', ephemeral: true, size_mib: 5 }],
      variables: { A: '1' },
    }),
    buildProgramReplacement({
      sender,
      programId: H,
      content: buildProgram({ sender, codeRef: H, entrypoint: 'run.sh', updatable: true }).content,
      time,
    }),
  ]) {
    const { signed, valid } = await roundTrip(m);
    assert.equal(valid.sender, sender);
    assert.equal(valid.content.address, sender);
    assert.equal(signed.time, time);
    assert.equal(signed.item_type, 'inline');
  }
});

test('item_content keeps @aleph-sdk/client key order byte for byte', async () => {
  const post = await signMessage(account, buildPost({ sender, type: 'note', content: { a: 1 }, time }));
  assert.equal(post.item_content, `{"type":"note","address":"${sender}","content":{"a":1},"time":${time}}`);
  const agg = await signMessage(account, buildAggregate({ sender, key: 'k', content: { a: 1 }, time }));
  assert.equal(agg.item_content, `{"address":"${sender}","key":"k","time":${time},"content":{"a":1}}`);
  const forget = await signMessage(account, buildForget({ sender, hashes: [H], reason: 'r', time }));
  assert.equal(forget.item_content, `{"address":"${sender}","time":${time},"hashes":["${H}"],"reason":"r"}`);
  assert.deepEqual(Object.keys(post), [
    'chain',
    'sender',
    'channel',
    'time',
    'item_type',
    'item_hash',
    'item_content',
    'signature',
    'type',
  ]);
});

test('buildProgram applies aleph-client defaults', () => {
  const { content, channel } = buildProgram({ sender, codeRef: H, entrypoint: 'main:app' });
  assert.equal(channel, 'ALEPH-CLOUDSOLUTIONS');
  assert.deepEqual(content.resources, { vcpus: 1, memory: 128, seconds: 30 });
  assert.deepEqual(content.environment, { reproducible: false, internet: false, aleph_api: true, shared_cache: false });
  assert.deepEqual(content.on, { http: true, persistent: false });
  assert.deepEqual(content.runtime, {
    ref: DEFAULT_RUNTIME_ID,
    use_latest: true,
    comment: 'Official aleph.im runtime',
  });
  assert.deepEqual(content.code, { encoding: 'zip', entrypoint: 'main:app', ref: H, use_latest: true });
  assert.equal(content.allow_amend, false);
  assert.equal('metadata' in content, false);
});

test('content may act for another address; the signer stays the sender', async () => {
  const { valid } = await roundTrip(buildPost({ sender, address: other.address, type: 'note', content: {}, time }));
  assert.equal(valid.content.address, other.address);
  assert.equal(valid.sender, sender);
});

test('signMessage refuses a sender that is not the account, and oversized inline content', async () => {
  await assert.rejects(signMessage(other, buildPost({ sender, type: 'x', content: {} })), {
    code: 'MESSAGE_SENDER_MISMATCH',
  });
  const big = buildPost({ sender, type: 'x', content: 'a'.repeat(200_001) });
  await assert.rejects(signMessage(account, big), { code: 'MESSAGE_CONTENT_TOO_LARGE' });
  const stored = await signMessage(account, big, { storageHash: H });
  assert.equal(stored.item_type, 'storage');
  assert.equal(stored.item_content, undefined);
  verifySignature(parseEnvelope(stored));
});

test('a replacement keeps the content but sets replaces and a fresh time', () => {
  const old = buildProgram({ sender, codeRef: H, entrypoint: 'main:app', time: 1 }).content;
  const next = buildProgramReplacement({ sender, programId: H, content: { ...old } });
  assert.equal(next.content.replaces, H);
  assert.ok(next.content.time > 1);
  assert.equal(next.time, next.content.time);
});
