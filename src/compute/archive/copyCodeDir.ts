import { copyFileSync, cpSync, lstatSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tooLarge, type ExtractLimits } from './archiveErrors.js';

/** Counts a directory tree against the limits without following symlinks, before anything is copied. */
function measure(dir: string, limits: ExtractLimits): void {
  let files = 0;
  let bytes = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop()!;
    for (const name of readdirSync(d)) {
      const st = lstatSync(join(d, name));
      if (++files > limits.maxFiles) throw tooLarge('files', limits.maxFiles, files);
      if (st.isDirectory()) stack.push(join(d, name));
      else if (st.isFile()) bytes += st.size;
      if (bytes > limits.maxBytes) throw tooLarge('bytes', limits.maxBytes, bytes);
    }
  }
}

/**
 * 'plain' code: a directory is copied as a tree (symlinks kept as links; verifyTree then checks them, refuses
 * devices and fixes modes), a single file is placed at the root of `destDir` under its own name.
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
