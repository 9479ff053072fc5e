import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { keccak256, keccakBackend } from './keccak.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('Keccak-256: both backends alike, and Ethereum’s padding (not SHA3-256’s)', () => {
  it('this process hashes natively (the ingest path), unless told to use noble', () => {
    assert.equal(keccakBackend, process.env.ALEPH_KECCAK === 'noble' ? 'noble' : 'native');
  });

  it('known digests: the empty input and "abc" (Keccak team / Ethereum yellow paper values)', () => {
    for (const backend of ['native', 'noble'] as const) {
      assert.equal(
        hex(keccak256(new Uint8Array(0), backend)),
        'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470',
      );
      assert.equal(
        hex(keccak256(Buffer.from('abc'), backend)),
        '4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45',
      );
    }
  });

  it('agree on any input, across the rate boundary (136 bytes), from Buffers and from offset views', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(8), (bytes, cut) => {
        const view = bytes.subarray(Math.min(cut, bytes.length));
        assert.equal(hex(keccak256(view, 'native')), hex(keccak256(view, 'noble')));
        assert.equal(hex(keccak256(Buffer.from(view), 'native')), hex(keccak256(view, 'noble')));
      }),
      { numRuns: 400 },
    );
    for (const n of [135, 136, 137, 271, 272, 273])
      assert.equal(
        hex(keccak256(new Uint8Array(n).fill(n), 'native')),
        hex(keccak256(new Uint8Array(n).fill(n), 'noble')),
      );
  });
});
