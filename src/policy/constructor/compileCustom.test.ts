import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runConstructor } from '../avm/runConstructor.js';
import { isPolicyError } from '../errors.js';
import type { ConstructorContext } from '../types.js';
import { compileConstructor } from './compileAnnotation.js';

const GOV = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed/gov';
const avmOf = (body: string) => compileConstructor(`@custom\n${body}`).avm;

function compileError(body: string): { message: string; line: unknown } {
  try {
    compileConstructor(`@custom\n${body}`);
  } catch (e) {
    assert.ok(isPolicyError(e, 'CONSTRUCTOR_COMPILE_ERROR'), `expected CONSTRUCTOR_COMPILE_ERROR, got ${String(e)}`);
    return { message: e.message, line: e.details.line };
  }
  assert.fail('expected CONSTRUCTOR_COMPILE_ERROR');
}

const ctx = (over: Partial<ConstructorContext> = {}): ConstructorContext => ({
  edition: 1,
  programOwner: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  checksum: 'ab'.repeat(32),
  height: 10,
  timestamp: 0,
  readMapping: () => null,
  programEdition: () => null,
  ...over,
});

describe('compileConstructor: @custom', () => {
  it('compiles if/else with Leo labels: depth and a counter shared across the body', () => {
    assert.equal(
      avmOf(
        'if self.edition == 0u16 { assert(true); } else if block.height < 5u32 { assert_eq(1u8, 1u8); } else { assert_neq(self.edition, 9u16); }',
      ),
      [
        'constructor:',
        '    is.eq edition 0u16 into r0;',
        '    branch.eq r0 false to end_then_0_0;',
        '    assert.eq true true;',
        '    branch.eq true true to end_otherwise_0_1;',
        '    position end_then_0_0;',
        '    lt block.height 5u32 into r1;',
        '    branch.eq r1 false to end_then_1_2;',
        '    assert.eq 1u8 1u8;',
        '    branch.eq true true to end_otherwise_1_3;',
        '    position end_then_1_2;',
        '    assert.neq edition 9u16;',
        '    position end_otherwise_1_3;',
        '    position end_otherwise_0_1;',
      ].join('\n'),
    );
  });

  it('compiles mapping reads, arithmetic and let bindings to registers in evaluation order', () => {
    assert.equal(
      avmOf(
        `let min: u32 = Mapping::get_or_use(${GOV}, "min", 0u32);\nassert(block.height >= min + 10u32 && Mapping::contains(${GOV}, "open"));\nassert_eq(Mapping::get(${GOV}, true), self.checksum);`,
      ),
      [
        'constructor:',
        `    get.or_use ${GOV}[min] 0u32 into r0;`,
        '    add r0 10u32 into r1;',
        '    gte block.height r1 into r2;',
        `    contains ${GOV}[open] into r3;`,
        '    and r2 r3 into r4;',
        '    assert.eq r4 true;',
        `    get ${GOV}[true] into r5;`,
        '    assert.eq r5 checksum;',
      ].join('\n'),
    );
  });

  it('compiles Program::edition to a program-qualified operand the interpreter can run', () => {
    const avm = avmOf('assert(Program::edition(credits.aleo) >= 2u16);');
    assert.match(avm, /gte credits\.aleo\/edition 2u16 into r0;/);
    runConstructor(avm, ctx({ programEdition: () => 2 }));
    assert.throws(
      () => runConstructor(avm, ctx({ programEdition: () => 1 })),
      (e) => isPolicyError(e, 'CONSTRUCTOR_FAILED'),
    );
  });

  it('refuses an empty body, even one that is only comments', () => {
    assert.match(compileError('').message, /@custom needs a body/);
    assert.match(compileError('// nothing here').message, /@custom needs a body/);
    assert.match(compileError('async constructor() { }').message, /@custom needs a body/);
  });

  it('refuses untyped integers, type mismatches and unknown operands with the line', () => {
    assert.match(compileError('assert(block.height >= 1300);').message, /needs a type suffix/);
    const mismatch = compileError('\nassert(self.edition > 0u32);');
    assert.match(mismatch.message, /type mismatch u16 vs u32/);
    assert.equal(mismatch.line, 3);
    assert.match(compileError('assert(self.signer == 0u8);').message, /unknown operand self.signer/);
    assert.match(compileError('assert(self.edition);').message, /needs a bool/);
  });

  it('refuses syntax errors, unknown variables and malformed mappings', () => {
    assert.match(compileError('if true { assert(true);').message, /missing "}"/);
    assert.match(compileError('assert(x);').message, /unknown variable "x"/);
    assert.match(compileError('assert(Mapping::contains(basic.aleo/m, true));').message, /malformed mapping/);
    assert.match(compileError('while true {}').message, /unexpected "while"/);
    assert.match(compileError('assert(1u8 < 2u8 < 3u8);').message, /cannot be chained/);
  });
});
