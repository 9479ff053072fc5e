import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPolicyError } from '../errors.js';
import { parseAvm } from './parseAvm.js';

function avmError(text: string): { line: unknown; message: string } {
  try {
    parseAvm(text);
  } catch (e) {
    assert.ok(isPolicyError(e, 'AVM_INVALID'), `expected AVM_INVALID, got ${String(e)}`);
    return { line: e.details.line, message: e.message };
  }
  assert.fail('expected AVM_INVALID');
}

describe('parseAvm', () => {
  it('parses the checksum pattern and records where labels sit', () => {
    const p = parseAvm(
      'constructor:\n    branch.eq edition 0u16 to end;\n    get 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed/gov[true] into r0;\n    assert.eq checksum r0;\n    position end;',
    );
    assert.deepEqual(
      p.instructions.map((i) => i.op),
      ['branch.eq', 'get', 'assert.eq', 'position'],
    );
    assert.equal(p.labels.end, 3);
    assert.equal(p.instructions[1].line, 3);
  });

  it('accepts the seed docs spelling without a trailing semicolon', () => {
    assert.equal(parseAvm('constructor:\n    assert.eq edition 0u16').instructions.length, 1);
  });

  it('rejects a backward branch with its line', () => {
    const e = avmError('constructor:\n    position top;\n    branch.eq true true to top;');
    assert.equal(e.line, 3);
    assert.match(e.message, /backward branch/);
  });

  it('rejects a branch to a label that does not exist', () => {
    const e = avmError('constructor:\n    branch.eq edition 0u16 to nowhere;\n    position end;');
    assert.equal(e.line, 2);
    assert.match(e.message, /unknown label "nowhere"/);
  });

  it('rejects unknown opcodes, naming them', () => {
    const e = avmError('constructor:\n    assert.eq edition 0u16;\n    jump end;');
    assert.equal(e.line, 3);
    assert.match(e.message, /unknown opcode "jump"/);
  });

  it('rejects unknown operands and reads of unwritten registers', () => {
    assert.match(avmError('constructor:\n    assert.eq self.signer 0u16;').message, /unknown operand "self.signer"/);
    assert.match(avmError('constructor:\n    assert.eq r3 true;').message, /r3 is read before it is written/);
  });

  it('is not fooled by names that exist on every JavaScript object', () => {
    assert.match(
      avmError('constructor:\n    branch.eq true true to constructor;\n    assert.eq true false;').message,
      /unknown label "constructor"/,
    );
    assert.match(avmError('constructor:\n    assert.eq toString 0u16;').message, /unknown operand "toString"/);
  });

  it('rejects a missing header and duplicate labels', () => {
    assert.equal(avmError('assert.eq edition 0u16;').line, 1);
    assert.match(avmError('constructor:\n    position a;\n    position a;').message, /defined twice/);
  });

  it('rejects an out-of-range literal instead of truncating it', () => {
    assert.match(avmError('constructor:\n    assert.eq edition 70000u16;').message, /unknown operand "70000u16"/);
  });

  it('parses program-qualified operands and signer lists', () => {
    const p = parseAvm(
      'constructor:\n    approvals checksum [0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed, 0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359] into r0;\n    gte abc.aleo/edition 1u16 into r1;',
    );
    const first = p.instructions[0];
    assert.ok(first.op === 'approvals');
    assert.equal(first.signers.length, 2);
    const second = p.instructions[1];
    assert.ok(second.op === 'gte' && second.a.kind === 'program');
    assert.equal(second.a.program, 'abc.aleo');
  });
});
