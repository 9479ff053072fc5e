import { unsafePath } from './archiveErrors.js';

/** Longest symlink target kept, and longest entry name (Linux's PATH_MAX). */
export const MAX_LINK_TARGET = 4096;
const MAX_PATH = 4096;
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
  if (name.length > MAX_PATH) throw unsafePath(`${name.slice(0, 100)}…`, `is longer than ${MAX_PATH} characters`);
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

/** Resolution steps (path components walked) for all the links of one tree: past it the tree is refused. */
const MAX_STEPS = 4_000_000;

interface PathNode {
  parent: PathNode | null;
  children: Map<string, PathNode>;
  link?: string;
  rel: string;
}
interface Place {
  node: PathNode;
  depth: number;
}

/**
 * Every symlink of one extracted tree (relative path -> target), checked together: a target is resolved the way
 * the kernel would, following the other links of the tree at each component, so `p -> .` then `e -> p/p/../..`
 * is seen to climb out even though each link alone looks harmless. Paths are nodes of a trie, so a step costs
 * one lookup however deep the path; the steps of all links together are bounded.
 */
export class LinkTable {
  private readonly root: PathNode = { parent: null, children: new Map(), rel: '' };
  private readonly links: PathNode[] = [];

  constructor(private readonly absolute: 'refuse' | 'root') {}

  private child(node: PathNode, seg: string): PathNode {
    let c = node.children.get(seg);
    if (!c)
      node.children.set(
        seg,
        (c = { parent: node, children: new Map(), rel: node.rel === '' ? seg : `${node.rel}/${seg}` }),
      );
    return c;
  }

  add(relPath: string, target: string): void {
    if (target.length === 0 || target.length > MAX_LINK_TARGET)
      throw unsafePath(relPath, `is a symlink with a ${target.length}-byte target`);
    if (target.includes('\0')) throw unsafePath(relPath, 'is a symlink whose target contains NUL');
    let node = this.root;
    for (const seg of relPath.split('/')) node = this.child(node, seg);
    node.link = target;
    this.links.push(node);
  }

  get size(): number {
    return this.links.length;
  }

  /** Throws ARCHIVE_UNSAFE_PATH for the first link whose target resolves outside the root (or loops). */
  checkAll(): void {
    const steps = { left: MAX_STEPS };
    for (const node of this.links) {
      const budget = { follows: 0 };
      if (this.walk({ node: node.parent!, depth: 0 }, node.link!, budget, steps) === null) {
        throw unsafePath(
          node.rel,
          `is a symlink to '${node.link}', outside the archive${budget.follows > MAX_FOLLOWS ? ' (or a loop)' : ''}`,
        );
      }
    }
  }

  /**
   * Where `target` reaches from `at`: a node of the trie plus `depth` components below it that no entry has
   * (nothing there can be a link, so only '..' matters; no node is made for them). Null when it leaves the root.
   */
  private walk(at: Place, target: string, budget: { follows: number }, steps: { left: number }): Place | null {
    let { node, depth } = target.startsWith('/') ? { node: this.root, depth: 0 } : at;
    if (target.startsWith('/') && this.absolute === 'refuse') return null;
    for (const seg of target.split('/')) {
      if (--steps.left < 0)
        throw unsafePath(target.slice(0, 100), 'is one of symlinks too many or too tangled to resolve');
      if (seg === '' || seg === '.') continue;
      if (seg === '..') {
        if (depth > 0) {
          depth--;
          continue;
        }
        if (node.parent === null) return null;
        node = node.parent;
        continue;
      }
      const next = depth === 0 ? node.children.get(seg) : undefined;
      if (!next) {
        depth++;
        continue;
      }
      if (next.link === undefined) {
        node = next;
        continue;
      }
      if (++budget.follows > MAX_FOLLOWS) return null;
      const reached = this.walk({ node, depth: 0 }, next.link, budget, steps);
      if (reached === null) return null;
      ({ node, depth } = reached);
    }
    return { node, depth };
  }
}
