import { PassThrough, Transform } from 'node:stream';
import { BlackHoleBlockstore } from 'blockstore-core';
import { importer, type ImporterOptions } from 'ipfs-unixfs-importer';

/**
 * `ipfs add` with kubo's defaults: CIDv0, dag-pb UnixFS leaves (no raw leaves), 256 KiB fixed chunks, balanced
 * layout of at most 174 links per node. ipfs-unixfs-importer names that profile `unixfs-v0-2015` (IPIP-499).
 */
const KUBO_DEFAULTS: ImporterOptions = { profile: 'unixfs-v0-2015', wrapWithDirectory: false };

/**
 * The CID kubo gives these bytes. Only the root CID is kept: blocks are hashed and dropped (the node serves
 * the file from its own store), so memory stays a few chunks whatever the size.
 *
 * @example
 * await cidOf([new TextEncoder().encode('hello world\n')]); // 'QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o'
 */
export async function cidOf(content: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<string> {
  for await (const entry of importer([{ content }], new BlackHoleBlockstore(), KUBO_DEFAULTS)) {
    return entry.cid.toString();
  }
  // An importer given one file always yields it; anything else is a bug of the library.
  throw new Error('the UnixFS importer yielded no entry');
}

/** How far the upload may run ahead of the importer (each side of the feed): a bound on memory per upload. */
const FEED_AHEAD_BYTES = 1024 * 1024;

/**
 * A pass-through stream that computes the kubo CID of what flows through it, so an upload is hashed both ways
 * (sha256 for the store, CID for IPFS) in one pass. Each chunk is handed on only once the importer has room for
 * it: a slow importer slows the upload rather than buffering it.
 */
export function cidTap(): { tap: Transform; cid: Promise<string> } {
  // Room for a few chunks ahead: with the default 16 KiB every network read would wait on the importer.
  const feed = new PassThrough({ highWaterMark: FEED_AHEAD_BYTES });
  const cid = cidOf(feed);
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (feed.write(chunk)) done(null, chunk);
      else feed.once('drain', () => done(null, chunk));
    },
    flush(done) {
      feed.end();
      done();
    },
    destroy(err, done) {
      // After flush the feed is ended and still draining into the importer: only a failure or a cut-off stops it.
      if (err || !feed.writableEnded) feed.destroy(err ?? new Error('upload cut off'));
      done(err);
    },
  });
  // A failed importer must not leave the upload waiting for a drain that never comes.
  cid.catch((e: unknown) => tap.destroy(e instanceof Error ? e : new Error(String(e))));
  return { tap, cid };
}
