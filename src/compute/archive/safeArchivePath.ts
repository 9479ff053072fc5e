import { unsafePath } from './archiveErrors.js';

/** Longest symlink target kept (Linux's PATH_MAX). */
export const MAX_LINK_TARGET = 4096;
/** Symlinks followed while resolving one target, as the kernel's own bound (ELOOP past 40). */
const MAX_FOLLOWS = 40;

/**
 * Checks an entry name from an archive (untrusted) and returns it normalised, relative, without trailing '/'.
 * Refuses anything that could land outside the destination ("zip slip"): absolute paths, drive letters, '..'
 * segments, NUL and backslashes (a separator to Windows tools, so never meant literally).
 * Returns '' for the archive root itself ('./').
 */
export function safeArchivePath(putativeName: string): string {
  const name = putativeName;
  if (name.includes('\0')) throw unsafePath(name, 'contains NUL');
  if (name.includes('\\')) throw unsafePath(name, 'contains a backslash');
  if (name.startsWith('/')) throw unsafePath(name, 'is absolute');
  if (/^[A-Za-z]:/.test(name)) throw unsafePath(name, 'is absolute (a drive letter)');
  const parts: string[] = [];
  for (const seg of name.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') throw unsafePath(name, 'climbs out with ".."');
    parts.push(seg);
  }
  return parts.join('/');
}

/**
 * Every symlink of one extracted tree (relative path -> target), checked together: a target is resolved the way
 * the kernel would, following the other links of the tree at each component, so `p -> .` then `e -> p/p/../..`
 * is seen to climb out even though each link alone looks harmless.
 */
export class LinkTable {
  private readonly links = new Map<string, string>();

  constructor(private readonly absolute: 'refuse' | 'root') {}

  add(relPath: string, target: string): void {
    if (target.length === 0 || target.length > MAX_LINK_TARGET) throw unsafePath(relPath, `is a symlink with a ${target.length}-byte target`);
    if (target.includes('\0')) throw unsafePath(relPath, 'is a symlink whose target contains NUL');
    this.links.set(relPath, target);
  }

  has(relPath: string): boolean {
    return this.links.has(relPath);
  }

  get size(): number {
    return this.links.size;
  }

  /** Throws ARCHIVE_UNSAFE_PATH for the first link whose target resolves outside the root. */
  checkAll(): void {
    for (const [path, target] of this.links) {
      const budget = { follows: 0 };
      const dir = path.split('/').slice(0, -1);
      if (this.walk(dir, target, budget) === null) {
        throw unsafePath(path, `is a symlink to '${target}', outside the archive${budget.follows > MAX_FOLLOWS ? ' (or a loop)' : ''}`);
      }
    }
  }

  /** The real directory path `target` reaches from `cur`, or null when it leaves the root or loops. */
  private walk(cur: string[], target: string, budget: { follows: number }): string[] | null {
    if (target.startsWith('/')) {
      if (this.absolute === 'refuse') return null;
      cur = [];
    }
    for (const seg of target.split('/')) {
      if (seg === '' || seg === '.') continue;
      if (seg === '..') {
        if (cur.length === 0) return null;
        cur.pop();
        continue;
      }
      const next = [...cur, seg].join('/');
      const link = this.links.get(next);
      if (link === undefined) { cur.push(seg); continue; }
      if (++budget.follows > MAX_FOLLOWS) return null;
      const reached = this.walk([...cur], link, budget);
      if (reached === null) return null;
      cur = reached;
    }
    return cur;
  }
}
