import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { followCommits } from './pgCommits.js';
import type { Db } from './queries.js';

/** One PostgreSQL backend message: type byte, length (itself included), body. */
function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

// What a backend that a fast shutdown reaches right after its handshake sends, in one read: authentication done,
// ready for a query, then FATAL 57P01 while no query is active yet.
const HANDSHAKE_THEN_FATAL = Buffer.concat([
  message('R', Buffer.from([0, 0, 0, 0])),
  message('Z', Buffer.from('I', 'latin1')),
  message(
    'E',
    Buffer.from('SFATAL\0VFATAL\0C57P01\0Mterminating connection due to administrator command\0\0', 'latin1'),
  ),
]);

describe('the commit follower on a server going down', () => {
  // On the old code the process dies of an uncaughtException; a follower that stops retrying hits the timeout.
  it('survives a FATAL that comes with the end of the handshake, and connects again', { timeout: 10_000 }, async () => {
    const startups: string[] = [];
    let second!: () => void;
    const reconnected = new Promise<void>((resolve) => (second = resolve));
    // A PostgreSQL wire peer, because a real server cannot be made to put both in one write on cue.
    const server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', (startup) => {
        startups.push(startup.toString('latin1'));
        socket.end(HANDSHAKE_THEN_FATAL);
        if (startups.length === 2) second();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    // Never read: the follower reads the store only once it listens, which it never does here.
    const db = new Proxy({} as Db, {
      get() {
        throw new Error('the store must not be read before the follower listens');
      },
    });
    const follower = followCommits(`postgres://aleph@127.0.0.1:${port}/aleph`, 'test-node', db, new EventEmitter());
    try {
      await follower.ready;
      await reconnected;
      // Both were the follower's own connection (its application_name), the second its retry after the FATAL.
      for (const s of startups) assert.match(s, /application_name\0aleph-node:test-node\0/);
    } finally {
      await follower.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
