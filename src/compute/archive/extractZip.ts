import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Inflate } from 'fflate';
import { invalidArchive, tooLarge, unsafePath, type ExtractLimits } from './archiveErrors.js';
import { readZipDirectory, type ZipEntry } from './readZipDirectory.js';
import { safeArchivePath, symlinkStaysInside } from './safeArchivePath.js';

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;
/** Compressed bytes fed to inflate per step: deflate expands at most ~1032x, so one step stays under ~16 MiB. */
const STEP = 16 * 1024;

/** Inflates one entry, counting real output bytes so a lying header cannot expand past the budget. */
function inflateEntry(buf: Uint8Array, e: ZipEntry, budget: { left: number; limit: number; used: number }): Uint8Array {
  const data = buf.subarray(e.dataOffset, e.dataOffset + e.compressedSize);
  const take = (n: number) => {
    budget.used += n;
    budget.left -= n;
    if (budget.left < 0) throw tooLarge('bytes', budget.limit, budget.used);
  };
  if (e.method === 0) { take(data.length); return data; }
  if (e.method !== 8) throw invalidArchive(`zip entry '${e.name}' uses compression method ${e.method} (only stored and deflate)`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const inf = new Inflate((chunk) => { chunks.push(chunk); size += chunk.length; take(chunk.length); });
  try {
    for (let i = 0; i < data.length; i += STEP) inf.push(data.subarray(i, i + STEP), i + STEP >= data.length);
    if (data.length === 0) inf.push(new Uint8Array(0), true);
  } catch (err) {
    if ((err as { code?: string }).code === 'ARCHIVE_TOO_LARGE') throw err;
    throw invalidArchive(`zip entry '${e.name}' is corrupt: ${(err as Error).message}`, err);
  }
  const out = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  return out;
}

/**
 * Extracts a zip into `destDir` (which must be empty). Regular files first; symlinks last and only when they
 * point inside the archive, so no later entry can be written through a link to outside.
 */
export function extractZip(archivePath: string, destDir: string, limits: ExtractLimits): void {
  const buf = readFileSync(archivePath);
  const entries = readZipDirectory(buf);
  if (entries.length > limits.maxFiles) throw tooLarge('files', limits.maxFiles, entries.length);
  const declared = entries.reduce((s, e) => s + e.declaredSize, 0);
  if (declared > limits.maxBytes) throw tooLarge('bytes', limits.maxBytes, declared);

  const budget = { left: limits.maxBytes, limit: limits.maxBytes, used: 0 };
  const links: Array<{ path: string; target: string }> = [];
  for (const e of entries) {
    const rel = safeArchivePath(e.name);
    if (rel === '') continue;
    const type = e.unixMode === null || (e.unixMode & S_IFMT) === 0 ? (e.name.endsWith('/') ? S_IFDIR : S_IFREG) : e.unixMode & S_IFMT;
    const full = join(destDir, rel);
    if (type === S_IFDIR) { mkdirSync(full, { recursive: true }); continue; }
    const content = inflateEntry(buf, e, budget);
    if (type === S_IFLNK) {
      const target = new TextDecoder().decode(content);
      if (!symlinkStaysInside(rel, target)) throw unsafePath(e.name, `is a symlink to '${target}', outside the archive`);
      links.push({ path: rel, target });
      continue;
    }
    if (type !== S_IFREG) throw unsafePath(e.name, 'is a device, fifo or socket');
    if (content.length !== e.declaredSize) throw invalidArchive(`zip entry '${e.name}' is ${content.length} bytes, its header says ${e.declaredSize}`);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    // Keep the executable bits (run.sh), never setuid/setgid/sticky.
    chmodSync(full, e.unixMode !== null && e.unixMode & 0o111 ? 0o755 : 0o644);
  }
  for (const l of links) {
    mkdirSync(dirname(join(destDir, l.path)), { recursive: true });
    try { symlinkSync(l.target, join(destDir, l.path)); } catch (err) { throw invalidArchive(`cannot create symlink '${l.path}': ${(err as Error).message}`, err); }
  }
}
