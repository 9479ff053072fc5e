import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { privateKeyToAccount } from 'viem/accounts';
import { isAlephError } from '../../errors.js';
import { itemHashOf } from '../messages/itemHash.js';
import { verificationBuffer } from './verificationBuffer.js';
import { verifySignature } from './verifySignature.js';

// A real message of the aleph network, signed by the TypeScript SDK; pyaleph's own test verifies it
// (aleph-im/pyaleph, tests/chains/test_evm.py, test_verify_evm_signature_real).
const PYALEPH = {
  item_hash: 'f524a258d87f1771e8538fd4fd91acdcc527c3b7f138fafd6ff89a5fcf97c3b7',
  type: 'POST',
  chain: 'ETH',
  sender: '0xA07B1214bAe0D5ccAA25449C3149c0aC83658874',
  signature:
    '0x99efc66c781c889e1f21c680869c832141dcee90189e75e85f570b8b49e72dee' +
    '0338d77c214ae55bfcb886bbd7bac6dc4dcfda4eb0d2c47ed93d51b36b7259b01c',
  time: 1730410918.092607,
  item_type: 'inline',
  item_content:
    '{"address":"0xA07B1214bAe0D5ccAA25449C3149c0aC83658874","time":1730410918.0924816,"content":{"type":' +
    '"polygon","address":"0xA07B1214bAe0D5ccAA25449C3149c0aC83658874","content":{"body":"This message was' +
    ' posted from the typescript-SDK test suite"},"time":1689163528.372},"type":"test"}',
  channel: 'ALEPH-CLOUDSOLUTIONS',
} as const;

const refused = (e: unknown) => isAlephError(e) && e.code === 'MESSAGE_INVALID_SIGNATURE';

describe('verifySignature against a message pyaleph accepts', () => {
  it("the item hash is the sha256 of the exact item_content, and the signature is the sender's", () => {
    assert.equal(itemHashOf(PYALEPH.item_content), PYALEPH.item_hash);
    assert.equal(verificationBuffer(PYALEPH), `ETH\n${PYALEPH.sender}\nPOST\n${PYALEPH.item_hash}`);
    verifySignature(PYALEPH);
  });

  it('the sender is compared case-insensitively, but the signed text is the sender as sent', async () => {
    // pyaleph's test_verify_evm_signature_case_insensitive: a lowercase sender is the same account.
    const account = privateKeyToAccount(`0x${'42'.repeat(32)}`);
    const lower = { ...PYALEPH, sender: account.address.toLowerCase() };
    verifySignature({ ...lower, signature: await account.signMessage({ message: verificationBuffer(lower) }) });
    // The signed buffer holds the sender's exact spelling: relabelling a signed message's sender is refused.
    assert.throws(() => verifySignature({ ...PYALEPH, sender: PYALEPH.sender.toLowerCase() }), refused);
  });

  it('another sender, type, chain or item hash, or the other recovery id, is refused', () => {
    const other = { sender: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed' };
    const flippedV = `${PYALEPH.signature.slice(0, -2)}${PYALEPH.signature.endsWith('1c') ? '1b' : '1c'}`;
    for (const change of [
      other,
      { type: 'STORE' },
      { chain: 'SOL' },
      { item_hash: '0'.repeat(64) },
      { signature: flippedV },
    ]) {
      assert.throws(
        () => verifySignature({ ...PYALEPH, ...change } as typeof PYALEPH),
        refused,
        JSON.stringify(change),
      );
    }
    assert.throws(() => verifySignature({ ...PYALEPH, signature: 'baba' }), refused);
  });
});
