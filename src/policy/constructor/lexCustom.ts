import { policyError } from '../errors.js';

/** A token of the `@custom` body language, with its offsets so adjacent tokens can be re-joined. */
export interface Token {
  kind: 'word' | 'string' | 'punct' | 'eof';
  text: string;
  start: number;
  end: number;
  line: number;
}

// Longest first, so `>=` wins over `>`.
const PUNCT = [
  '::',
  '==',
  '!=',
  '>=',
  '<=',
  '&&',
  '||',
  '>',
  '<',
  '+',
  '-',
  '!',
  '(',
  ')',
  '{',
  '}',
  ',',
  ';',
  ':',
  '=',
  '.',
  '/',
];

/**
 * Tokenizes a `@custom` constructor body. Words cover identifiers, typed literals (`1300u32`),
 * addresses and program ids alike; the parser decides which is which.
 *
 * @example
 * lexCustom('assert(block.height >= 1300u32);').map((t) => t.text);
 * // ['assert', '(', 'block', '.', 'height', '>=', '1300u32', ')', ';', '']
 */
export function lexCustom(src: string, firstLine = 1): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = firstLine;
  const fail = (message: string): never => {
    throw policyError('CONSTRUCTOR_COMPILE_ERROR', `line ${line}: ${message}`, { line });
  };
  while (i < src.length) {
    const c = src[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (src.startsWith('//', i)) {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (src.startsWith('/*', i)) {
      const close = src.indexOf('*/', i + 2);
      if (close < 0) fail('unterminated comment');
      line += src.slice(i, close).split('\n').length - 1;
      i = close + 2;
    } else if (/[A-Za-z0-9_]/.test(c)) {
      const m = /^[A-Za-z0-9_]+/.exec(src.slice(i))!;
      tokens.push({ kind: 'word', text: m[0], start: i, end: i + m[0].length, line });
      i += m[0].length;
    } else if (c === '"') {
      const close = src.indexOf('"', i + 1);
      if (close < 0 || src.slice(i, close).includes('\n')) fail('unterminated string');
      tokens.push({ kind: 'string', text: src.slice(i + 1, close), start: i, end: close + 1, line });
      i = close + 1;
    } else {
      const p = PUNCT.find((q) => src.startsWith(q, i));
      if (!p) return fail(`unexpected character "${c}"`);
      tokens.push({ kind: 'punct', text: p, start: i, end: i + p.length, line });
      i += p.length;
    }
  }
  tokens.push({ kind: 'eof', text: '', start: src.length, end: src.length, line });
  return tokens;
}
