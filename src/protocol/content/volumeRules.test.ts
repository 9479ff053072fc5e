import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseContent, type MessageEnvelope } from '../index.js';
import { mountProblem } from './volumeRules.js';

const SENDER = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const envelope = {
  chain: 'ETH',
  sender: SENDER,
  type: 'PROGRAM',
  item_type: 'inline',
  item_hash: '0'.repeat(64),
  signature: '0x',
  time: 1,
  channel: null,
} as unknown as MessageEnvelope;
const program = (extra: Record<string, unknown>) =>
  JSON.stringify({
    type: 'vm-function',
    address: SENDER,
    time: 1,
    on: { http: true },
    code: { encoding: 'zip', entrypoint: 'main:app', ref: 'a'.repeat(64) },
    runtime: { ref: 'b'.repeat(64) },
    ...extra,
  });
const refusal = (extra: Record<string, unknown>): string => {
  try {
    parseContent(envelope, program(extra));
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'accepted';
};

describe('volume rules at the message boundary', () => {
  it('persistent volume names: [A-Za-z0-9_-]{1,64}, never . or ..', () => {
    for (const name of ['.', '..', '', 'a/b', '../x', 'a.b', 'x'.repeat(65), 'with space', 'nul\0']) {
      assert.equal(
        refusal({ volumes: [{ mount: '/d', name, size_mib: 1 }] }),
        'PROGRAM_VOLUME_NAME_INVALID',
        JSON.stringify(name),
      );
    }
    assert.equal(refusal({ volumes: [{ mount: '/d', name: 'data_v1-x', size_mib: 1 }] }), 'accepted');
  });

  it("mounts of every kind (and data, export): absolute, normalised, not over the sandbox's own paths", () => {
    const bad = [
      'relative',
      '/',
      '/a/../b',
      '/a/./b',
      '/a//b',
      '/a/',
      '/proc',
      '/proc/x',
      '/dev/shm',
      '/tmp',
      '/opt/code',
      '/opt',
      '/run/aleph/s',
      '/run',
      '/x\0',
      `/${'a'.repeat(300)}`,
    ];
    for (const mount of bad) {
      for (const v of [
        { mount, name: 'd', size_mib: 1 },
        { mount, ephemeral: true, size_mib: 1 },
        { mount, ref: 'c'.repeat(64) },
      ]) {
        assert.equal(refusal({ volumes: [v] }), 'PROGRAM_VOLUME_MOUNT_INVALID', JSON.stringify(v));
      }
      assert.equal(refusal({ data: { encoding: 'zip', mount } }), 'PROGRAM_VOLUME_MOUNT_INVALID', mount);
    }
    assert.equal(mountProblem('/var/lib/app'), null);
    assert.equal(mountProblem('/opt/packages'), null);
  });

  it('refuses two volumes on one mount or two persistent volumes with one name', () => {
    assert.equal(
      refusal({
        volumes: [
          { mount: '/d', name: 'a', size_mib: 1 },
          { mount: '/d', ephemeral: true, size_mib: 1 },
        ],
      }),
      'PROGRAM_VOLUME_DUPLICATE',
    );
    assert.equal(
      refusal({
        volumes: [
          { mount: '/d', name: 'a', size_mib: 1 },
          { mount: '/e', name: 'a', size_mib: 1 },
        ],
      }),
      'PROGRAM_VOLUME_DUPLICATE',
    );
    assert.equal(
      refusal({
        volumes: [
          { mount: '/d', name: 'a', size_mib: 1 },
          { mount: '/d/e', name: 'b', size_mib: 1 },
        ],
      }),
      'accepted',
    );
  });

  it('bounds the number of volumes', () => {
    const many = Array.from({ length: 33 }, (_, i) => ({ mount: `/v${i}`, ephemeral: true, size_mib: 1 }));
    assert.equal(refusal({ volumes: many }), 'CONTENT_INVALID');
  });
});
