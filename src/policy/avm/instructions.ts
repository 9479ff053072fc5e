/**
 * The AVM instruction set the constructor interpreter understands: Leo's constructor subset plus
 * `approvals` (our `@multisig`). Kept in one table so the parser and the runner cannot disagree.
 */
import type { AvmValue } from './values.js';

/** A chain value the constructor can name directly. */
export type SpecialOperand =
  | 'edition'
  | 'program_owner'
  | 'checksum'
  | 'block.height'
  | 'block.timestamp'
  | 'announcement.height';

/** An instruction operand, with the text it was written as (for error messages). */
export type AvmOperand = { text: string } & (
  | { kind: 'literal'; value: AvmValue }
  | { kind: 'register'; index: number }
  | { kind: 'special'; name: SpecialOperand }
  | { kind: 'program'; program: string; field: 'edition' | 'program_owner' }
  /** A bare mapping key such as `approved_checksum`, passed to the mapping as written. */
  | { kind: 'key' }
);

/** Binary instructions that write a register. */
export const BINARY_OPS = ['is.eq', 'is.neq', 'gt', 'gte', 'lt', 'lte', 'add', 'sub', 'and', 'or'] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

/** One parsed instruction; `line` is its 1-based line in the AVM text (`constructor:` is line 1). */
export type AvmInstruction = { line: number; text: string } & (
  | { op: 'assert.eq' | 'assert.neq'; a: AvmOperand; b: AvmOperand }
  | { op: BinaryOp; a: AvmOperand; b: AvmOperand; dest: number }
  | { op: 'not'; a: AvmOperand; dest: number }
  | { op: 'branch.eq' | 'branch.neq'; a: AvmOperand; b: AvmOperand; label: string }
  | { op: 'position'; label: string }
  | { op: 'get' | 'contains'; mapping: string; key: AvmOperand; dest: number }
  | { op: 'get.or_use'; mapping: string; key: AvmOperand; fallback: AvmOperand; dest: number }
  | { op: 'approvals'; a: AvmOperand; signers: string[]; dest: number }
);

/** A parsed constructor: instructions in order and where each label sits. */
export interface AvmProgram {
  instructions: AvmInstruction[];
  /** Label -> index in `instructions` of its `position`. */
  labels: Record<string, number>;
}

/** The values a `Special` operand stands for, with their Leo types. */
export const SPECIAL_OPERANDS: Record<SpecialOperand, string> = {
  edition: 'u16',
  program_owner: 'address',
  checksum: '[u8; 32u32]',
  'block.height': 'u32',
  'block.timestamp': 'i64',
  'announcement.height': 'u32',
};

/** Every opcode, for "unknown opcode" errors. */
export const OPCODES = [
  ...BINARY_OPS,
  'assert.eq',
  'assert.neq',
  'not',
  'branch.eq',
  'branch.neq',
  'position',
  'get',
  'get.or_use',
  'contains',
  'approvals',
] as const;

/** An upper bound on constructor length; branches only go forward, so this also bounds execution. */
export const MAX_INSTRUCTIONS = 4096;
