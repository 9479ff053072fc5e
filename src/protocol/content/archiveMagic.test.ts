import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { archiveKindOf } from './archiveMagic.js';

describe('archiveKindOf', () => {
  it('tells squashfs and zip from their first bytes, and nothing else', () => {
    assert.equal(archiveKindOf(Buffer.from('hsqs\x00\x00')), 'squashfs');
    assert.equal(archiveKindOf(Buffer.from('PK\x03\x04')), 'zip');
    assert.equal(archiveKindOf(Buffer.from('PK\x05\x06')), 'zip');
    for (const other of ['', 'P', 'hsq', 'sqsh', '\x1f\x8b\x08\x00', 'print(1)'])
      assert.equal(archiveKindOf(Buffer.from(other, 'latin1')), null, JSON.stringify(other));
  });
});
