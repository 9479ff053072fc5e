import { policyError } from '../errors.js';
import { lexCustom } from './lexCustom.js';
import type { Token } from './lexCustom.js';

/** Binary operators of the `@custom` language, in Leo spelling. */
export type BinaryOperator = '==' | '!=' | '>' | '>=' | '<' | '<=' | '+' | '-' | '&&' | '||';

/** An expression of the `@custom` language. */
export type Expr =
  | { k: 'literal'; text: string; line: number }
  | { k: 'self'; name: 'edition' | 'program_owner' | 'checksum'; line: number }
  | { k: 'block'; name: 'height' | 'timestamp'; line: number }
  | { k: 'var'; name: string; line: number }
  | { k: 'key'; text: string; line: number }
  | { k: 'binary'; op: BinaryOperator; left: Expr; right: Expr; line: number }
  | { k: 'not'; expr: Expr; line: number }
  | { k: 'program'; field: 'edition' | 'program_owner'; id: string; line: number }
  | { k: 'mapping'; fn: 'get' | 'get_or_use' | 'contains'; mapping: string; key: Expr; fallback?: Expr; line: number };

/** A statement of the `@custom` language. */
export type Stmt =
  | { k: 'if'; cond: Expr; then: Stmt[]; otherwise: Stmt[] | null; line: number }
  | { k: 'assert'; expr: Expr; line: number }
  | { k: 'assert_eq' | 'assert_neq'; left: Expr; right: Expr; line: number }
  | { k: 'let'; name: string; type: string | null; expr: Expr; line: number };

const LEVELS: BinaryOperator[][] = [['||'], ['&&'], ['==', '!=', '>', '>=', '<', '<='], ['+', '-']];
const MAPPING = /^0x[0-9a-fA-F]{40}\/[A-Za-z0-9_.-]+$/;

class Parser {
  private i = 0;
  constructor(
    private readonly src: string,
    private readonly t: Token[],
  ) {}

  fail(message: string, tok: Token = this.t[this.i]): never {
    throw policyError('CONSTRUCTOR_COMPILE_ERROR', `line ${tok.line}: ${message}`, { line: tok.line });
  }
  peek(offset = 0): Token {
    return this.t[Math.min(this.i + offset, this.t.length - 1)];
  }
  next(): Token {
    return this.t[this.i++];
  }
  eat(text: string): boolean {
    if (this.peek().kind === 'eof' || this.peek().text !== text || this.peek().kind === 'string') return false;
    this.i++;
    return true;
  }
  expect(text: string): Token {
    const tok = this.peek();
    if (!this.eat(text)) this.fail(`expected "${text}", found "${tok.text || 'end of body'}"`);
    return tok;
  }
  /** Re-joins tokens written without spaces (`0x…/approved`, `credits.aleo`) up to a `,` or `)`. */
  raw(what: string): string {
    const first = this.peek();
    if (first.kind === 'string') return this.next().text;
    let last = first;
    while (
      this.peek().kind !== 'eof' &&
      ![',', ')'].includes(this.peek().text) &&
      (this.peek() === first || this.peek().start === last.end)
    )
      last = this.next();
    if (last === first && [',', ')'].includes(first.text)) this.fail(`expected ${what}`);
    return this.src.slice(first.start, last.end);
  }

  block(): Stmt[] {
    this.expect('{');
    const out: Stmt[] = [];
    while (!this.eat('}')) {
      if (this.peek().kind === 'eof') this.fail('missing "}"');
      out.push(this.statement());
    }
    return out;
  }

  statement(): Stmt {
    const tok = this.peek();
    const line = tok.line;
    if (this.eat('if')) {
      const cond = this.expr();
      const then = this.block();
      let otherwise: Stmt[] | null = null;
      if (this.eat('else')) otherwise = this.peek().text === 'if' ? [this.statement()] : this.block();
      return { k: 'if', cond, then, otherwise, line };
    }
    if (this.eat('let')) {
      const name = this.next();
      if (name.kind !== 'word' || !/^[A-Za-z_]\w*$/.test(name.text)) this.fail('expected a variable name', name);
      const type = this.eat(':') ? this.raw('a type').trim() : null;
      this.expect('=');
      const expr = this.expr();
      this.expect(';');
      return { k: 'let', name: name.text, type, expr, line };
    }
    if (tok.text === 'assert' || tok.text === 'assert_eq' || tok.text === 'assert_neq') {
      this.next();
      this.expect('(');
      const left = this.expr();
      let stmt: Stmt;
      if (tok.text === 'assert') stmt = { k: 'assert', expr: left, line };
      else {
        this.expect(',');
        stmt = { k: tok.text as 'assert_eq' | 'assert_neq', left, right: this.expr(), line };
      }
      this.expect(')');
      this.expect(';');
      return stmt;
    }
    return this.fail(`unexpected "${tok.text || 'end of body'}"; expected if, let, assert, assert_eq or assert_neq`);
  }

  expr(level = 0): Expr {
    if (level === LEVELS.length) return this.unary();
    let left = this.expr(level + 1);
    for (;;) {
      const tok = this.peek();
      const op = LEVELS[level].find((o) => o === tok.text && tok.kind === 'punct');
      if (!op) return left;
      this.next();
      const right = this.expr(level + 1);
      left = { k: 'binary', op, left, right, line: tok.line };
      // Leo does not chain comparisons (`a < b < c` is a type error), so neither do we.
      if (level === 2 && LEVELS[2].includes(this.peek().text as BinaryOperator))
        this.fail('comparisons cannot be chained');
      if (level === 2) return left;
    }
  }

  unary(): Expr {
    const tok = this.peek();
    if (this.eat('!')) return { k: 'not', expr: this.unary(), line: tok.line };
    if (this.eat('(')) {
      const e = this.expr();
      this.expect(')');
      return e;
    }
    return this.primary();
  }

  primary(): Expr {
    const tok = this.next();
    const line = tok.line;
    if (tok.kind === 'string') return { k: 'key', text: tok.text, line };
    if (tok.kind !== 'word') return this.fail(`unexpected "${tok.text || 'end of body'}"`, tok);
    if ((tok.text === 'self' || tok.text === 'block') && this.eat('.')) {
      const field = this.next().text;
      if (tok.text === 'self' && ['edition', 'program_owner', 'checksum'].includes(field))
        return { k: 'self', name: field as 'edition', line };
      if (tok.text === 'block' && ['height', 'timestamp'].includes(field))
        return { k: 'block', name: field as 'height', line };
      return this.fail(`unknown operand ${tok.text}.${field}`, tok);
    }
    if ((tok.text === 'Program' || tok.text === 'Mapping') && this.eat('::'))
      return this.call(tok.text, this.next().text, line);
    if (/^\d/.test(tok.text)) return { k: 'literal', text: tok.text, line };
    if (tok.text === 'true' || tok.text === 'false') return { k: 'literal', text: tok.text, line };
    return { k: 'var', name: tok.text, line };
  }

  call(ns: string, fn: string, line: number): Expr {
    this.expect('(');
    let e: Expr;
    if (ns === 'Program' && (fn === 'edition' || fn === 'program_owner')) {
      const id = this.raw('a program id');
      if (!/^[A-Za-z0-9_.]+$/.test(id)) this.fail(`"${id}" is not a program id`);
      e = { k: 'program', field: fn, id, line };
    } else if (ns === 'Mapping' && (fn === 'get' || fn === 'get_or_use' || fn === 'contains')) {
      const mapping = this.raw('a mapping');
      if (!MAPPING.test(mapping)) this.fail(`malformed mapping "${mapping}"; expected "<0x address>/<aggregate key>"`);
      this.expect(',');
      const key = this.expr();
      let fallback: Expr | undefined;
      if (fn === 'get_or_use') {
        this.expect(',');
        fallback = this.expr();
      }
      e = fallback ? { k: 'mapping', fn, mapping, key, fallback, line } : { k: 'mapping', fn, mapping, key, line };
    } else return this.fail(`unknown function ${ns}::${fn}`);
    this.expect(')');
    return e;
  }

  body(): Stmt[] {
    const out: Stmt[] = [];
    while (this.peek().kind !== 'eof') out.push(this.statement());
    return out;
  }
}

/**
 * Parses a `@custom` constructor body into statements.
 *
 * @example
 * parseCustom('if self.edition > 0u16 { assert(block.height >= 1300u32); }')[0].k; // 'if'
 */
export function parseCustom(body: string, firstLine = 1): Stmt[] {
  return new Parser(body, lexCustom(body, firstLine)).body();
}
