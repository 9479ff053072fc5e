import { AlephError } from '../../errors.js';

/**
 * Values written into a statement's text, for the writer's statements that go as simple queries (several
 * statements and no parameters in one round trip: see coalescingPool). The `E'…'` form reads the same whatever
 * the server's standard_conforming_strings, and two native replaces keep a 2 MiB content cheap to escape
 * (pg's own escapeLiteral walks it a character at a time).
 */
export function sqlText(v: string): string {
  // The simple protocol ends its text at a NUL; as a parameter it would be refused too (not valid text there).
  if (v.includes('\u0000')) throw new AlephError('INTERNAL_ERROR', 'a text value holds U+0000', {});
  return `E'${v.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/** A number, text, boolean or null as a literal; anything else is a bug in the caller. */
export function sqlValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return sqlText(v);
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  throw new AlephError('INTERNAL_ERROR', `no SQL literal for a ${typeof v}`, {});
}

export const sqlTextArray = (xs: readonly string[]) => `array[${xs.map(sqlText).join(', ')}]::text[]`;
