import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isAlephError } from '../../errors.js';
import { isAddress, sameAddress, toChecksumAddress } from './address.js';

// EIP-55's own test cases (ethereum/EIPs, EIPS/eip-55.md), then the all-caps and all-lowercase cases of the
// original EIP-55 text that web3.js (test/utils.checkAddressChecksum.js) and go-ethereum keep: their checksum
// form happens to be all one case.
const EIP55 = [
  '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
  '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
  '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
  '0x52908400098527886E0F7030069857D2E4169EE7',
  '0x8617E340B3D01FA5F11F306F4090FD50E238070D',
  '0xde709f2102306220921060314715629080e2fb77',
  '0x27b1fdb04752bbc536007a920d24acb045561c26',
];

describe('EIP-55 checksummed addresses', () => {
  it('every EIP-55 vector comes back exactly, from its lowercase, uppercase and own form', () => {
    for (const a of EIP55) {
      const hex = a.slice(2);
      assert.equal(toChecksumAddress(`0x${hex.toLowerCase()}`), a);
      assert.equal(toChecksumAddress(`0x${hex.toUpperCase()}`), a);
      assert.equal(toChecksumAddress(a), a);
    }
  });

  it('a wrongly checksummed address is still an address (aleph compares case-insensitively) and is repaired', () => {
    const wrong = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD';
    assert.ok(isAddress(wrong));
    assert.equal(toChecksumAddress(wrong), EIP55[0]);
    assert.ok(sameAddress(wrong, EIP55[0]!));
    assert.ok(!sameAddress(EIP55[0]!, EIP55[1]!));
  });

  it('anything but 0x and 40 hex digits is refused with ADDRESS_INVALID', () => {
    const bad = [
      '',
      '0x',
      EIP55[0]!.slice(0, -1),
      `${EIP55[0]}0`,
      EIP55[0]!.slice(2),
      `0X${EIP55[0]!.slice(2)}`,
      `0x${'g'.repeat(40)}`,
      ` ${EIP55[0]}`,
    ];
    for (const b of bad) {
      assert.ok(!isAddress(b), b);
      assert.throws(
        () => toChecksumAddress(b),
        (e) => isAlephError(e) && e.code === 'ADDRESS_INVALID',
        b,
      );
    }
    assert.ok(!isAddress(42) && !isAddress(null) && !isAddress({ length: 42 }));
  });
});
