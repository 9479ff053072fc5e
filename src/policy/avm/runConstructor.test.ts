import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPolicyError } from '../errors.js';
import type { ConstructorContext } from '../types.js';
import { runConstructor } from './runConstructor.js';

const OWNER = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const OTHER = '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359';
const SUM = 'ab'.repeat(32);
const GOV = `${OWNER}/gov`;

function ctx(
  over: Partial<ConstructorContext> = {},
  mapping: Record<string, string | number | boolean> = {},
): ConstructorContext {
  return {
    edition: 1,
    programOwner: OWNER,
    checksum: SUM,
    height: 100,
    timestamp: 1_700_000_000,
    readMapping: (m, k) => mapping[`${m}[${k}]`] ?? null,
    programEdition: (id) => (id === 'dep' ? 3 : null),
    ...over,
  };
}

function failure(avm: string, c: ConstructorContext): { line: unknown; instruction: unknown; reason: unknown } {
  try {
    runConstructor(avm, c);
  } catch (e) {
    assert.ok(isPolicyError(e, 'CONSTRUCTOR_FAILED'), `expected CONSTRUCTOR_FAILED, got ${String(e)}`);
    return { line: e.details.line, instruction: e.details.instruction, reason: e.details.reason };
  }
  assert.fail('expected CONSTRUCTOR_FAILED');
}

const avm = (...lines: string[]) => ['constructor:', ...lines.map((l) => `    ${l};`)].join('\n');

describe('runConstructor', () => {
  it('passes and fails assert.eq on edition, naming the instruction', () => {
    runConstructor(avm('assert.eq edition 0u16'), ctx({ edition: 0 }));
    const f = failure(avm('assert.eq edition 0u16'), ctx({ edition: 1 }));
    assert.equal(f.line, 2);
    assert.equal(f.instruction, 'assert.eq edition 0u16;');
  });

  it('compares addresses case-insensitively', () => {
    runConstructor(avm(`assert.eq program_owner ${OWNER.toLowerCase()}`), ctx());
    failure(avm(`assert.eq program_owner ${OTHER}`), ctx());
  });

  it('reads a checksum from a mapping, with or without 0x', () => {
    const code = avm(`get ${GOV}[true] into r0`, 'assert.eq checksum r0');
    runConstructor(code, ctx({}, { [`${GOV}[true]`]: SUM }));
    runConstructor(code, ctx({}, { [`${GOV}[true]`]: `0x${SUM.toUpperCase()}` }));
    assert.match(String(failure(code, ctx({}, { [`${GOV}[true]`]: 'cd'.repeat(32) })).reason), /!=/);
  });

  it('fails get on an absent key but get.or_use falls back and contains says false', () => {
    assert.match(String(failure(avm(`get ${GOV}[k] into r0`), ctx()).reason), /does not exist/);
    runConstructor(
      avm(`get.or_use ${GOV}[k] 7u32 into r0`, 'assert.eq r0 7u32', `contains ${GOV}[k] into r1`, 'assert.eq r1 false'),
      ctx(),
    );
    runConstructor(avm(`get.or_use ${GOV}[k] 7u32 into r0`, 'assert.eq r0 9u32'), ctx({}, { [`${GOV}[k]`]: 9 }));
  });

  it('fails on overflow instead of wrapping', () => {
    assert.match(String(failure(avm('add 250u8 10u8 into r0'), ctx()).reason), /overflows u8/);
    runConstructor(avm('add 250u8 5u8 into r0', 'assert.eq r0 255u8'), ctx());
    assert.match(String(failure(avm('sub 0u32 1u32 into r0'), ctx()).reason), /overflows u32/);
  });

  it('fails on type mismatches', () => {
    assert.match(String(failure(avm('assert.eq edition 0u32'), ctx()).reason), /type mismatch/);
    assert.match(String(failure(avm('assert.eq checksum true'), ctx()).reason), /type mismatch/);
  });

  it('gives an untyped mapping integer the other operand type, range-checked', () => {
    runConstructor(
      avm(`get ${GOV}[min] into r0`, 'gte block.height r0 into r1', 'assert.eq r1 true'),
      ctx({}, { [`${GOV}[min]`]: 50 }),
    );
    failure(
      avm(`get ${GOV}[min] into r0`, 'gte block.height r0 into r1', 'assert.eq r1 true'),
      ctx({}, { [`${GOV}[min]`]: 500 }),
    );
    assert.match(
      String(
        failure(avm(`get ${GOV}[min] into r0`, 'gte edition r0 into r1'), ctx({}, { [`${GOV}[min]`]: 70000 })).reason,
      ),
      /out of range for u16/,
    );
  });

  it('takes forward branches and skips what they jump over', () => {
    const code = avm('branch.eq edition 0u16 to end', 'assert.eq true false', 'position end');
    runConstructor(code, ctx({ edition: 0 }));
    assert.equal(failure(code, ctx({ edition: 1 })).line, 3);
    const neq = avm('branch.neq edition 0u16 to end', 'assert.eq true false', 'position end');
    runConstructor(neq, ctx({ edition: 2 }));
    failure(neq, ctx({ edition: 0 }));
  });

  it('reads other programs editions and fails for unknown programs', () => {
    runConstructor(avm('gte dep/edition 3u16 into r0', 'assert.eq r0 true'), ctx());
    assert.match(String(failure(avm('assert.eq nope/edition 0u16'), ctx()).reason), /does not exist/);
  });

  it('fails reading program_owner of a program without one, as Leo does for legacy programs', () => {
    assert.match(String(failure(avm(`assert.eq dep/program_owner ${OWNER}`), ctx()).reason), /no program_owner/);
    runConstructor(avm(`assert.eq dep/program_owner ${OWNER}`), ctx({ programOwnerOf: () => OWNER }));
  });

  it('counts only distinct listed signers in approvals', () => {
    const code = avm(`approvals checksum [${OWNER}, ${OTHER}] into r0`, 'gte r0 2u8 into r1', 'assert.eq r1 true');
    runConstructor(code, ctx({ approvals: () => [OWNER.toUpperCase().replace('0X', '0x'), OTHER] }));
    failure(code, ctx({ approvals: () => [OWNER, OWNER.toLowerCase(), '0x' + '1'.repeat(40)] }));
  });

  it('supports boolean logic and is.eq/is.neq', () => {
    runConstructor(
      avm(
        'is.eq edition 1u16 into r0',
        'is.neq edition 2u16 into r1',
        'and r0 r1 into r2',
        'not r2 into r3',
        'or r3 r2 into r4',
        'assert.eq r4 true',
        'assert.neq r3 true',
      ),
      ctx(),
    );
    failure(avm('and true false into r0', 'assert.eq r0 true'), ctx());
  });

  it('treats a malformed context as a programmer error, not a constructor failure', () => {
    assert.throws(
      () => runConstructor(avm('assert.eq edition 0u16'), ctx({ checksum: 'xyz' })),
      (e) => isPolicyError(e, 'POLICY_INPUT_INVALID'),
    );
  });
});
