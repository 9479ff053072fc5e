import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeChanges } from './describeChanges.js';
import { OWNER, STRANGER, manifest, resolved } from './testFixtures.js';

describe('describeChanges', () => {
  const m = manifest();
  const prev = { resolved: resolved(), manifest: m, owner: OWNER };

  it('reports nothing for an identical edition, whatever the owner address case', () => {
    assert.deepEqual(describeChanges(prev, { ...prev, owner: OWNER.toLowerCase() }), []);
  });

  it('names every changed part in a fixed order', () => {
    const r = resolved('other');
    r.volumes = [];
    r.on = { http: false, persistent: true };
    r.variables = { A: '1' };
    const next = { resolved: r, manifest: manifest('@noupgrade', 'immutable', 'imports = ["x"]'), owner: STRANGER };
    assert.deepEqual(describeChanges(prev, next), [
      'code',
      'volumes',
      'variables',
      'persistent',
      'http',
      'policy',
      'imports',
      'owner',
    ]);
  });
});
