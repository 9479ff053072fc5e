import { readFileSync } from 'node:fs';
import { Inflate } from 'fflate';
import { byteBudget, invalidArchive, tooLarge, unsafeEntry, type ExtractLimits } from './archiveErrors.js';
import { readZipDirectory, type ZipEntry } from './readZipDirectory.js';
import { MAX_LINK_TARGET, safeArchivePath } from './safeArchivePath.js';
import { TreeWriter } from './treeWriter.js';

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;
/** Compressed bytes fed to inflate per step: deflate expands at most ~1032x, so one step stays under ~16 MiB. */
const STEP = 16 * 1024;

/** Inflates one entry into `write`, which counts every real output byte, so a lying header expands no further than the budget. */
function inflateEntry(buf: Uint8Array, e: ZipEntry, write: (chunk: Uint8Array) => void): number {
  const data = buf.subarray(e.dataOffset, e.dataOffset + e.compressedSize);
  if (e.method === 0) {
    write(data);
    return data.length;
  }
  if (e.method !== 8)
    throw invalidArchive(`zip entry '${e.name}' uses compression method ${e.method} (only stored and deflate)`);
  let size = 0;
  const inf = new Inflate((chunk) => {
    size += chunk.length;
    write(chunk);
  });
  try {
    for (let i = 0; i < data.length; i += STEP) inf.push(data.subarray(i, i + STEP), i + STEP >= data.length);
    if (data.length === 0) inf.push(new Uint8Array(0), true);
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('ARCHIVE_')) throw err;
    throw invalidArchive(`zip entry '${e.name}' is corrupt: ${(err as Error).message}`, err);
  }
  return size;
}

/**
 * Extracts a zip into `destDir` (which must be empty) through a {@link TreeWriter}: declared sizes, entry count
 * and ratio are checked before anything is inflated, real bytes while inflating. Runs in an extraction worker,
 * never on a node's event loop.
 */
export function extractZip(archivePath: string, destDir: string, limits: ExtractLimits): void {
  const buf = readFileSync(archivePath);
  const entries = readZipDirectory(buf, limits.maxFiles);
  const budget = byteBudget(limits, buf.length);
  const declared = entries.reduce((s, e) => s + e.declaredSize, 0);
  if (declared > budget) throw tooLarge('bytes', budget, declared, buf.length);

  const tree = new TreeWriter(destDir, limits, budget, buf.length);
  for (const e of entries) {
    const rel = safeArchivePath(e.name);
    if (rel === '') continue;
    const type =
      e.unixMode === null || (e.unixMode & S_IFMT) === 0
        ? e.name.endsWith('/')
          ? S_IFDIR
          : S_IFREG
        : e.unixMode & S_IFMT;
    if (type === S_IFDIR) {
      tree.dir(rel);
      continue;
    }
    if (type === S_IFLNK) {
      if (e.declaredSize > MAX_LINK_TARGET)
        throw invalidArchive(`zip entry '${e.name}' is a symlink with a ${e.declaredSize}-byte target`);
      const chunks: Uint8Array[] = [];
      let n = 0;
      inflateEntry(buf, e, (c) => {
        n += c.length;
        if (n > MAX_LINK_TARGET)
          throw invalidArchive(`zip entry '${e.name}' is a symlink with a target over ${MAX_LINK_TARGET} bytes`);
        tree.charge(c.length);
        chunks.push(c.slice());
      });
      tree.link(rel, new TextDecoder().decode(Buffer.concat(chunks)));
      continue;
    }
    if (type !== S_IFREG) throw unsafeEntry(e.name, 'is a device, fifo or socket');
    let written = 0;
    tree.file(rel, e.unixMode, (write) => {
      written = inflateEntry(buf, e, write);
    });
    if (written !== e.declaredSize)
      throw invalidArchive(`zip entry '${e.name}' is ${written} bytes, its header says ${e.declaredSize}`);
  }
  tree.finish();
}
