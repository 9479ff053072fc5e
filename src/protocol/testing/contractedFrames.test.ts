import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { isAlephError } from '../../errors.js';
import { OFF_CONTRACT_HEADER } from './contractCheck.js';

const ID = 'a'.repeat(64);
const good = { kind: 'program-updated', program_id: ID, edition: 1, current_hash: ID, status: 'live' };

describe('every frame a test reads from a node stream is held to the API contract', () => {
  let wss: WebSocketServer;
  let base: string;
  before(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    // A stream that breaks the contract on purpose: `?frame=` says what it sends, `?off` marks it.
    wss.on('headers', (headers, req) => {
      if (req.url?.includes('off')) headers.push(`${OFF_CONTRACT_HEADER}: 1`);
    });
    wss.on('connection', (ws, req) => {
      const frame = new URL(req.url ?? '/', 'http://x').searchParams.get('frame') ?? '';
      ws.send(
        frame === 'good'
          ? JSON.stringify(good)
          : frame === 'text'
            ? 'not json'
            : JSON.stringify({ ...good, edition: -1 }),
      );
    });
    await new Promise((ok) => wss.once('listening', ok));
    base = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((ok) => wss.close(() => ok())));

  /** The first frame of `path`, and the uncaught error it caused, if any (node:test's listener set aside). */
  async function read(path: string): Promise<{ frame: string; error: unknown }> {
    const runner = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    let error: unknown = null;
    process.on('uncaughtException', (e) => {
      error = e;
    });
    try {
      const ws = new WebSocket(`${base}${path}`);
      const frame = await new Promise<string>((ok) => ws.once('message', (d) => ok(d.toString())));
      await new Promise((ok) => setImmediate(ok)); // the check throws on the next tick
      ws.close();
      return { frame, error };
    } finally {
      process.removeAllListeners('uncaughtException');
      for (const l of runner) process.on('uncaughtException', l);
    }
  }

  it('a frame that parses passes; one outside the schema fails the test, naming the field', async () => {
    assert.equal((await read('/api/ws0/programs?frame=good')).error, null);
    const bad = await read('/api/ws0/programs?frame=bad');
    assert.ok(isAlephError(bad.error, 'RESPONSE_INVALID'));
    assert.equal(bad.error.details.field, 'edition');
    assert.match(bad.frame, /"edition":-1/, 'the test still reads the frame');
    const text = await read('/api/ws0/messages?frame=text');
    assert.ok(isAlephError(text.error, 'RESPONSE_INVALID'));
  });

  it('a marked stream and a path outside the table are not checked', async () => {
    assert.equal((await read('/api/ws0/programs?frame=bad&off')).error, null);
    assert.equal((await read('/elsewhere?frame=bad')).error, null);
  });
});
