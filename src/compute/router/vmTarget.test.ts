import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fastVm, vmFromPath } from './vmTarget.js';

const HEX = 'ab'.repeat(32);
const CID0 = 'QmNbPKadsmg3qJLM2vJSQbJ6f61pMXjSL6aSDqh62voNiY';
const CID1 = 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi';

describe('/vm/{ref}: a 64-hex hash (any case) or the CID of a PROGRAM stored on IPFS', () => {
  it('hex is lower-cased, a CID kept as it is (its case is part of the name)', () => {
    assert.deepEqual(fastVm(`/vm/${HEX.toUpperCase()}/x?y=1`), [HEX, '/x?y=1']);
    assert.deepEqual(fastVm(`/vm/${CID0}/a/b`), [CID0, '/a/b']);
    assert.deepEqual(fastVm(`/vm/${CID1}`), [CID1, '/']);
    assert.deepEqual(fastVm(`/vm/${CID0}?q`), [CID0, '/?q']);
    assert.deepEqual(vmFromPath(`/vm/${CID0}/a/../b`), [CID0, '/b']);
  });

  it('anything else is not a program name', () => {
    for (const bad of [
      `/vm/${HEX}0`,
      `/vm/${CID0.toLowerCase()}`,
      `/vm/${CID0}x`,
      `/vm/x${CID0}`,
      `/vm/${CID1.toUpperCase()}`,
      '/vm/../../etc/passwd',
    ]) {
      assert.equal(fastVm(bad), null, bad);
      assert.equal(vmFromPath(bad), null, bad);
    }
  });
});
