/** Splits a TOML table header like `[interface."structs".Point]` into its path. */
function headerPath(line: string): string[] | null {
  const m = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(line);
  if (!m) return null;
  return m[1].split('.').map((part) => part.trim().replace(/^["']|["']$/g, ''));
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Finds the 1-based line of a TOML key or table by its path, so semantic manifest errors can point
 * at a line just like syntax errors do. Best effort: returns undefined when the key is not written
 * in a form it recognises (e.g. inside an inline table).
 *
 * @example
 * locateLine('name = "x"\n[interface.structs.Point]\nx = "u32"\n', ['interface', 'structs', 'Point', 'x']); // 3
 */
export function locateLine(text: string, path: string[]): number | undefined {
  const lines = text.split('\n');
  const tables: Array<string[]> = lines.map(() => []);
  let current: string[] = [];
  lines.forEach((line, i) => {
    current = headerPath(line) ?? current;
    tables[i] = current;
  });
  const exact = lines.findIndex((line) => {
    const h = headerPath(line);
    return h !== null && same(h, path);
  });
  if (exact >= 0) return exact + 1;
  for (let k = path.length - 1; k >= 0; k--) {
    const table = path.slice(0, k);
    const rest = path.slice(k).map(escapeRegExp).join('\\s*\\.\\s*');
    const re = new RegExp(`^\\s*["']?${rest}["']?\\s*=`);
    const hit = lines.findIndex((line, i) => same(tables[i], table) && headerPath(line) === null && re.test(line));
    if (hit >= 0) return hit + 1;
  }
  return undefined;
}
