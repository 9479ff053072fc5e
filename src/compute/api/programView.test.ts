import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseProgramView } from './programView.js';

const ID = 'ab'.repeat(32);
const content = (volumes: unknown[], code: Record<string, unknown> = {}) => ({
  type: 'vm-function',
  time: 1,
  address: '0x' + '1'.repeat(40),
  allow_amend: false,
  code: { encoding: 'zip', entrypoint: 'main:app', ref: ID, use_latest: false, ...code },
  runtime: { ref: ID, use_latest: true, comment: '' },
  on: { http: true, persistent: false },
  environment: { reproducible: false, internet: false, aleph_api: false, shared_cache: false },
  resources: { memory: 128, vcpus: 1, seconds: 30 },
  volumes,
});
const view = (volumes: unknown[], extra: Record<string, unknown> = {}) => ({
  id: ID,
  owner: '0x' + 'a'.repeat(40),
  current_hash: ID,
  edition: 0,
  status: 'live',
  content: content(volumes),
  resolved: [],
  ...extra,
});

// The node refuses these at the message boundary; a compute node following an older or hostile node re-checks.
describe("the compute node's parse of a program view", () => {
  it('refuses volume names and mounts that would become unsafe host paths or mounts', () => {
    for (const v of [
      { mount: '/own', name: '.', size_mib: 1 },
      { mount: '/own', name: '..', size_mib: 1 },
      { mount: '/own', name: 'a/b', size_mib: 1 },
      { mount: '/own', size_mib: 1 },
      { mount: '/own', name: 'ok', size_mib: 0 },
      { mount: '/proc/x', name: 'ok', size_mib: 1 },
      { mount: '/a/../etc', ephemeral: true, size_mib: 1 },
      { mount: 'rel', ref: 'c'.repeat(64) },
    ])
      assert.throws(() => parseProgramView(view([v])), { code: 'COMPUTE_PROGRAM_INVALID' }, JSON.stringify(v));
  });

  it('refuses an id or a resolved file hash that is not 64 hex', () => {
    assert.throws(() => parseProgramView(view([], { id: '..' })), { code: 'COMPUTE_PROGRAM_INVALID' });
    assert.throws(
      () =>
        parseProgramView(
          view([], {
            resolved: [
              { kind: 'code', mount: null, ref: ID, version: null, file_hash: '../../../..', use_latest: false },
            ],
          }),
        ),
      { code: 'COMPUTE_PROGRAM_INVALID' },
    );
  });

  it('guesses no default: an unknown encoding, reference kind or status is refused naming the field', () => {
    const field = (v: unknown) => {
      try {
        parseProgramView(v);
      } catch (e) {
        return (
          (e as { code: string; details: { field: string } }).code +
          ' ' +
          (e as { details: { field: string } }).details.field
        );
      }
      return 'parsed';
    };
    assert.equal(
      field(view([], { content: content([], { encoding: 'rar' }) })),
      'COMPUTE_PROGRAM_INVALID content.code.encoding',
    );
    const ref = { kind: 'firmware', mount: null, ref: ID, version: null, file_hash: ID, use_latest: false };
    assert.equal(field(view([], { resolved: [ref] })), 'COMPUTE_PROGRAM_INVALID resolved.0.kind');
    assert.equal(field(view([], { status: 'zombie' })), 'COMPUTE_PROGRAM_INVALID status');
    assert.equal(field(view([], { edition: undefined })), 'COMPUTE_PROGRAM_INVALID edition');
  });

  it('keeps a valid persistent volume with its size', () => {
    assert.deepEqual(parseProgramView(view([{ mount: '/data', name: 'data', size_mib: 5 }])).volumes, [
      { kind: 'persistent', mount: '/data', name: 'data', sizeMiB: 5 },
    ]);
  });
});
