import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeChecksum } from './checksum/computeChecksum.js';
import { evaluateDeployment } from './evaluateDeployment.js';
import { isPolicyError } from './errors.js';
import type { DeploymentInput } from './upgrade/inputs.js';
import { OWNER, STRANGER, candidate, context, manifestText } from './upgrade/testFixtures.js';
import type { Verdict } from './upgrade/verdict.js';

const deploy = (over: Partial<DeploymentInput> = {}): Verdict =>
  evaluateDeployment({ senderAuthorized: true, candidate: candidate(manifestText()), ctx: context(), ...over });
const codeOf = (v: Verdict) => (v.accepted || v.pending ? 'accepted' : v.error_code);

describe('evaluateDeployment', () => {
  it('accepts a governed program at edition 0 with its checksum and parsed manifest', () => {
    const v = deploy();
    assert.ok(v.accepted);
    assert.equal(v.edition, 0);
    assert.equal(v.checksum, computeChecksum(candidate(null).resolved));
    assert.equal(v.manifest?.constructor.kind, 'noupgrade');
  });

  it('accepts a plain program with aleph rules only', () => {
    const v = deploy({
      candidate: candidate(null, { references: [{ target: 'volume', ref: 'v', use_latest: true }] }),
    });
    assert.ok(v.accepted);
    assert.equal(v.manifest, null);
  });

  it('refuses an unauthorized sender', () => {
    assert.equal(codeOf(deploy({ senderAuthorized: false })), 'NOT_AUTHORIZED');
  });

  it('refuses an invalid manifest or one without a constructor', () => {
    assert.equal(
      codeOf(deploy({ candidate: candidate('constructor = "@noupgrade"\n[interface.structs.P]\nx = "float"') })),
      'MANIFEST_INVALID',
    );
    assert.equal(codeOf(deploy({ candidate: candidate('upgrade_policy = "immutable"') })), 'CONSTRUCTOR_MISSING');
  });

  it('applies the dependency rule at deployment too', () => {
    const cand = candidate(manifestText('@noupgrade', 'immutable'), {
      references: [{ target: 'runtime', ref: 'rt', use_latest: true }],
    });
    assert.equal(codeOf(deploy({ candidate: cand })), 'DEP_WEAKER_POLICY');
    const pinned = candidate(manifestText('@noupgrade', 'immutable'), {
      references: [{ target: 'runtime', ref: 'rt', use_latest: false }],
    });
    assert.equal(codeOf(deploy({ candidate: pinned })), 'accepted');
  });

  it('runs the constructor with edition 0: @admin refuses a deployment by someone else', () => {
    const ann = `@admin(address="${OWNER}")`;
    assert.equal(codeOf(deploy({ candidate: candidate(manifestText(ann), { owner: OWNER }) })), 'accepted');
    const v = deploy({ candidate: candidate(manifestText(ann), { owner: STRANGER }) });
    assert.equal(codeOf(v), 'CONSTRUCTOR_FAILED');
  });

  it('lets @multisig and @timelock deploy without approvals or delay', () => {
    const multisig = `@multisig(threshold=1, signers=["${OWNER}"])`;
    assert.equal(codeOf(deploy({ candidate: candidate(manifestText(multisig)) })), 'accepted');
    assert.equal(codeOf(deploy({ candidate: candidate(manifestText('@timelock(delay=50)')) })), 'accepted');
  });

  it('refuses a non-inline function whose source is missing from the code', () => {
    assert.equal(
      codeOf(deploy({ candidate: candidate(manifestText(), { sourceHashes: {} }) })),
      'FUNCTION_SOURCE_MISSING',
    );
  });

  it('throws only for programmer errors', () => {
    assert.throws(
      () => evaluateDeployment({} as DeploymentInput),
      (e) => isPolicyError(e, 'POLICY_INPUT_INVALID'),
    );
  });
});
