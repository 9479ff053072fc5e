import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/**
 * Sends `{"<key>": [items…], …tail}` as it is produced, one chunk of items at a time: the same JSON as
 * returning the object, but never held whole in memory, read only as fast as the client takes it (the stream
 * is pulled: the next chunk is read when the socket has drained below the high-water mark), and one chunk per
 * turn of the event loop (fairTurn) so that other requests are served while a large answer is being written.
 * `A` is the answer's contract type: each chunk is typed as its list, the tail as the rest of it.
 */
export function sendList<K extends string, A extends Record<K, unknown[]>>(
  reply: FastifyReply,
  key: K,
  chunks: AsyncIterable<A[K]>,
  tail: Omit<A, K>,
): FastifyReply {
  async function* body(): AsyncGenerator<string> {
    yield `{${JSON.stringify(key)}:[`;
    let first = true;
    for await (const items of chunks) {
      if (items.length === 0) continue;
      const text = JSON.stringify(items);
      yield (first ? '' : ',') + text.slice(1, -1);
      first = false;
    }
    const rest = JSON.stringify(tail);
    yield rest === '{}' ? ']}' : `],${rest.slice(1)}`;
  }
  return reply
    .type('application/json; charset=utf-8')
    .send(Readable.from(body(), { objectMode: false, highWaterMark: 64 * 1024 }));
}
