import { createRequire } from 'node:module';
import { keccak_256 as nobleKeccak } from '@noble/hashes/sha3.js';

interface KeccakState {
  initialize(rate: number, capacity: number): void;
  absorb(data: Buffer): void;
  absorbLastFewBits(bits: number): void;
  squeeze(length: number): Buffer;
}

// Every signature check hashes three times (the EIP-191 envelope, the public key, the EIP-55 address), and
// @noble/hashes' pure-JS Keccak costs ~20 µs for a 160-byte envelope where the `keccak` package's prebuilt
// native state (the same family as our `secp256k1` binding) costs ~3 µs. Its stream wrapper costs more than
// the hash itself, so the native state is driven directly; @noble stays the fallback.
function loadNative(): KeccakState | null {
  if (process.env.ALEPH_KECCAK === 'noble') return null;
  try {
    const req = createRequire(import.meta.url);
    const pkg = req.resolve('keccak/package.json');
    // node-gyp-build as keccak itself loads it: the prebuilt binary for this platform, else a local build.
    const load = createRequire(pkg)('node-gyp-build') as (dir: string) => new () => KeccakState;
    const State = load(pkg.replace(/package\.json$/, ''));
    const state = new State();
    return typeof state.absorb === 'function' ? state : null;
  } catch {
    return null;
  }
}
const native = loadNative();

/** The two implementations of Keccak-256; they must agree on every input (nodes decide alike). */
export type KeccakBackend = 'native' | 'noble';

/** Which implementation hashes in this process. */
export const keccakBackend: KeccakBackend = native ? 'native' : 'noble';

/**
 * Keccak-256 (Ethereum's, not SHA3-256's padding) of `data`, with this process's backend unless one is named.
 *
 * @example
 * Buffer.from(keccak256(new Uint8Array(0))).toString('hex') // 'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470'
 */
export function keccak256(data: Uint8Array, backend: KeccakBackend = keccakBackend): Uint8Array {
  if (backend === 'noble' || !native) {
    if (backend === 'native') throw new Error('the native keccak backend is not loaded in this process');
    return nobleKeccak(data);
  }
  // One state per thread, reset each call: absorb/squeeze are synchronous, so calls cannot interleave.
  native.initialize(1088, 512);
  native.absorb(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  native.absorbLastFewBits(0x01);
  return native.squeeze(32);
}
