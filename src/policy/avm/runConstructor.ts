import { policyError } from '../errors.js';
import type { ConstructorContext } from '../types.js';
import type { AvmInstruction, AvmOperand, AvmProgram, SpecialOperand } from './instructions.js';
import { parseAvm } from './parseAvm.js';
import {
  AvmFault,
  arithmetic,
  asBool,
  compare,
  formatValue,
  fromMapping,
  int,
  parseLiteral,
  valuesEqual,
} from './values.js';
import type { AvmValue } from './values.js';

const HEX64 = /^[0-9a-f]{64}$/;

function checkContext(ctx: ConstructorContext): void {
  const bad = (what: string): never => {
    throw policyError('POLICY_INPUT_INVALID', `constructor context: ${what}`);
  };
  if (!Number.isInteger(ctx.edition) || ctx.edition < 0 || ctx.edition > 0xffff) bad('edition must be a u16');
  if (!Number.isInteger(ctx.height) || ctx.height < 0 || ctx.height > 0xffffffff) bad('height must be a u32');
  if (!Number.isSafeInteger(ctx.timestamp)) bad('timestamp must be an integer');
  if (typeof ctx.checksum !== 'string' || !HEX64.test(ctx.checksum.toLowerCase()))
    bad('checksum must be 64 hex characters');
  if (parseLiteral(ctx.programOwner)?.kind !== 'address') bad('programOwner must be a 0x address');
}

class Machine {
  private readonly registers = new Map<number, AvmValue>();
  constructor(private readonly ctx: ConstructorContext) {}

  read(op: AvmOperand): AvmValue {
    const ctx = this.ctx;
    switch (op.kind) {
      case 'literal':
        return op.value;
      case 'key':
        throw new AvmFault(`"${op.text}" can only be a mapping key`);
      case 'register': {
        const v = this.registers.get(op.index);
        // Reachable only when a forward branch skipped the write: a real runtime condition, not a parse error.
        if (!v) throw new AvmFault(`register ${op.text} was never written`);
        return v;
      }
      case 'special':
        return this.special(op.name);
      case 'program': {
        if (op.field === 'edition') {
          const edition = ctx.programEdition(op.program);
          if (edition === null) throw new AvmFault(`program ${op.program} does not exist`);
          return int('u16', BigInt(edition));
        }
        const owner = ctx.programOwnerOf?.(op.program) ?? null;
        // Leo: a legacy program has no program_owner and reading it is a runtime error.
        if (owner === null) throw new AvmFault(`program ${op.program} has no program_owner`);
        return { kind: 'address', value: owner.toLowerCase() };
      }
    }
  }

  special(name: SpecialOperand): AvmValue {
    const ctx = this.ctx;
    switch (name) {
      case 'edition':
        return int('u16', BigInt(ctx.edition));
      case 'program_owner':
        return { kind: 'address', value: ctx.programOwner.toLowerCase() };
      case 'checksum':
        return { kind: 'checksum', value: ctx.checksum.toLowerCase() };
      case 'block.height':
        return int('u32', BigInt(ctx.height));
      case 'block.timestamp':
        return int('i64', BigInt(ctx.timestamp));
      case 'announcement.height':
        return int('u32', BigInt(ctx.announcedHeight ?? ctx.height));
    }
  }

  key(op: AvmOperand): string {
    return op.kind === 'key' || op.kind === 'literal' ? op.text : formatValue(this.read(op));
  }

  lookup(mapping: string, key: AvmOperand): AvmValue | null {
    const raw = this.ctx.readMapping(mapping, this.key(key));
    return raw === null || raw === undefined ? null : fromMapping(raw);
  }

  /** Executes one instruction; returns the label to jump to, if any. */
  step(ins: AvmInstruction): string | null {
    const set = (dest: number, v: AvmValue) => void this.registers.set(dest, v);
    switch (ins.op) {
      case 'assert.eq':
      case 'assert.neq': {
        const a = this.read(ins.a);
        const b = this.read(ins.b);
        const equal = valuesEqual(a, b);
        if (equal !== (ins.op === 'assert.eq')) {
          throw new AvmFault(`${formatValue(a)} ${ins.op === 'assert.eq' ? '!=' : '=='} ${formatValue(b)}`);
        }
        return null;
      }
      case 'branch.eq':
      case 'branch.neq':
        return valuesEqual(this.read(ins.a), this.read(ins.b)) === (ins.op === 'branch.eq') ? ins.label : null;
      case 'position':
        return null;
      case 'is.eq':
      case 'is.neq':
        set(ins.dest, {
          kind: 'bool',
          value: valuesEqual(this.read(ins.a), this.read(ins.b)) === (ins.op === 'is.eq'),
        });
        return null;
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        set(ins.dest, { kind: 'bool', value: compare(ins.op, this.read(ins.a), this.read(ins.b)) });
        return null;
      case 'add':
      case 'sub':
        set(ins.dest, arithmetic(ins.op, this.read(ins.a), this.read(ins.b)));
        return null;
      case 'and':
      case 'or': {
        const a = asBool(this.read(ins.a), ins.op);
        const b = asBool(this.read(ins.b), ins.op);
        set(ins.dest, { kind: 'bool', value: ins.op === 'and' ? a && b : a || b });
        return null;
      }
      case 'not':
        set(ins.dest, { kind: 'bool', value: !asBool(this.read(ins.a), 'not') });
        return null;
      case 'get': {
        const v = this.lookup(ins.mapping, ins.key);
        if (!v) throw new AvmFault(`${ins.mapping}[${this.key(ins.key)}] does not exist`);
        set(ins.dest, v);
        return null;
      }
      case 'get.or_use':
        set(ins.dest, this.lookup(ins.mapping, ins.key) ?? this.read(ins.fallback));
        return null;
      case 'contains':
        set(ins.dest, { kind: 'bool', value: this.lookup(ins.mapping, ins.key) !== null });
        return null;
      case 'approvals': {
        const subject = this.read(ins.a);
        if (subject.kind !== 'checksum') throw new AvmFault('approvals needs a checksum');
        const approved = new Set((this.ctx.approvals?.(subject.value) ?? []).map((a) => String(a).toLowerCase()));
        const count = new Set(ins.signers.filter((s) => approved.has(s))).size;
        set(ins.dest, int('u8', BigInt(count)));
        return null;
      }
    }
  }
}

/**
 * Runs a constructor against the candidate edition. Returns when every assertion holds; otherwise
 * throws CONSTRUCTOR_FAILED naming the failing instruction (`details.instruction`, `details.line`,
 * `details.reason`). Deterministic: no clock, no randomness, only `ctx`.
 *
 * @example
 * runConstructor('constructor:\n    assert.eq edition 0u16;', { ...ctx, edition: 0 }); // ok
 * runConstructor('constructor:\n    assert.eq edition 0u16;', { ...ctx, edition: 1 }); // throws CONSTRUCTOR_FAILED
 */
export function runConstructor(avm: AvmProgram | string, ctx: ConstructorContext): void {
  const program = typeof avm === 'string' ? parseAvm(avm) : avm;
  checkContext(ctx);
  const machine = new Machine(ctx);
  const { instructions, labels } = program;
  let pc = 0;
  // Parse-time checks make every branch forward; the budget guards hand-built AvmProgram objects.
  for (let budget = instructions.length + 1; pc < instructions.length; budget--) {
    const ins = instructions[pc];
    if (budget <= 0) throw policyError('AVM_INVALID', 'constructor did not terminate', { line: ins.line });
    let jump: string | null;
    try {
      jump = machine.step(ins);
    } catch (e) {
      if (!(e instanceof AvmFault)) throw e;
      throw policyError('CONSTRUCTOR_FAILED', `constructor failed at line ${ins.line}: \`${ins.text}\`: ${e.message}`, {
        instruction: ins.text,
        line: ins.line,
        reason: e.message,
      });
    }
    if (jump === null) pc++;
    else {
      const target = Object.hasOwn(labels, jump) ? labels[jump] : undefined;
      if (target === undefined || target <= pc)
        throw policyError('AVM_INVALID', `line ${ins.line}: bad branch target "${jump}"`, { line: ins.line });
      pc = target;
    }
  }
}
