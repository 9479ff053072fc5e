import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { isPolicyError } from '../errors.js';
import type { ResolvedEdition } from '../types.js';
import { canonicalJson } from './canonicalJson.js';
import { canonicalEditionDocument, computeChecksum } from './computeChecksum.js';

function edition(): ResolvedEdition {
  return {
    code: { file_hash: 'c0de', encoding: 'zip', entrypoint: 'main:app' },
    runtime: { file_hash: 'f00d' },
    volumes: [
      { mount: '/data', file_hash: 'da7a' },
      { mount: '/tmp', ephemeral: true, size_mib: 5 },
      { mount: '/state', name: 'state', size_mib: 10, persistence: 'host' },
    ],
    environment: { internet: true, aleph_api: true },
    resources: { vcpus: 1, memory: 128, seconds: 30 },
    variables: { B: '2', A: '1' },
    on: { http: true, persistent: false },
  };
}

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined', () => {
    assert.equal(
      canonicalJson({ b: { d: 1, c: [2, { f: 0, e: null }] }, a: undefined, é: 'x' }),
      '{"b":{"c":[2,{"e":null,"f":0}],"d":1},"é":"x"}',
    );
  });
  it('refuses values JSON cannot carry', () => {
    assert.throws(
      () => canonicalJson({ n: Number.NaN }),
      (e) => isPolicyError(e, 'POLICY_INPUT_INVALID'),
    );
    assert.throws(
      () => canonicalJson({ d: new Date(0) }),
      (e) => isPolicyError(e, 'POLICY_INPUT_INVALID'),
    );
  });
});

describe('computeChecksum', () => {
  it('is sha256 of the documented canonical document', () => {
    const doc = canonicalEditionDocument(edition());
    assert.equal(
      doc,
      '{"code":{"encoding":"zip","entrypoint":"main:app","file_hash":"c0de"},"environment":{"aleph_api":true,"internet":true},"format":"aleph-ts/edition/1",' +
        '"on":{"persistent":false},"resources":{"memory":128,"seconds":30,"vcpus":1},"runtime":{"file_hash":"f00d"},"variables":{"A":"1","B":"2"},' +
        '"volumes":[{"file_hash":"da7a","kind":"immutable","mount":"/data"},{"kind":"ephemeral","mount":"/tmp","size_mib":5},{"kind":"persistent","mount":"/state","name":"state","persistence":"host","size_mib":10}]}',
    );
    assert.equal(computeChecksum(edition()), bytesToHex(sha256(new TextEncoder().encode(doc))));
    assert.match(computeChecksum(edition()), /^[0-9a-f]{64}$/);
  });

  it('does not depend on key order or on on.http', () => {
    const e = edition();
    const reordered: ResolvedEdition = {
      ...e,
      resources: { seconds: 30, vcpus: 1, memory: 128 },
      variables: { A: '1', B: '2' },
      on: { http: false, persistent: false },
    };
    assert.equal(computeChecksum(reordered), computeChecksum(e));
  });

  it('treats empty variables like no variables', () => {
    assert.equal(computeChecksum({ ...edition(), variables: {} }), computeChecksum({ ...edition(), variables: null }));
  });

  it('changes with everything that decides behaviour', () => {
    const before = computeChecksum(edition());
    const variants: Array<(e: ResolvedEdition) => void> = [
      (e) => (e.code.file_hash = 'c0de2'),
      (e) => (e.code.entrypoint = 'other:app'),
      (e) => (e.code.encoding = 'squashfs'),
      (e) => (e.runtime.file_hash = 'f00d2'),
      (e) => (e.volumes[0].file_hash = 'da7a2'),
      (e) => (e.volumes[0].mount = '/data2'),
      (e) => (e.volumes[1].size_mib = 6),
      (e) => e.volumes.reverse(),
      (e) => (e.environment.internet = false),
      (e) => (e.resources.memory = 256),
      (e) => (e.variables = { A: '1' }),
      (e) => (e.on.persistent = true),
    ];
    for (const change of variants) {
      const e = edition();
      change(e);
      assert.notEqual(computeChecksum(e), before, change.toString());
    }
  });

  it('refuses a malformed edition as a programmer error', () => {
    const e = edition() as unknown as { code: Record<string, unknown> };
    delete e.code.file_hash;
    assert.throws(
      () => computeChecksum(e as unknown as ResolvedEdition),
      (x) => isPolicyError(x, 'POLICY_INPUT_INVALID') && /code.file_hash/.test(x.message),
    );
  });
});
