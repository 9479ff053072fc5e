import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeChecksum } from './checksum/computeChecksum.js';
import { evaluateUpgrade } from './evaluateUpgrade.js';
import { isPolicyError } from './errors.js';
import {
  OWNER,
  PROGRAM_ID,
  STRANGER,
  THIRD,
  candidate,
  context,
  current,
  manifest,
  manifestText,
  resolved,
  upgrade,
} from './upgrade/testFixtures.js';
import type { UpgradeInput } from './upgrade/inputs.js';
import { isPendingVerdict, timelockDue } from './upgrade/verdict.js';
import type { Verdict } from './upgrade/verdict.js';

const ADMIN = `@admin(address="${OWNER}")`;

function refusedWith(v: Verdict, code: string): Record<string, unknown> {
  assert.equal(v.accepted, false);
  assert.ok(!isPendingVerdict(v), 'expected a refusal, got pending');
  assert.equal(v.error_code, code, `expected ${code}, got ${v.error_code}: ${String(v.details.message)}`);
  assert.ok(v.rule.length > 0);
  return v.details;
}
function acceptedEdition(v: Verdict): number {
  assert.ok(v.accepted, `expected acceptance, got ${JSON.stringify(v)}`);
  return v.edition;
}
const adminUpgrade = (over: Partial<UpgradeInput> = {}) =>
  upgrade(current(manifest(ADMIN)), candidate(manifestText(ADMIN)), over);

describe('evaluateUpgrade: steps 1-2, authorization and aleph rules', () => {
  it('accepts an authorized admin upgrade as the next edition with its checksum and changes', () => {
    const v = evaluateUpgrade(adminUpgrade());
    assert.ok(v.accepted);
    assert.equal(v.edition, 1);
    assert.equal(v.checksum, computeChecksum(resolved('c0de2')));
    assert.deepEqual(v.changes, ['code']);
    assert.equal(v.manifest?.constructor.kind, 'admin');
  });

  it('refuses an unauthorized sender first', () => {
    refusedWith(evaluateUpgrade(adminUpgrade({ senderAuthorized: false })), 'NOT_AUTHORIZED');
  });

  it('refuses replaces when allow_amend is false, even for a plain program', () => {
    refusedWith(evaluateUpgrade(upgrade(current(null, { allow_amend: false }), candidate(null))), 'AMEND_NOT_ALLOWED');
    acceptedEdition(evaluateUpgrade(upgrade(current(null), candidate(null))));
  });

  it('refuses upgrading a forgotten program', () => {
    refusedWith(evaluateUpgrade(upgrade(current(null, { forgotten: true }), candidate(null))), 'PROGRAM_FORGOTTEN');
  });

  it('refuses replacing something other than the original message', () => {
    const d = refusedWith(
      evaluateUpgrade(
        upgrade(current(null), candidate(null), { cause: { kind: 'replace', replaces: 'a'.repeat(64) } }),
      ),
      'REPLACE_NOT_ORIGINAL',
    );
    assert.equal(d.original, PROGRAM_ID);
  });

  it('lets an amend through only via a use_latest reference', () => {
    const follows = current(null, {
      references: [{ target: 'volume', ref: 'vol', use_latest: true, mount: '/data' }],
      allow_amend: false,
    });
    acceptedEdition(evaluateUpgrade(upgrade(follows, candidate(null), { cause: { kind: 'amend', ref: 'vol' } })));
    const pinned = current(null, { references: [{ target: 'volume', ref: 'vol', use_latest: false, mount: '/data' }] });
    refusedWith(
      evaluateUpgrade(upgrade(pinned, candidate(null), { cause: { kind: 'amend', ref: 'vol' } })),
      'AMEND_NOT_REFERENCED',
    );
  });

  it('throws only for programmer errors', () => {
    assert.throws(
      () => evaluateUpgrade({ ...adminUpgrade(), cause: { kind: 'rename' } } as unknown as UpgradeInput),
      (e) => isPolicyError(e, 'POLICY_INPUT_INVALID'),
    );
  });
});

describe('evaluateUpgrade: step 3, upgrade policy and dependencies', () => {
  it('refuses making a plain program governed', () => {
    refusedWith(evaluateUpgrade(upgrade(current(null), candidate(manifestText()))), 'LEGACY_NOT_UPGRADABLE');
  });

  it('refuses any upgrade of an immutable program', () => {
    refusedWith(
      evaluateUpgrade(upgrade(current(manifest(ADMIN, 'immutable')), candidate(manifestText(ADMIN, 'immutable')))),
      'UPGRADE_IMMUTABLE',
    );
  });

  it('names an attempt to weaken immutable to compatible', () => {
    refusedWith(
      evaluateUpgrade(upgrade(current(manifest(ADMIN, 'immutable')), candidate(manifestText(ADMIN, 'compatible')))),
      'UPGRADE_WEAKER_POLICY',
    );
  });

  it('accepts ossification: compatible -> immutable, reported as a policy change', () => {
    const v = evaluateUpgrade(upgrade(current(manifest(ADMIN)), candidate(manifestText(ADMIN, 'immutable'))));
    assert.ok(v.accepted);
    assert.deepEqual(v.changes, ['code', 'policy']);
  });

  it('refuses an immutable candidate that follows a volume with use_latest', () => {
    const cand = candidate(manifestText(ADMIN, 'immutable'), {
      references: [{ target: 'volume', ref: 'vol', use_latest: true, mount: '/data' }],
    });
    const d = refusedWith(evaluateUpgrade(upgrade(current(manifest(ADMIN)), cand)), 'DEP_WEAKER_POLICY');
    assert.equal(d.mount, '/data');
  });

  it('refuses an immutable candidate importing a compatible program, accepts an immutable import', () => {
    const cand = candidate(manifestText(ADMIN, 'immutable', 'imports = ["dep"]'));
    const cur = current(manifest(ADMIN, 'compatible', 'imports = ["dep"]'));
    const d = refusedWith(
      evaluateUpgrade(upgrade(cur, cand, { ctx: context({ programPolicy: () => 'compatible' }) })),
      'DEP_WEAKER_POLICY',
    );
    assert.equal(d.dependency, 'dep');
    acceptedEdition(evaluateUpgrade(upgrade(cur, cand, { ctx: context({ programPolicy: () => 'immutable' }) })));
  });

  it('lets a compatible program follow use_latest references', () => {
    const cand = candidate(manifestText(ADMIN), { references: [{ target: 'runtime', ref: 'rt', use_latest: true }] });
    acceptedEdition(evaluateUpgrade(upgrade(current(manifest(ADMIN)), cand)));
  });

  it('refuses an invalid candidate manifest with the parser code', () => {
    const d = refusedWith(
      evaluateUpgrade(upgrade(current(manifest(ADMIN)), candidate('constructor = "@noupgrade"\nbogus = 1'))),
      'MANIFEST_INVALID',
    );
    assert.equal(d.line, 2);
  });
});

describe('evaluateUpgrade: step 4, the constructor', () => {
  it('refuses a changed or missing constructor', () => {
    const cur = current(manifest(ADMIN));
    refusedWith(
      evaluateUpgrade(upgrade(cur, candidate(manifestText(`@admin(address="${STRANGER}")`)))),
      'CONSTRUCTOR_CHANGED',
    );
    const d = refusedWith(evaluateUpgrade(upgrade(cur, candidate(null))), 'CONSTRUCTOR_CHANGED');
    assert.equal(d.found, null);
  });

  it('runs the stored constructor with the candidate owner: @admin refuses a stranger', () => {
    const d = refusedWith(
      evaluateUpgrade(upgrade(current(manifest(ADMIN)), candidate(manifestText(ADMIN), { owner: STRANGER }))),
      'CONSTRUCTOR_FAILED',
    );
    assert.equal(d.instruction, `assert.eq program_owner ${OWNER};`);
    assert.equal(d.line, 2);
  });

  it('runs with edition current+1: @noupgrade refuses, naming the instruction', () => {
    const d = refusedWith(
      evaluateUpgrade(upgrade(current(manifest()), candidate(manifestText()))),
      'CONSTRUCTOR_FAILED',
    );
    assert.equal(d.instruction, 'assert.eq edition 0u16;');
  });

  it('@checksum accepts exactly the {program_id, checksum, edition} the governance aggregate approved', () => {
    const mapping = `${OWNER}/approved`;
    const ann = `@checksum(mapping="${mapping}", key="latest")`;
    const input = (approved: string) =>
      upgrade(current(manifest(ann)), candidate(manifestText(ann)), {
        ctx: context({}, { [`${mapping}[latest]`]: approved }),
      });
    const sum = computeChecksum(resolved('c0de2'));
    const vote = (v: Record<string, unknown>) =>
      JSON.stringify({ program_id: PROGRAM_ID, checksum: sum, edition: 1, ...v });
    acceptedEdition(evaluateUpgrade(input(vote({}))));
    refusedWith(evaluateUpgrade(input(vote({ checksum: '0'.repeat(64) }))), 'CONSTRUCTOR_FAILED');
    // Single-use: an approval names the candidate edition and the program; a bare checksum names neither.
    const d = refusedWith(evaluateUpgrade(input(sum)), 'CONSTRUCTOR_FAILED');
    assert.deepEqual(d.expected, { program_id: PROGRAM_ID, checksum: sum, edition: 1 });
    refusedWith(evaluateUpgrade(input(vote({ edition: 2 }))), 'CONSTRUCTOR_FAILED');
    refusedWith(evaluateUpgrade(input(vote({ program_id: 'e'.repeat(64) }))), 'CONSTRUCTOR_FAILED');
    refusedWith(evaluateUpgrade(input('{"not json')), 'CONSTRUCTOR_FAILED');
  });

  it('@multisig needs threshold distinct listed signers, compared case-insensitively', () => {
    const ann = `@multisig(threshold=2, signers=["${OWNER}", "${STRANGER}", "${THIRD}"])`;
    const sum = computeChecksum(resolved('c0de2'));
    const input = (signed: string[]) =>
      upgrade(current(manifest(ann)), candidate(manifestText(ann)), {
        ctx: context({ approvals: (c) => (c === sum ? signed : []) }),
      });
    acceptedEdition(evaluateUpgrade(input([OWNER.toLowerCase(), THIRD.toUpperCase().replace('0X', '0x')])));
    const d = refusedWith(
      evaluateUpgrade(input([OWNER, OWNER.toLowerCase(), '0x' + '1'.repeat(40)])),
      'MULTISIG_THRESHOLD_NOT_MET',
    );
    assert.equal(d.approvals, 1);
    assert.equal(d.threshold, 2);
  });

  it('@timelock announces first, then applies once the delay has passed', () => {
    const ann = '@timelock(delay=100)';
    const cur = current(manifest(ann));
    const first = evaluateUpgrade(upgrade(cur, candidate(manifestText(ann)), { ctx: context({ height: 1000 }) }));
    assert.ok(isPendingVerdict(first));
    assert.equal(first.effectiveHeight, 1100);
    assert.equal(first.edition, 1);
    assert.equal(timelockDue(first, 1099), false);
    assert.equal(timelockDue(first, 1100), true);
    const early = evaluateUpgrade(
      upgrade(cur, candidate(manifestText(ann)), { ctx: context({ height: 1099 }), announcedHeight: 1000 }),
    );
    assert.equal(refusedWith(early, 'TIMELOCK_NOT_ELAPSED').effectiveHeight, 1100);
    acceptedEdition(
      evaluateUpgrade(
        upgrade(cur, candidate(manifestText(ann)), { ctx: context({ height: 1100 }), announcedHeight: 1000 }),
      ),
    );
  });

  it('@timelock does not announce an upgrade that would fail the interface rules', () => {
    const ann = '@timelock(delay=100)';
    const next = manifestText(ann).replace('[interface.mappings.votes]\nkey = "address"\nvalue = "u64"\n', '');
    refusedWith(evaluateUpgrade(upgrade(current(manifest(ann)), candidate(next))), 'INTERFACE_REMOVED');
  });
});

describe('evaluateUpgrade: step 5, interface compatibility', () => {
  const cur = () => current(manifest(ADMIN, 'compatible', 'imports = ["dep"]'));
  const next = (text: string) => candidate(text);

  it('refuses a removed import', () => {
    const d = refusedWith(evaluateUpgrade(upgrade(cur(), next(manifestText(ADMIN)))), 'IMPORT_REMOVED');
    assert.equal(d.name, 'dep');
  });

  it('refuses a changed transition signature but accepts new logic', () => {
    const text = manifestText(ADMIN, 'compatible', 'imports = ["dep"]');
    const d = refusedWith(
      evaluateUpgrade(
        upgrade(
          cur(),
          next(text.replace('inputs = ["u32"]\noutputs = ["u32"]', 'inputs = ["u64"]\noutputs = ["u32"]')),
        ),
      ),
      'SIGNATURE_CHANGED',
    );
    assert.equal(d.component, 'transition');
    acceptedEdition(evaluateUpgrade(upgrade(cur(), next(text))));
  });

  it('refuses changed logic of a non-inline function', () => {
    const text = manifestText(ADMIN, 'compatible', 'imports = ["dep"]');
    const d = refusedWith(
      evaluateUpgrade(upgrade(cur(), candidate(text, { sourceHashes: { 'lib/score.py': 'bb' } }))),
      'LOGIC_CHANGED',
    );
    assert.equal(d.name, 'score');
  });

  it('refuses a candidate whose non-inline function source is not in its code', () => {
    const text = manifestText(ADMIN, 'compatible', 'imports = ["dep"]');
    refusedWith(evaluateUpgrade(upgrade(cur(), candidate(text, { sourceHashes: {} }))), 'FUNCTION_SOURCE_MISSING');
  });
});
