import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseProgramView } from './programView.js';

const ID = 'ab'.repeat(32);
const view = (volumes: unknown[], extra: Record<string, unknown> = {}) => ({
  id: ID, current_hash: ID, edition: 0, status: 'live',
  content: { code: { encoding: 'zip', entrypoint: 'main:app' }, resources: { memory: 128, vcpus: 1, seconds: 30 }, volumes },
  resolved: [], ...extra,
});

// The node refuses these at the message boundary; a compute node following an older or hostile node re-checks.
describe('the compute node\'s parse of a program view', () => {
  it('refuses volume names and mounts that would become unsafe host paths or mounts', () => {
    for (const v of [
      { mount: '/own', name: '.', size_mib: 1 }, { mount: '/own', name: '..', size_mib: 1 }, { mount: '/own', name: 'a/b', size_mib: 1 },
      { mount: '/own', size_mib: 1 }, { mount: '/own', name: 'ok', size_mib: 0 },
      { mount: '/proc/x', name: 'ok', size_mib: 1 }, { mount: '/a/../etc', ephemeral: true, size_mib: 1 }, { mount: 'rel', ref: 'c'.repeat(64) },
    ]) assert.throws(() => parseProgramView(view([v])), { code: 'COMPUTE_PROGRAM_INVALID' }, JSON.stringify(v));
  });

  it('refuses an id or a resolved file hash that is not 64 hex', () => {
    assert.throws(() => parseProgramView(view([], { id: '..' })), { code: 'COMPUTE_PROGRAM_INVALID' });
    assert.throws(() => parseProgramView(view([], { resolved: [{ kind: 'code', file_hash: '../../../..' }] })), { code: 'COMPUTE_PROGRAM_INVALID' });
  });

  it('keeps a valid persistent volume with its size', () => {
    assert.deepEqual(parseProgramView(view([{ mount: '/data', name: 'data', size_mib: 5 }])).volumes, [{ kind: 'persistent', mount: '/data', name: 'data', sizeMiB: 5 }]);
  });
});
