import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { zipSync, type Zippable, type ZipOptions } from 'fflate';

// DOS timestamps are local wall-clock fields: building the date from local components makes every
// machine, whatever its time zone, write the same bytes (1980-01-01 00:00, the earliest DOS date).
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);
const UNIX = 3;

/**
 * Options of {@link zipDirectory}.
 * @example
 * zipDirectory('./hello', { level: 9, exclude: (p) => p.startsWith('.git') });
 */
export interface ZipDirectoryOptions {
  /** Deflate level, 0 (store) to 9; default 6. */
  level?: ZipOptions['level'];
  /** Skip entries for which this returns true (path relative to the directory, `/`-separated). */
  exclude?: (relativePath: string) => boolean;
}

/**
 * Lists a directory's files and sub-directories recursively, sorted by `/`-separated relative path.
 * Symlinks are followed for files; directories reached through a symlink are skipped (no cycles).
 * @example
 * listTree('./my-program'); // [{ path: 'main.py', abs: '/…/main.py', dir: false, mode: 0o100644 }, …]
 */
export function listTree(
  root: string,
  exclude?: (p: string) => boolean,
): { path: string; abs: string; dir: boolean; mode: number }[] {
  const out: { path: string; abs: string; dir: boolean; mode: number }[] = [];
  const walk = (absDir: string, relDir: string): void => {
    for (const name of readdirSync(absDir).sort()) {
      const abs = join(absDir, name);
      const rel = relDir ? posix.join(relDir, name) : name;
      if (exclude?.(rel)) continue;
      const st = statSync(abs);
      if (st.isDirectory()) {
        out.push({ path: rel + '/', abs, dir: true, mode: 0o40755 });
        walk(abs, rel);
      } else if (st.isFile()) {
        // Keep only the executable bit: run.sh must stay runnable, nothing else about the host leaks in.
        out.push({ path: rel, abs, dir: false, mode: st.mode & 0o111 ? 0o100755 : 0o100644 });
      }
    }
  };
  walk(root, '');
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Zips a directory deterministically: entries sorted, fixed timestamps, normalized permissions, so the
 * same tree always gives the same bytes and therefore the same STORE hash (uploading twice is a no-op).
 * @example
 * const bytes = zipDirectory('./my-program');
 * writeFileSync('code.zip', bytes);
 */
export function zipDirectory(dir: string, opts: ZipDirectoryOptions = {}): Uint8Array {
  const entries: Zippable = {};
  for (const e of listTree(dir, opts.exclude)) {
    const attrs = { mtime: FIXED_MTIME, os: UNIX, attrs: (e.mode << 16) >>> 0 };
    entries[e.path] = e.dir
      ? [new Uint8Array(0), { ...attrs, level: 0 }]
      : [new Uint8Array(readFileSync(e.abs)), attrs];
  }
  return zipSync(entries, { level: opts.level ?? 6, mtime: FIXED_MTIME });
}
