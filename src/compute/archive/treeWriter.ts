import { closeSync, mkdirSync, openSync, symlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { invalidArchive, tooLarge, unsafeEntry, unsafePath, type ExtractLimits } from './archiveErrors.js';
import { LinkTable } from './safeArchivePath.js';

type Kind = 'dir' | 'file' | 'link';

/**
 * Materializes an archive's entries under `root` for extractors that parse the archive themselves (zip). Every
 * path is placed once: nothing is written through a file or symlink entry used as a directory, no entry appears
 * twice (the sandbox and the governance reader must see the same file), symlinks are checked together
 * ({@link LinkTable}) and created last, so no write can follow one. Files get 0644 or 0755, never setuid.
 */
export class TreeWriter {
  private readonly kinds = new Map<string, Kind>([['', 'dir']]);
  private readonly links: LinkTable;
  private readonly pendingLinks: Array<[string, string]> = [];
  private readonly made = new Set<string>(['']);
  private bytes = 0;

  constructor(private readonly root: string, private readonly limits: ExtractLimits, private readonly byteLimit: number, private readonly archiveBytes: number) {
    this.links = new LinkTable(limits.absoluteLinks);
  }

  private claim(rel: string, kind: Kind): void {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      const k = this.kinds.get(prefix);
      if (k === 'link') throw unsafePath(rel, `is written through the symlink '${prefix}'`);
      if (k === 'file') throw invalidArchive(`archive entry '${rel}' is below the file '${prefix}'`);
      if (k === undefined) this.count(prefix, 'dir');
    }
    const had = this.kinds.get(rel);
    if (had !== undefined) {
      if (had === 'dir' && kind === 'dir') return;
      throw invalidArchive(`archive entry '${rel}' appears twice`);
    }
    this.count(rel, kind);
  }

  private count(rel: string, kind: Kind): void {
    this.kinds.set(rel, kind);
    if (this.kinds.size - 1 > this.limits.maxFiles) throw tooLarge('files', this.limits.maxFiles, this.kinds.size - 1);
  }

  /** Charges `n` expanded bytes against the budget; throws ARCHIVE_TOO_LARGE past it. */
  charge(n: number): void {
    this.bytes += n;
    if (this.bytes > this.byteLimit) throw tooLarge('bytes', this.byteLimit, this.bytes, this.archiveBytes);
  }

  dir(rel: string): void {
    this.claim(rel, 'dir');
    this.mkdir(rel);
  }

  private mkdir(rel: string): void {
    if (this.made.has(rel)) return;
    mkdirSync(join(this.root, rel), { recursive: true, mode: 0o755 });
    for (let p = rel; p !== '' && !this.made.has(p); p = p.split('/').slice(0, -1).join('/')) this.made.add(p);
  }

  /** Writes a regular file; `fill` gets a writer it calls with each chunk (each charged as it comes). */
  file(rel: string, mode: number | null, fill: (write: (chunk: Uint8Array) => void) => void): void {
    if (mode !== null && mode & 0o6000 && this.limits.setuid === 'refuse') throw unsafeEntry(rel, 'is setuid or setgid');
    this.claim(rel, 'file');
    this.mkdir(rel.split('/').slice(0, -1).join('/'));
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
      try { symlinkSync(target, join(this.root, rel)); } catch (err) { throw invalidArchive(`cannot create symlink '${rel}': ${(err as Error).message}`, err); }
    }
  }
}
