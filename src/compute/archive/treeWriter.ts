import { closeSync, mkdirSync, openSync, symlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { invalidArchive, tooLarge, unsafeEntry, unsafePath, type ExtractLimits } from './archiveErrors.js';
import { LinkTable } from './safeArchivePath.js';

type Kind = 'dir' | 'file' | 'link';
interface Node {
  kind: Kind;
  made: boolean;
  children: Map<string, Node>;
}

/**
 * Materializes an archive's entries under `root` for extractors that parse the archive themselves (zip). Every
 * path is placed once: nothing is written through a file or symlink entry used as a directory, no entry appears
 * twice (the sandbox and the governance reader must see the same file), symlinks are checked together
 * ({@link LinkTable}) and created last, so no write can follow one. Files get 0644 or 0755, never setuid.
 * Paths are kept as a trie: placing an entry costs its length, however many components it has.
 */
export class TreeWriter {
  private readonly top: Node = { kind: 'dir', made: true, children: new Map() };
  private readonly links: LinkTable;
  private readonly pendingLinks: Array<[string, string]> = [];
  private entries = 0;
  private bytes = 0;

  constructor(
    private readonly root: string,
    private readonly limits: ExtractLimits,
    private readonly byteLimit: number,
    private readonly archiveBytes: number,
  ) {
    this.links = new LinkTable(limits.absoluteLinks);
  }

  /** Places `rel` as `kind`; returns the chain of nodes from the top to it (the parents first). */
  private claim(rel: string, kind: Kind): Node[] {
    const segs = rel.split('/');
    const chain: Node[] = [this.top];
    let node = this.top;
    for (let i = 0; i < segs.length - 1; i++) {
      let next = node.children.get(segs[i]);
      if (next?.kind === 'link')
        throw unsafePath(rel, `is written through the symlink '${segs.slice(0, i + 1).join('/')}'`);
      if (next?.kind === 'file')
        throw invalidArchive(`archive entry '${rel}' is below the file '${segs.slice(0, i + 1).join('/')}'`);
      if (!next) {
        node.children.set(segs[i], (next = { kind: 'dir', made: false, children: new Map() }));
        this.count();
      }
      chain.push((node = next));
    }
    const last = segs[segs.length - 1];
    const had = node.children.get(last);
    if (had) {
      if (had.kind === 'dir' && kind === 'dir') return [...chain, had];
      throw invalidArchive(`archive entry '${rel}' appears twice`);
    }
    const leaf: Node = { kind, made: false, children: new Map() };
    node.children.set(last, leaf);
    this.count();
    return [...chain, leaf];
  }

  private count(): void {
    if (++this.entries > this.limits.maxFiles) throw tooLarge('files', this.limits.maxFiles, this.entries);
  }

  /** Creates the directories of `chain` not made yet (one mkdir for the deepest missing one). */
  private mkdirs(rel: string, chain: Node[]): void {
    if (chain.every((n) => n.made)) return;
    mkdirSync(join(this.root, rel), { recursive: true, mode: 0o755 });
    for (const n of chain) n.made = true;
  }

  /** Charges `n` expanded bytes against the budget; throws ARCHIVE_TOO_LARGE past it. */
  charge(n: number): void {
    this.bytes += n;
    if (this.bytes > this.byteLimit) throw tooLarge('bytes', this.byteLimit, this.bytes, this.archiveBytes);
  }

  dir(rel: string): void {
    this.mkdirs(rel, this.claim(rel, 'dir'));
  }

  /** Writes a regular file; `fill` gets a writer it calls with each chunk (each charged as it comes). */
  file(rel: string, mode: number | null, fill: (write: (chunk: Uint8Array) => void) => void): void {
    if (mode !== null && mode & 0o6000 && this.limits.setuid === 'refuse')
      throw unsafeEntry(rel, 'is setuid or setgid');
    const chain = this.claim(rel, 'file');
    this.mkdirs(rel.slice(0, Math.max(0, rel.lastIndexOf('/'))), chain.slice(0, -1));
    // O_EXCL: the path is new (claim() saw it once), so nothing there to follow or overwrite.
    const fd = openSync(join(this.root, rel), 'wx', mode !== null && mode & 0o111 ? 0o755 : 0o644);
    try {
      fill((chunk) => {
        this.charge(chunk.length);
        writeSync(fd, chunk);
      });
    } finally {
      closeSync(fd);
    }
  }

  link(rel: string, target: string): void {
    this.claim(rel, 'link');
    this.links.add(rel, target);
    this.pendingLinks.push([rel, target]);
  }

  /** Checks every symlink against the whole tree, then creates them. */
  finish(): void {
    this.links.checkAll();
    for (const [rel, target] of this.pendingLinks) {
      try {
        symlinkSync(target, join(this.root, rel));
      } catch (err) {
        throw invalidArchive(`cannot create symlink '${rel}': ${(err as Error).message}`, err);
      }
    }
  }
}
