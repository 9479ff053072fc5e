import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPolicyError } from '../errors.js';
import type { PolicyErrorCode } from '../errors.js';
import { compileConstructor } from './compileAnnotation.js';

const ADMIN = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const OTHER = '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359';

function compileError(source: string, code: PolicyErrorCode = 'CONSTRUCTOR_COMPILE_ERROR'): string {
  try {
    compileConstructor(source);
  } catch (e) {
    assert.ok(isPolicyError(e, code), `expected ${code}, got ${String(e)}`);
    return e.message;
  }
  assert.fail(`expected ${code}`);
}

describe('compileConstructor: Leo annotations', () => {
  it('@noupgrade compiles to assert.eq edition 0u16', () => {
    const c = compileConstructor('  @noupgrade \n');
    assert.deepEqual(c, {
      annotation: '@noupgrade',
      kind: 'noupgrade',
      avm: 'constructor:\n    assert.eq edition 0u16;',
      params: {},
    });
  });

  it('@admin compiles to assert.eq program_owner <addr>', () => {
    const c = compileConstructor(`@admin(address="${ADMIN}")`);
    assert.equal(c.avm, `constructor:\n    assert.eq program_owner ${ADMIN};`);
    assert.deepEqual(c.params, { address: ADMIN });
  });

  it('@admin without an address reports "missing address", as Leo does', () => {
    assert.match(compileError('@admin'), /missing address/);
    assert.match(compileError('@admin()'), /missing address/);
  });

  it('@admin refuses something that is not an Ethereum address', () => {
    assert.match(
      compileError('@admin(address="aleo1rhgdu77hgyqd3xjj8ucu3jj9r2krwz6mnzyd80gncr5fxcwlh5rsvzp9px")'),
      /not an address/,
    );
  });

  it('@checksum compiles to the seed vote pattern', () => {
    const c = compileConstructor(`@checksum(mapping="${ADMIN}/approved_checksum", key="true")`);
    assert.equal(
      c.avm,
      `constructor:\n    branch.eq edition 0u16 to end;\n    get ${ADMIN}/approved_checksum[true] into r0;\n    assert.eq checksum r0;\n    position end;`,
    );
    assert.deepEqual(c.params, { mapping: `${ADMIN}/approved_checksum`, key: 'true' });
  });

  it('@checksum refuses a malformed mapping or key', () => {
    assert.match(
      compileError('@checksum(mapping="basic_voting.aleo/approved_checksum", key="true")'),
      /malformed mapping/,
    );
    assert.match(compileError(`@checksum(mapping="${ADMIN}", key="true")`), /malformed mapping/);
    assert.match(compileError(`@checksum(mapping="${ADMIN}/gov")`), /missing key/);
    assert.match(compileError(`@checksum(mapping="${ADMIN}/gov", key="a b")`), /malformed key/);
  });

  it('refuses a body on any annotation but @custom', () => {
    assert.match(compileError('@noupgrade\nassert(true);'), /takes no body/);
    // An empty Leo-style wrapper is fine: it is what the seed writes.
    assert.equal(compileConstructor('@noupgrade\nasync constructor() {\n  // generated\n}').kind, 'noupgrade');
  });

  it('refuses unknown annotations and unknown arguments', () => {
    assert.match(compileError('@upgradeable', 'CONSTRUCTOR_UNKNOWN_ANNOTATION'), /@upgradeable/);
    assert.match(compileError(`@admin(address="${ADMIN}", role="x")`), /unknown argument "role"/);
    assert.match(compileError('@noupgrade(__proto__=["x"])'), /unknown argument "__proto__"/);
  });

  it('refuses empty source as a missing constructor', () => {
    compileError('   ', 'CONSTRUCTOR_MISSING');
    assert.match(compileError('noupgrade'), /must start with an annotation/);
  });
});

describe('compileConstructor: @multisig and @timelock', () => {
  it('@multisig compiles to an approvals count checked from edition 1 on', () => {
    const c = compileConstructor(`@multisig(threshold=2, signers=["${ADMIN}", "${OTHER}"])`);
    assert.equal(
      c.avm,
      `constructor:\n    branch.eq edition 0u16 to end;\n    approvals checksum [${ADMIN}, ${OTHER}] into r0;\n    gte r0 2u8 into r1;\n    assert.eq r1 true;\n    position end;`,
    );
    assert.deepEqual(c.params, { threshold: 2, signers: [ADMIN, OTHER] });
  });

  it('@multisig refuses impossible thresholds and duplicate signers', () => {
    assert.match(
      compileError(`@multisig(threshold=3, signers=["${ADMIN}", "${OTHER}"])`),
      /threshold must be an integer from 1 to 2/,
    );
    assert.match(compileError(`@multisig(threshold=0, signers=["${ADMIN}"])`), /threshold/);
    assert.match(
      compileError(`@multisig(threshold=1, signers=["${ADMIN}", "${ADMIN.toLowerCase()}"])`),
      /listed twice/,
    );
    assert.match(compileError('@multisig(threshold=1)'), /missing signers/);
  });

  it('@timelock compiles to a height check against the announcement', () => {
    const c = compileConstructor('@timelock(delay=100)');
    assert.equal(
      c.avm,
      'constructor:\n    branch.eq edition 0u16 to end;\n    add announcement.height 100u32 into r0;\n    gte block.height r0 into r1;\n    assert.eq r1 true;\n    position end;',
    );
    assert.deepEqual(c.params, { delay: 100 });
  });

  it('@timelock refuses a missing or negative delay', () => {
    assert.match(compileError('@timelock'), /missing delay/);
    assert.match(compileError('@timelock(delay=-1)'), /delay must be an integer/);
    assert.match(compileError('@timelock(delay="soon")'), /delay must be an integer/);
  });
});
