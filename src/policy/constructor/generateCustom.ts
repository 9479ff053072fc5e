import { policyError } from '../errors.js';
import { INT_TYPES, parseLiteral } from '../avm/values.js';
import type { Expr, Stmt } from './parseCustom.js';

/** A static type: an integer type, `bool`, `address`, `checksum`, or null when only known at run time. */
type StaticType = string | null;
interface Operand {
  text: string;
  type: StaticType;
}

const OPCODE: Record<string, string> = {
  '==': 'is.eq',
  '!=': 'is.neq',
  '>': 'gt',
  '>=': 'gte',
  '<': 'lt',
  '<=': 'lte',
  '+': 'add',
  '-': 'sub',
  '&&': 'and',
  '||': 'or',
};
const KEY = /^[A-Za-z0-9_.-]+$/;
const isInt = (t: StaticType) => t === null || (INT_TYPES as readonly string[]).includes(t);

/**
 * Emits AVM the way Leo's code generator does for an async (finalize-like) block: registers are
 * numbered in evaluation order, and every `if` gets `end_then_<depth>_<n>` and
 * `end_otherwise_<depth>_<n>` labels — Leo adds an empty `else` when none is written, which is why
 * the seed's time-lock example shows a `branch.eq true true` with nothing between the positions.
 */
class Generator {
  readonly lines: string[] = [];
  private register = 0;
  private label = 0;
  private depth = 0;
  private readonly vars = new Map<string, Operand>();

  fail(line: number, message: string): never {
    throw policyError('CONSTRUCTOR_COMPILE_ERROR', `line ${line}: ${message}`, { line });
  }
  emit(text: string): void {
    this.lines.push(`    ${text};`);
  }
  into(text: string, type: StaticType): Operand {
    const dest = `r${this.register++}`;
    this.emit(`${text} into ${dest}`);
    return { text: dest, type };
  }
  same(line: number, a: Operand, b: Operand, what: string): void {
    if (a.type !== null && b.type !== null && a.type !== b.type)
      this.fail(line, `${what}: type mismatch ${a.type} vs ${b.type}`);
  }
  bool(line: number, o: Operand, what: string): void {
    if (o.type !== null && o.type !== 'bool') this.fail(line, `${what} needs a bool, got ${o.type}`);
  }

  literal(e: Extract<Expr, { k: 'literal' }>): Operand {
    const value = parseLiteral(e.text);
    if (!value) {
      if (/^\d+$/.test(e.text)) this.fail(e.line, `integer literal ${e.text} needs a type suffix, e.g. ${e.text}u32`);
      this.fail(e.line, `invalid literal "${e.text}"`);
    }
    return { text: e.text, type: value.kind === 'int' ? value.type : value.kind };
  }

  key(e: Expr): string {
    if (e.k !== 'key') return this.expr(e).text;
    // A key that looks like a register would be read as one by the interpreter.
    if (!KEY.test(e.text) || /^r\d+$/.test(e.text)) this.fail(e.line, `"${e.text}" cannot be a mapping key`);
    return e.text;
  }

  expr(e: Expr): Operand {
    switch (e.k) {
      case 'literal':
        return this.literal(e);
      case 'self':
        return { text: e.name, type: { edition: 'u16', program_owner: 'address', checksum: 'checksum' }[e.name] };
      case 'block':
        return { text: `block.${e.name}`, type: e.name === 'height' ? 'u32' : 'i64' };
      case 'program':
        return { text: `${e.id}/${e.field}`, type: e.field === 'edition' ? 'u16' : 'address' };
      case 'key':
        return this.fail(e.line, `a string can only be a mapping key`);
      case 'var': {
        const v = this.vars.get(e.name);
        if (!v) this.fail(e.line, `unknown variable "${e.name}" (quote a literal mapping key: "${e.name}")`);
        return v;
      }
      case 'not': {
        const o = this.expr(e.expr);
        this.bool(e.line, o, '!');
        return this.into(`not ${o.text}`, 'bool');
      }
      case 'mapping': {
        const key = this.key(e.key);
        if (e.fn === 'contains') return this.into(`contains ${e.mapping}[${key}]`, 'bool');
        if (e.fn === 'get') return this.into(`get ${e.mapping}[${key}]`, null);
        const fallback = this.expr(e.fallback!);
        return this.into(`get.or_use ${e.mapping}[${key}] ${fallback.text}`, fallback.type);
      }
      case 'binary': {
        const l = this.expr(e.left);
        const r = this.expr(e.right);
        const op = OPCODE[e.op];
        if (op === 'and' || op === 'or') {
          this.bool(e.line, l, e.op);
          this.bool(e.line, r, e.op);
          return this.into(`${op} ${l.text} ${r.text}`, 'bool');
        }
        this.same(e.line, l, r, e.op);
        if (op !== 'is.eq' && op !== 'is.neq' && (!isInt(l.type) || !isInt(r.type)))
          this.fail(e.line, `${e.op} needs integers`);
        const type = op === 'add' || op === 'sub' ? (l.type ?? r.type) : 'bool';
        return this.into(`${op} ${l.text} ${r.text}`, type);
      }
    }
  }

  statement(s: Stmt): void {
    switch (s.k) {
      case 'assert': {
        const o = this.expr(s.expr);
        this.bool(s.line, o, 'assert');
        this.emit(`assert.eq ${o.text} true`);
        return;
      }
      case 'assert_eq':
      case 'assert_neq': {
        const l = this.expr(s.left);
        const r = this.expr(s.right);
        this.same(s.line, l, r, s.k);
        this.emit(`${s.k === 'assert_eq' ? 'assert.eq' : 'assert.neq'} ${l.text} ${r.text}`);
        return;
      }
      case 'let': {
        const o = this.expr(s.expr);
        if (s.type !== null) {
          this.same(s.line, o, { text: '', type: s.type }, `let ${s.name}`);
          return void this.vars.set(s.name, { text: o.text, type: s.type });
        }
        return void this.vars.set(s.name, o);
      }
      case 'if': {
        const endThen = `end_then_${this.depth}_${this.label++}`;
        const endOtherwise = `end_otherwise_${this.depth}_${this.label++}`;
        this.depth++;
        const cond = this.expr(s.cond);
        this.bool(s.line, cond, 'if');
        this.emit(`branch.eq ${cond.text} false to ${endThen}`);
        for (const t of s.then) this.statement(t);
        this.emit(`branch.eq true true to ${endOtherwise}`);
        this.emit(`position ${endThen}`);
        for (const t of s.otherwise ?? []) this.statement(t);
        this.emit(`position ${endOtherwise}`);
        this.depth--;
      }
    }
  }
}

/**
 * Compiles parsed `@custom` statements to constructor AVM text (no trailing newline).
 *
 * @example
 * generateCustom(parseCustom('assert(block.height >= 1300u32);'));
 * // 'constructor:\n    gte block.height 1300u32 into r0;\n    assert.eq r0 true;'
 */
export function generateCustom(statements: Stmt[]): string {
  const g = new Generator();
  for (const s of statements) g.statement(s);
  return ['constructor:', ...g.lines].join('\n');
}
