/**
 * The interpreter's value model. Integers are bigints tagged with their Leo type so overflow and
 * type confusion fail the constructor instead of silently wrapping, as snarkVM does.
 */

/** Integer types the AVM knows, in Leo spelling. */
export const INT_TYPES = ['u8', 'u16', 'u32', 'u64', 'u128', 'i8', 'i16', 'i32', 'i64', 'i128'] as const;
export type IntType = (typeof INT_TYPES)[number];

/**
 * A runtime value. `type: null` marks an integer read from AGGREGATE state, which carries no Leo
 * type; it takes the type of the operand it is combined with.
 */
export type AvmValue =
  | { kind: 'int'; type: IntType | null; value: bigint }
  | { kind: 'bool'; value: boolean }
  | { kind: 'address'; value: string }
  | { kind: 'checksum'; value: string }
  | { kind: 'text'; value: string };

/** A failed check inside the interpreter; the runner turns it into CONSTRUCTOR_FAILED with the line. */
export class AvmFault extends Error {}

const INT_LITERAL = /^(-?\d+)(u8|u16|u32|u64|u128|i8|i16|i32|i64|i128)$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const CHECKSUM = /^(0x)?[0-9a-fA-F]{64}$/;

/**
 * Inclusive range of an integer type.
 *
 * @example
 * intRange('u8'); // [0n, 255n]
 */
export function intRange(type: IntType): [bigint, bigint] {
  const bits = BigInt(type.slice(1));
  return type.startsWith('u') ? [0n, (1n << bits) - 1n] : [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n];
}

/**
 * Builds a typed integer, failing when it does not fit.
 *
 * @example
 * int('u16', 3n); // { kind: 'int', type: 'u16', value: 3n }
 */
export function int(type: IntType, value: bigint): AvmValue {
  const [min, max] = intRange(type);
  if (value < min || value > max) throw new AvmFault(`${value} is out of range for ${type}`);
  return { kind: 'int', type, value };
}

/**
 * Parses an AVM literal (`0u16`, `-3i8`, `true`, `0x…` address, `0x…` 64-hex checksum), or null.
 *
 * @example
 * parseLiteral('1300u32'); // { kind: 'int', type: 'u32', value: 1300n }
 */
export function parseLiteral(token: string): AvmValue | null {
  if (token === 'true' || token === 'false') return { kind: 'bool', value: token === 'true' };
  const m = INT_LITERAL.exec(token);
  if (m) {
    try {
      return int(m[2] as IntType, BigInt(m[1]));
    } catch {
      return null;
    }
  }
  if (ADDRESS.test(token)) return { kind: 'address', value: token.toLowerCase() };
  if (token.startsWith('0x') && CHECKSUM.test(token)) return { kind: 'checksum', value: token.slice(2).toLowerCase() };
  return null;
}

/**
 * Interprets a value read from AGGREGATE state. A checksum is 64 hex characters, optionally
 * 0x-prefixed; JSON numbers are untyped integers.
 *
 * @example
 * fromMapping('ab'.repeat(32)); // { kind: 'checksum', value: 'abab…' }
 */
export function fromMapping(raw: string | number | boolean): AvmValue {
  if (typeof raw === 'boolean') return { kind: 'bool', value: raw };
  if (typeof raw === 'number') {
    if (!Number.isSafeInteger(raw)) throw new AvmFault(`mapping value ${raw} is not an integer`);
    return { kind: 'int', type: null, value: BigInt(raw) };
  }
  if (CHECKSUM.test(raw)) return { kind: 'checksum', value: raw.replace(/^0x/, '').toLowerCase() };
  const literal = parseLiteral(raw);
  if (literal) return literal;
  if (/^-?\d+$/.test(raw)) return { kind: 'int', type: null, value: BigInt(raw) };
  return { kind: 'text', value: raw };
}

/**
 * Renders a value the way the AVM prints literals; used for mapping keys and error messages.
 *
 * @example
 * formatValue({ kind: 'int', type: 'u8', value: 2n }); // '2u8'
 */
export function formatValue(v: AvmValue): string {
  switch (v.kind) {
    case 'int':
      return `${v.value}${v.type ?? ''}`;
    case 'bool':
      return String(v.value);
    case 'checksum':
      return v.value;
    default:
      return v.value;
  }
}

function describe(v: AvmValue): string {
  return v.kind === 'int' ? (v.type ?? 'integer') : v.kind;
}

/**
 * Brings two integers to one type; an untyped side adopts the other side's type (range-checked).
 *
 * @example
 * unifyInts(parseLiteral('5u32')!, fromMapping(7), 'gte'); // { type: 'u32', x: 5n, y: 7n }
 */
export function unifyInts(a: AvmValue, b: AvmValue, op: string): { type: IntType | null; x: bigint; y: bigint } {
  if (a.kind !== 'int' || b.kind !== 'int')
    throw new AvmFault(`${op} needs integers, got ${describe(a)} and ${describe(b)}`);
  if (a.type && b.type && a.type !== b.type) throw new AvmFault(`${op}: type mismatch ${a.type} vs ${b.type}`);
  const type = a.type ?? b.type;
  if (type) {
    int(type, a.value);
    int(type, b.value);
  }
  return { type, x: a.value, y: b.value };
}

/**
 * Equality as `assert.eq`/`is.eq` see it: same kind required; addresses compare case-insensitively
 * (they are stored lowercased).
 *
 * @example
 * valuesEqual(parseLiteral('0u16')!, parseLiteral('0u16')!); // true
 */
export function valuesEqual(a: AvmValue, b: AvmValue): boolean {
  if (a.kind === 'int' || b.kind === 'int') {
    const { x, y } = unifyInts(a, b, 'comparison');
    return x === y;
  }
  if (a.kind !== b.kind) throw new AvmFault(`type mismatch: ${describe(a)} vs ${describe(b)}`);
  return a.value === b.value;
}

/**
 * Checked `add`/`sub`; an overflow fails the constructor rather than wrapping.
 *
 * @example
 * arithmetic('add', parseLiteral('250u8')!, parseLiteral('5u8')!); // 255u8
 * arithmetic('add', parseLiteral('250u8')!, parseLiteral('6u8')!); // throws AvmFault
 */
export function arithmetic(op: 'add' | 'sub', a: AvmValue, b: AvmValue): AvmValue {
  const { type, x, y } = unifyInts(a, b, op);
  const r = op === 'add' ? x + y : x - y;
  if (!type) return { kind: 'int', type: null, value: r };
  const [min, max] = intRange(type);
  if (r < min || r > max) throw new AvmFault(`${op} overflows ${type}: ${x} ${op === 'add' ? '+' : '-'} ${y}`);
  return { kind: 'int', type, value: r };
}

/**
 * Ordered comparison of two integers of the same type.
 *
 * @example
 * compare('gte', parseLiteral('1300u32')!, parseLiteral('1300u32')!); // true
 */
export function compare(op: 'gt' | 'gte' | 'lt' | 'lte', a: AvmValue, b: AvmValue): boolean {
  const { x, y } = unifyInts(a, b, op);
  return op === 'gt' ? x > y : op === 'gte' ? x >= y : op === 'lt' ? x < y : x <= y;
}

/**
 * Narrows to a boolean or fails.
 *
 * @example
 * asBool({ kind: 'bool', value: true }, 'and'); // true
 */
export function asBool(v: AvmValue, op: string): boolean {
  if (v.kind !== 'bool') throw new AvmFault(`${op} needs a boolean, got ${describe(v)}`);
  return v.value;
}
