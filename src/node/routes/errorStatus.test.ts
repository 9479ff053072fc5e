import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildPost } from '../../client/messages/buildPost.js';
import { errorBodySchema } from '../../protocol/api/errorBody.js';
import { getJson, newAccount, postMessage, sign, useTestNode } from '../testing/nodeHarness.js';

// Every error answer goes through the one mapping (errorStatus.ts): its body parses with the contract, a refusal
// says `message_status: 'rejected'`, and a request error or a missing thing never does.
describe('the node answers every error through one mapping', () => {
  const h = useTestNode();

  async function expectError(
    r: { status: number; body: unknown },
    status: number,
    code: string,
    rejected: boolean,
  ): Promise<void> {
    assert.equal(r.status, status, JSON.stringify(r.body));
    const body = errorBodySchema.parse(r.body);
    assert.equal(body.error_code, code);
    assert.equal(body.message_status, rejected ? 'rejected' : undefined, code);
  }

  it('404 for what is not there, by code', async () => {
    const id = 'ab'.repeat(32);
    await expectError(await getJson(h.url, `/api/v0/programs/${id}`), 404, 'PROGRAM_NOT_FOUND', false);
    await expectError(await getJson(h.url, `/api/v0/programs/${id}/history`), 404, 'PROGRAM_NOT_FOUND', false);
    await expectError(await getJson(h.url, `/api/v0/messages/${id}`), 404, 'MESSAGE_NOT_FOUND', false);
    await expectError(await getJson(h.url, `/api/v0/storage/raw/${id}`), 404, 'FILE_NOT_FOUND', false);
    await expectError(
      await getJson(h.url, `/api/v0/aggregates/${newAccount().address}.json`),
      404,
      'AGGREGATE_NOT_FOUND',
      false,
    );
  });

  it('422 request errors name the field and are not refusals; a refused message is', async () => {
    await expectError(await getJson(h.url, '/api/v0/messages.json?page=0'), 422, 'REQUEST_QUERY_INVALID', false);
    const dry = await fetch(`${h.url}/api/v0/programs/${'ab'.repeat(32)}/dry-run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"code_hash":"zz"}',
    });
    const dryBody = await dry.json();
    await expectError({ status: dry.status, body: dryBody }, 422, 'DRY_RUN_INVALID', false);
    assert.equal((dryBody as { details: { field: string } }).details.field, 'code_hash');
    const alice = newAccount();
    const forged = await sign(
      alice,
      buildPost({ sender: alice.address, address: newAccount().address, type: 'chat', content: {} }),
    );
    await expectError(await postMessage(h.url, forged), 422, 'NOT_AUTHORIZED', true);
    const notJson = await fetch(`${h.url}/api/v0/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{nope',
    });
    await expectError({ status: notJson.status, body: await notJson.json() }, 422, 'MESSAGE_MALFORMED_JSON', true);
  });

  it('a path the router cannot take (bad percent-encoding, a segment past the param bound) is a request error on the path', async () => {
    for (const path of ['/ipfs/%ZZ', '/api/v0/storage/raw/%ED%A0%80', `/api/v0/messages/${'a'.repeat(5000)}`]) {
      const r = await getJson(h.url, path);
      await expectError(r, 422, 'REQUEST_INVALID', false);
      assert.equal((r.body as { details: { field: string } }).details.field, 'path', path);
    }
    assert.equal((await getJson(h.url, '/api/v0/height')).status, 200);
  });
});
