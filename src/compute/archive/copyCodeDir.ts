import { copyFileSync, cpSync, lstatSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tooLarge, unsafePath, type ExtractLimits } from './archiveErrors.js';

/** Counts a directory tree against the limits without following symlinks; refuses devices, fifos and sockets. */
function measure(dir: string, limits: ExtractLimits, acc = { files: 0, bytes: 0 }, rel = ''): void {
  for (const name of readdirSync(join(dir, rel))) {
    const r = rel ? `${rel}/${name}` : name;
    const st = lstatSync(join(dir, r));
    acc.files++;
    if (acc.files > limits.maxFiles) throw tooLarge('files', limits.maxFiles, acc.files);
    if (st.isDirectory()) { measure(dir, limits, acc, r); continue; }
    if (!st.isFile() && !st.isSymbolicLink()) throw unsafePath(r, 'is a device, fifo or socket');
    if (st.isFile()) acc.bytes += st.size;
    if (acc.bytes > limits.maxBytes) throw tooLarge('bytes', limits.maxBytes, acc.bytes);
  }
}

/**
 * 'plain' code: a directory is copied as a tree (symlinks kept as links: they only resolve inside the sandbox,
 * where the code is read-only), a single file is placed at the root of `destDir` under its own name.
 */
export function copyCodeDir(src: string, destDir: string, limits: ExtractLimits): void {
  const st = lstatSync(src);
  if (st.isDirectory()) {
    measure(src, limits);
    cpSync(src, destDir, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    return;
  }
  if (st.size > limits.maxBytes) throw tooLarge('bytes', limits.maxBytes, st.size);
  copyFileSync(src, join(destDir, basename(src)));
}
