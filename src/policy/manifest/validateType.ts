import { INT_TYPES } from '../avm/values.js';

/** Primitive types a manifest may name (DESIGN §4). */
export const PRIMITIVE_TYPES: readonly string[] = ['bool', ...INT_TYPES, 'field', 'address', 'string'];

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Validates a manifest type and returns it in canonical spelling (`[u8;32u32]` -> `[u8; 32]`), or
 * null when it is not a type. `names` are the struct/record names and type parameters in scope.
 * Canonical spelling is what the interface diff compares, so cosmetic rewrites are not "changes".
 *
 * @example
 * canonicalType('[u8;32u32]', new Set()); // '[u8; 32]'
 * canonicalType('Point', new Set(['Point'])); // 'Point'
 * canonicalType('u7', new Set()); // null
 */
export function canonicalType(putativeType: unknown, names: ReadonlySet<string>): string | null {
  if (typeof putativeType !== 'string') return null;
  const t = putativeType.trim();
  if (t.startsWith('[') && t.endsWith(']')) {
    const semi = t.lastIndexOf(';');
    if (semi < 0) return null;
    const inner = canonicalType(t.slice(1, semi), names);
    const size = /^\s*(\d+)(u32)?\s*$/.exec(t.slice(semi + 1, -1));
    if (!inner || !size || Number(size[1]) < 1) return null;
    return `[${inner}; ${Number(size[1])}]`;
  }
  if (PRIMITIVE_TYPES.includes(t)) return t;
  return IDENT.test(t) && names.has(t) ? t : null;
}
