import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { privateKeyToAccount } from 'viem/accounts';
import { isAlephError } from '../../errors.js';
import { toChecksumAddress } from './address.js';
import { personalMessageHash, recoverPersonalSigner, recoveryBackend, type RecoveryBackend } from './recoverSigner.js';

const nativeSecp = createRequire(import.meta.url)('secp256k1') as {
  ecdsaSign(msg32: Uint8Array, key: Uint8Array): { signature: Uint8Array; recid: number };
};

const BACKENDS: RecoveryBackend[] = ['libsecp256k1', 'noble'];
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const word = (n: bigint) => n.toString(16).padStart(64, '0');
const signatureOf = (r: bigint, s: bigint, v: number) => `0x${word(r)}${word(s)}${v.toString(16).padStart(2, '0')}`;
const split = (sig: string) => ({
  r: BigInt(`0x${sig.slice(2, 66)}`),
  s: BigInt(`0x${sig.slice(66, 130)}`),
  v: Number.parseInt(sig.slice(130), 16),
});

// personal_sign vectors from the field, each with its source.
const VECTORS = [
  {
    source: 'MetaMask/eth-sig-util src/personal-sign.test.ts (helloWorldSignature)',
    key: '0x4af1bceebf7f3634ec3cff8a2c38e51178d5d4ce585c52d6043e5e2cc3418bb0',
    text: 'Hello, world!',
    signature:
      '0x90a938f7457df6e8f741264c32697fc52f9a8f867c52dd70713d9d2d472f2e41' +
      '5d9c94148991bbe1f4a1818d1dff09165782749c877f5cf1eff4ef126e55714d1c',
    address: '0x29c76e6ad8f28bb1004902578fb108c507be341b',
  },
  {
    source: 'MetaMask/eth-sig-util src/personal-sign.test.ts ("kumavis fml manual test I", made with geth)',
    key: '0x6969696969696969696969696969696969696969696969696969696969696969',
    text: 'hello world',
    signature:
      '0xce909e8ea6851bc36c007a0072d0524b07a3ff8d4e623aca4c71ca8e57250c4d' +
      '0a3fc38fa8fbaaa81ead4b9f6bd03356b6f8bf18bccad167d78891636e1d69561b',
    address: '0xbe93f9bacbcffc8ee6663f2647917ed7a20a57bb',
  },
].map((v) => ({ ...v, address: toChecksumAddress(v.address) }));
const HELLO = VECTORS[0]!;

function failsAsInvalidSignature(backend: RecoveryBackend, text: string, signature: string): void {
  assert.throws(
    () => recoverPersonalSigner(text, signature, backend),
    (e) => isAlephError(e) && e.code === 'MESSAGE_INVALID_SIGNATURE',
    `${backend} accepted ${signature}`,
  );
}

describe('personal_sign recovery: vectors from the field, edge cases, both backends alike', () => {
  it('this process recovers with libsecp256k1 (the ingest path), unless told to use noble', () => {
    assert.equal(recoveryBackend, process.env.ALEPH_SECP256K1 === 'noble' ? 'noble' : 'libsecp256k1');
  });

  it('the EIP-191 digest of "hello world" is the one wevm/ox pins (PersonalMessage.getSignPayload test)', () => {
    assert.equal(
      Buffer.from(personalMessageHash('hello world')).toString('hex'),
      'd9eba16ed0ecae432b71fe008c98cc872bb4cc214d3220a36f365326cf807d68',
    );
  });

  for (const v of VECTORS) {
    it(`recovers the signer of ${JSON.stringify(v.text)} (${v.source})`, async () => {
      for (const backend of BACKENDS) assert.equal(recoverPersonalSigner(v.text, v.signature, backend), v.address);
      // Signing is deterministic (RFC 6979): viem's account produces the very same bytes.
      assert.equal(await privateKeyToAccount(v.key as `0x${string}`).signMessage({ message: v.text }), v.signature);
    });
  }

  it('v is 27/28 or 0/1; any other recovery id is refused', () => {
    const { r, s, v } = split(HELLO.signature);
    for (const backend of BACKENDS) {
      assert.equal(recoverPersonalSigner(HELLO.text, signatureOf(r, s, v - 27), backend), HELLO.address);
      for (const bad of [2, 3, 26, 29, 30, 255]) failsAsInvalidSignature(backend, HELLO.text, signatureOf(r, s, bad));
    }
  });

  it('the wrong recovery id recovers someone else, the same one in both backends', () => {
    const { r, s, v } = split(HELLO.signature);
    const flipped = signatureOf(r, s, v === 27 ? 28 : 27);
    const [a, b] = BACKENDS.map((backend) => recoverPersonalSigner(HELLO.text, flipped, backend));
    assert.notEqual(a, HELLO.address);
    assert.equal(a, b);
  });

  it('high-S: (r, n - s) with the other recovery id recovers the same signer; with the same id, someone else', () => {
    const { r, s, v } = split(HELLO.signature);
    assert.ok(s < N / 2n, 'the vector is low-S');
    for (const backend of BACKENDS) {
      assert.equal(
        recoverPersonalSigner(HELLO.text, signatureOf(r, N - s, v === 27 ? 28 : 27), backend),
        HELLO.address,
      );
      assert.notEqual(recoverPersonalSigner(HELLO.text, signatureOf(r, N - s, v), backend), HELLO.address);
    }
  });

  it('r or s of 0, r or s at or above n, and an r that is no curve x are refused by both', () => {
    const { r, s } = split(HELLO.signature);
    const max = (1n << 256n) - 1n;
    // x = 5: 5^3 + 7 = 132 is not a square modulo p, so no point has it.
    const cases = [
      [0n, s],
      [r, 0n],
      [N, s],
      [N + 1n, s],
      [max, s],
      [r, N],
      [r, max],
      [5n, s],
    ] as const;
    for (const backend of BACKENDS) {
      for (const [rr, ss] of cases)
        for (const vv of [27, 28]) failsAsInvalidSignature(backend, HELLO.text, signatureOf(rr, ss, vv));
    }
  });

  it('a signature that is not 65 hex bytes is refused before any curve arithmetic', () => {
    for (const backend of BACKENDS) {
      for (const bad of [
        '',
        '0x',
        HELLO.signature.slice(0, -2),
        `${HELLO.signature}00`,
        HELLO.signature.replace('a', 'g'),
      ]) {
        failsAsInvalidSignature(backend, HELLO.text, bad);
      }
    }
    // Without the 0x prefix the same bytes still recover (aleph accepts both forms).
    assert.equal(recoverPersonalSigner(HELLO.text, HELLO.signature.slice(2)), HELLO.address);
  });

  it('random keys, texts and signature bytes: the two backends always give the same answer', () => {
    const outcome = (backend: RecoveryBackend, text: string, sig: string) => {
      try {
        return recoverPersonalSigner(text, sig, backend);
      } catch (e) {
        assert.ok(isAlephError(e) && e.code === 'MESSAGE_INVALID_SIGNATURE', String(e));
        return 'refused';
      }
    };
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.string({ maxLength: 200 }),
        fc.uint8Array({ minLength: 65, maxLength: 65 }),
        (key, text, noise) => {
          if (key.every((b) => b === 0) || BigInt(`0x${Buffer.from(key).toString('hex')}`) >= N) return;
          const { signature, recid } = nativeSecp.ecdsaSign(personalMessageHash(text), key);
          const sig = `0x${Buffer.from(signature).toString('hex')}${(27 + recid).toString(16)}`;
          const signer = privateKeyToAccount(`0x${Buffer.from(key).toString('hex')}`).address;
          for (const backend of BACKENDS) assert.equal(recoverPersonalSigner(text, sig, backend), signer);
          noise[64] = 27 + (noise[64]! & 1);
          const garbage = `0x${Buffer.from(noise).toString('hex')}`;
          assert.equal(outcome('libsecp256k1', text, garbage), outcome('noble', text, garbage));
        },
      ),
      { seed: 14, numRuns: 300 },
    );
  });
});
