import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAlephError } from '../../errors.js';
import { OFF_CONTRACT_HEADER } from './contractCheck.js';
import { contractErrorOf, rawFetch } from './contractedFetch.js';

/** Answers each path with the JSON body given for it: a server that breaks the contract on purpose. */
const ANSWERS: Record<string, [status: number, body: string, headers?: Record<string, string>]> = {
  '/api/v0/height': [200, '{"height": "twelve"}'],
  '/api/v0/programs/abc': [404, '{"error": "not found"}'],
  '/api/v0/messages/abc': [404, '{"error_code": "MESSAGE_NOT_FOUND", "details": {"message": "no such message"}}'],
  '/api/v0/posts.json': [200, '{"posts": '],
  '/about': [200, '{"name": 3, "api_url": "http://127.0.0.1:1"}'],
  '/about/runtime/x': [200, '{"ref": 3}', { [OFF_CONTRACT_HEADER]: '1' }],
  '/control/machine/abc/logs': [200, '{"not": "a list"}', { 'content-type': 'text/plain' }],
  '/vm/abc/anything': [200, '{"a program": "answers what it likes"}'],
  '/api/v0/elsewhere': [200, '{"height": 1'],
};

describe('every answer a test reads with fetch is held to the API contract', () => {
  let server: Server;
  let url: string;
  before(async () => {
    server = createServer((req, res) => {
      const [status, body, headers] = ANSWERS[req.url ?? ''] ?? [404, '{}'];
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((ok) => server.close(() => ok())));

  const errorOf = async (path: string) => contractErrorOf('GET', await rawFetch(`${url}${path}`));

  it('an answer that breaks its route schema is RESPONSE_INVALID naming the field', async () => {
    const e = await errorOf('/api/v0/height');
    assert.ok(isAlephError(e, 'RESPONSE_INVALID'));
    assert.equal(e.details.field, 'height');
    assert.equal((await errorOf('/api/v0/posts.json'))?.details.field, '(body)', 'JSON that does not parse');
  });

  it('an error answer must be the one error body', async () => {
    assert.ok(isAlephError(await errorOf('/api/v0/programs/abc'), 'RESPONSE_INVALID'));
    assert.equal(await errorOf('/api/v0/messages/abc'), null);
  });

  it("the compute node's routes too; a program's answers, non-JSON and marked answers are not the contract's", async () => {
    assert.equal((await errorOf('/about'))?.details.field, 'name');
    for (const path of ['/about/runtime/x', '/control/machine/abc/logs', '/vm/abc/anything', '/api/v0/elsewhere'])
      assert.equal(await errorOf(path), null, path);
  });

  it('through fetch, a broken answer fails the test that read it, past any catch; the caller still reads it', async () => {
    // node:test's own listener would fail this test: stand in for it while the one error is expected.
    const runner = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    const thrown = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve));
    try {
      const r = await fetch(`${url}/api/v0/height`);
      assert.deepEqual(await r.json(), { height: 'twelve' });
      assert.ok(isAlephError(await thrown, 'RESPONSE_INVALID'));
    } finally {
      for (const l of runner) process.on('uncaughtException', l);
    }
  });
});
