import { policyError } from '../errors.js';
import { MAX_INSTRUCTIONS, OPCODES, SPECIAL_OPERANDS } from './instructions.js';
import type { AvmInstruction, AvmOperand, AvmProgram, BinaryOp, SpecialOperand } from './instructions.js';
import { parseLiteral } from './values.js';

const REGISTER = /^r(\d{1,4})$/;
const LABEL = /^[A-Za-z_][A-Za-z0-9_]*$/;
const QUALIFIED = /^([A-Za-z0-9_.]+)\/(edition|program_owner)$/;
const MAPPING = /^[^\s/[\],]+\/[^\s[\],]+$/;
const KEY = /^[A-Za-z0-9_.-]+$/;

class Line {
  private i = 0;
  constructor(
    readonly tokens: string[],
    readonly no: number,
    readonly text: string,
  ) {}
  fail(reason: string): never {
    throw policyError('AVM_INVALID', `line ${this.no}: ${reason}: \`${this.text}\``, {
      line: this.no,
      instruction: this.text,
      reason,
    });
  }
  next(what: string): string {
    const t = this.tokens[this.i++];
    if (t === undefined) this.fail(`expected ${what}`);
    return t;
  }
  expect(token: string): void {
    const t = this.next(`"${token}"`);
    if (t !== token) this.fail(`expected "${token}", found "${t}"`);
  }
  end(): void {
    if (this.i < this.tokens.length) this.fail(`unexpected "${this.tokens[this.i]}"`);
  }
}

function operand(line: Line, written: Set<number>, asKey = false): AvmOperand {
  const text = line.next('an operand');
  if (Object.hasOwn(SPECIAL_OPERANDS, text)) return { text, kind: 'special', name: text as SpecialOperand };
  const reg = REGISTER.exec(text);
  if (reg) {
    const index = Number(reg[1]);
    // A read of a register no earlier line writes can only be a mistake; catch it before it runs.
    if (!written.has(index)) line.fail(`register ${text} is read before it is written`);
    return { text, kind: 'register', index };
  }
  const q = QUALIFIED.exec(text);
  if (q) return { text, kind: 'program', program: q[1], field: q[2] as 'edition' | 'program_owner' };
  const value = parseLiteral(text);
  if (value) return { text, kind: 'literal', value };
  if (asKey && KEY.test(text)) return { text, kind: 'key' };
  return line.fail(`unknown operand "${text}"`);
}

function destination(line: Line, written: Set<number>): number {
  line.expect('into');
  const text = line.next('a destination register');
  const reg = REGISTER.exec(text);
  if (!reg) line.fail(`"${text}" is not a register`);
  written.add(Number(reg[1]));
  return Number(reg[1]);
}

function mappingAccess(line: Line, written: Set<number>): { mapping: string; key: AvmOperand } {
  const mapping = line.next('a mapping');
  if (!MAPPING.test(mapping)) line.fail(`"${mapping}" is not a mapping ("<address>/<aggregate key>")`);
  line.expect('[');
  const key = operand(line, written, true);
  line.expect(']');
  return { mapping, key };
}

function signerList(line: Line): string[] {
  line.expect('[');
  const signers: string[] = [];
  for (;;) {
    const value = parseLiteral(line.next('a signer address'));
    if (value?.kind !== 'address') line.fail('signers must be addresses');
    signers.push(value.value);
    const sep = line.next('"," or "]"');
    if (sep === ']') return signers;
    if (sep !== ',') line.fail(`expected "," or "]", found "${sep}"`);
  }
}

function instruction(line: Line, written: Set<number>): AvmInstruction {
  const op = line.next('an opcode');
  const base = { line: line.no, text: line.text };
  if (!(OPCODES as readonly string[]).includes(op)) line.fail(`unknown opcode "${op}"`);
  if (op === 'position') {
    const label = line.next('a label');
    if (!LABEL.test(label)) line.fail(`"${label}" is not a label`);
    return { ...base, op, label };
  }
  if (op === 'assert.eq' || op === 'assert.neq')
    return { ...base, op, a: operand(line, written), b: operand(line, written) };
  if (op === 'branch.eq' || op === 'branch.neq') {
    const a = operand(line, written);
    const b = operand(line, written);
    line.expect('to');
    return { ...base, op, a, b, label: line.next('a label') };
  }
  if (op === 'not') {
    const a = operand(line, written);
    return { ...base, op, a, dest: destination(line, written) };
  }
  if (op === 'get' || op === 'contains') {
    const access = mappingAccess(line, written);
    return { ...base, op, ...access, dest: destination(line, written) };
  }
  if (op === 'get.or_use') {
    const access = mappingAccess(line, written);
    const fallback = operand(line, written);
    return { ...base, op, ...access, fallback, dest: destination(line, written) };
  }
  if (op === 'approvals') {
    const a = operand(line, written);
    const signers = signerList(line);
    return { ...base, op, a, signers, dest: destination(line, written) };
  }
  const a = operand(line, written);
  const b = operand(line, written);
  return { ...base, op: op as BinaryOp, a, b, dest: destination(line, written) };
}

/** Checks every branch lands on a label that exists and lies ahead, so execution always terminates. */
function resolveLabels(instructions: AvmInstruction[]): Record<string, number> {
  const labels: Record<string, number> = {};
  instructions.forEach((ins, index) => {
    if (ins.op !== 'position') return;
    if (Object.hasOwn(labels, ins.label)) {
      throw policyError('AVM_INVALID', `line ${ins.line}: label "${ins.label}" is defined twice`, {
        line: ins.line,
        instruction: ins.text,
      });
    }
    labels[ins.label] = index;
  });
  instructions.forEach((ins, index) => {
    if (ins.op !== 'branch.eq' && ins.op !== 'branch.neq') return;
    const target = Object.hasOwn(labels, ins.label) ? labels[ins.label] : undefined;
    const reason =
      target === undefined
        ? `unknown label "${ins.label}"`
        : target <= index
          ? `backward branch to "${ins.label}"`
          : null;
    if (reason)
      throw policyError('AVM_INVALID', `line ${ins.line}: ${reason}`, {
        line: ins.line,
        instruction: ins.text,
        reason,
      });
  });
  return labels;
}

/**
 * Parses constructor AVM text as Leo prints it. Rejects unknown opcodes and operands, reads of
 * unwritten registers, unknown labels and backward branches (AVM_INVALID, with `details.line`).
 * A missing trailing `;` is tolerated because Leo's own docs print one that way.
 *
 * @example
 * const program = parseAvm('constructor:\n    assert.eq edition 0u16;\n');
 * program.instructions[0].op; // 'assert.eq'
 */
export function parseAvm(text: string): AvmProgram {
  if (typeof text !== 'string') throw policyError('AVM_INVALID', 'constructor code must be a string');
  const lines = text.split('\n');
  let header = -1;
  const instructions: AvmInstruction[] = [];
  const written = new Set<number>();
  lines.forEach((raw, i) => {
    const code = raw.replace(/\/\/.*$/, '').trim();
    if (code === '') return;
    if (header < 0) {
      if (code !== 'constructor:')
        throw policyError('AVM_INVALID', `line ${i + 1}: expected "constructor:"`, {
          line: i + 1,
          instruction: raw.trim(),
        });
      header = i;
      return;
    }
    const body = code.endsWith(';') ? code.slice(0, -1) : code;
    const tokens = body.match(/\[|\]|,|[^\s[\],]+/g) ?? [];
    const line = new Line(tokens, i + 1, code);
    const ins = instruction(line, written);
    line.end();
    instructions.push(ins);
    if (instructions.length > MAX_INSTRUCTIONS)
      throw policyError('AVM_INVALID', `constructor exceeds ${MAX_INSTRUCTIONS} instructions`, { line: i + 1 });
  });
  if (header < 0) throw policyError('AVM_INVALID', 'line 1: expected "constructor:"', { line: 1 });
  return { instructions, labels: resolveLabels(instructions) };
}
