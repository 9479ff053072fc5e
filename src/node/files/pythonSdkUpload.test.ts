import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { processedMessageStatusSchema } from '../../protocol/api/messageSchemas.js';
import { getJson, newAccount, postMessage, signRaw, useTestNode } from '../testing/nodeHarness.js';
import type { LocalAlephAccount } from '../../client/accounts/account.js';

/*
 * aleph-sdk-python's one-step upload, byte for byte (src/aleph/sdk/client/authenticated_http.py,
 * `_storage_push_file_with_message`): the STORE content is `StoreContent(...).model_dump(exclude_none=True)`,
 * item_content its `json.dumps(separators=(",", ":"))`, and the `metadata` form field (content type
 * application/json, no filename) holds `{"message": message.model_dump(exclude_none=True), "sync": ...}` — the
 * envelope *with* its parsed `content`, in aleph-message's field order. The file follows as field `file`.
 */
async function pythonStoreMessage(account: LocalAlephAccount, file: Buffer, contentOverride?: object) {
  const time = Math.round(Date.now()) / 1000;
  const content = {
    address: account.address,
    time,
    item_type: 'storage',
    item_hash: createHash('sha256').update(file).digest('hex'),
  };
  const itemContent = JSON.stringify(content);
  const signed = await signRaw(account, 'STORE', itemContent, { time, channel: 'ALEPH-CLOUDSOLUTIONS' });
  return {
    chain: signed.chain,
    sender: signed.sender,
    type: 'STORE',
    channel: signed.channel,
    signature: signed.signature,
    time,
    item_type: 'inline',
    item_content: itemContent,
    item_hash: signed.item_hash,
    content: contentOverride ?? content,
  };
}

/** The multipart body aiohttp's FormData builds for add_field('metadata', json, content_type=json) + add_field('file', BytesIO). */
function aiohttpForm(metadata: object, file: Buffer): { body: Buffer; type: string } {
  const boundary = randomBytes(16).toString('hex');
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Type: application/json\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify(metadata)}\r\n`,
    ),
    Buffer.from(
      `--${boundary}\r\nContent-Type: application/octet-stream\r\nContent-Disposition: form-data; name="file"; filename="file"\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

const addFile = async (url: string, metadata: object, file: Buffer) => {
  const { body, type } = aiohttpForm(metadata, file);
  const r = await fetch(`${url}/api/v0/storage/add_file`, {
    method: 'POST',
    headers: { 'content-type': type },
    body: new Uint8Array(body),
  });
  return { status: r.status, body: (await r.json()) as any };
};

describe("add_file takes the Python SDK's STORE with `content`", () => {
  const alice = newAccount();
  const h = useTestNode();

  it("accepts the SDK's upload, then its second broadcast of the same message to /messages", async () => {
    const file = randomBytes(3000);
    const message = await pythonStoreMessage(alice, file);
    const r = await addFile(h.url, { message, sync: false }, file);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.message_status, 'processed');
    const status = processedMessageStatusSchema.parse(
      (await getJson(h.url, `/api/v0/messages/${message.item_hash}`)).body,
    );
    assert.equal(status.message.type, 'STORE');
    // BROADCAST_MESSAGE_FIELDS: the envelope without content, sent again "for older nodes".
    const { content: _c, ...broadcast } = message;
    assert.equal((await postMessage(h.url, broadcast)).status, 200);
    const raw = await fetch(`${h.url}/api/v0/storage/raw/${message.item_hash}`);
    assert.deepEqual(Buffer.from(await raw.arrayBuffer()), file);
  });

  it('a `content` that disagrees with item_content is refused with MESSAGE_CONTENT_MISMATCH and nothing is stored', async () => {
    const file = randomBytes(2000);
    const fileHash = createHash('sha256').update(file).digest('hex');
    const message = await pythonStoreMessage(alice, file, {
      address: alice.address,
      time: 1,
      item_type: 'storage',
      item_hash: '0'.repeat(64),
    });
    const r = await addFile(h.url, { message, sync: false }, file);
    assert.equal(r.status, 422);
    assert.equal(r.body.error_code, 'MESSAGE_CONTENT_MISMATCH');
    assert.equal((await fetch(`${h.url}/api/v0/storage/raw/${fileHash}`)).status, 404);
    assert.equal((await getJson(h.url, `/api/v0/messages/${message.item_hash}`)).status, 404);
    // The same over /messages.
    assert.equal((await postMessage(h.url, message)).body.error_code, 'MESSAGE_CONTENT_MISMATCH');
  });

  it('fields pyaleph refuses stay refused', async () => {
    const file = randomBytes(100);
    const message = { ...(await pythonStoreMessage(alice, file)), colour: 'red' };
    const r = await addFile(h.url, { message, sync: false }, file);
    assert.equal(r.status, 422);
    assert.equal(r.body.error_code, 'MESSAGE_UNKNOWN_FIELD');
  });
});
