import { policyError } from '../errors.js';

/**
 * Serializes JSON data canonically: object keys sorted by UTF-16 code unit, no whitespace,
 * `undefined` properties dropped, arrays kept in order. Two equal values always give the same
 * string, which is what makes the edition checksum reproducible across nodes and the CLI.
 *
 * @example
 * canonicalJson({ b: 1, a: [true, null] }); // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown, path = '$'): string {
  return write(value, () => path);
}

// The path is built only when an error needs it: building it eagerly dominated the cost of hashing.
function write(value: unknown, at: () => string): string {
  const path = at;
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value))
        throw policyError('POLICY_INPUT_INVALID', `${path()} is not a finite number`, { path: path() });
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value))
        return `[${value.map((v, i) => write(v === undefined ? null : v, () => `${path()}[${i}]`)).join(',')}]`;
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null)
        throw policyError('POLICY_INPUT_INVALID', `${path()} is not plain JSON data`, { path: path() });
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${write(v, () => `${path()}.${k}`)}`).join(',')}}`;
    }
    default:
      throw policyError('POLICY_INPUT_INVALID', `${path()} is not JSON data (${typeof value})`, { path: path() });
  }
}
