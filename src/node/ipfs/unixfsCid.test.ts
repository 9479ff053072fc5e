import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { cidOf, cidTap } from './unixfsCid.js';

/** `n` zero bytes, in 64 KiB pieces (not aligned with the 256 KiB chunks, as a network delivers them). */
function* zeros(n: number): Generator<Uint8Array> {
  const piece = new Uint8Array(64 * 1000);
  for (let left = n; left > 0; left -= piece.length) yield left >= piece.length ? piece : piece.subarray(0, left);
}

describe("CIDs are kubo's `ipfs add` defaults", () => {
  it('the empty file and "hello world\\n" have their well-known CIDs', async () => {
    assert.equal(await cidOf([]), 'QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH');
    assert.equal(
      await cidOf([new TextEncoder().encode('hello world\n')]),
      'QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o',
    );
  });

  // Published by ethereum/solidity (test/libsolutil/IpfsHash.cpp), which checks its own implementation against
  // go-ipfs: one chunk short, one chunk over, a 5-chunk file, and the first file that needs a second tree level
  // (174 links per node is kubo's balanced layout; 1024, the importer's modern default, would give another CID).
  const published: Array<[number, string]> = [
    [1024 * 256 - 1, 'QmbNDspMkzkMFKyS3eCJGedG7GWRQHSCzJCZLjxP7wyVAx'],
    [1024 * 256 + 1, 'QmbVuw4C4vcmVKqxoWtgDVobvcHrSn51qsmQmyxjk4sB2Q'],
    [1310710, 'QmNg7BJo8gEMDK8yGQbHEwPtycesnE6FUULX5iVd5TAL9f'],
    [1024 * 256 * 174 + 1, 'QmehMASWcBsX7VcEQqs6rpR5AHoBfKyBVEgmkJHjpPg8jq'],
  ];
  for (const [size, expected] of published) {
    it(`${size} zero bytes: ${expected}`, async () => {
      assert.equal(await cidOf(zeros(size)), expected);
    });
  }

  it('the tap passes every byte on unchanged and gives the same CID', async () => {
    const { tap, cid } = cidTap();
    let seen = 0;
    await pipeline(
      Readable.from(zeros(1310710)),
      tap,
      new Writable({
        write(chunk: Buffer, _e, done) {
          seen += chunk.length;
          done();
        },
      }),
    );
    assert.equal(seen, 1310710);
    assert.equal(await cid, 'QmNg7BJo8gEMDK8yGQbHEwPtycesnE6FUULX5iVd5TAL9f');
  });

  it('a tap destroyed mid-upload rejects its CID instead of hanging', async () => {
    const { tap, cid } = cidTap();
    const failed = new Promise((resolve) => tap.on('error', resolve));
    tap.write(Buffer.alloc(1000));
    tap.destroy(new Error('client went away'));
    await assert.rejects(cid);
    assert.equal(((await failed) as Error).message, 'client went away');
  });
});
