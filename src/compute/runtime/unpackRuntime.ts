import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, openSync, readSync, closeSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { invalidArchive, type ExtractLimits } from '../archive/archiveErrors.js';
import { extractSquashfs } from '../archive/extractSquashfs.js';
import { extractZip } from '../archive/extractZip.js';

const run = promisify(execFile);

/** Runtimes are bigger than code; these limits only stop a runaway image from filling the disk. */
const RUNTIME_LIMITS: ExtractLimits = { maxBytes: 4 * 1024 * 1024 * 1024, maxFiles: 1_000_000 };

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

function magic(file: string): 'squashfs' | 'zip' | 'tar' {
  const fd = openSync(file, 'r');
  const b = Buffer.alloc(4);
  try { readSync(fd, b, 0, 4, 0); } finally { closeSync(fd); }
  if (b.toString('latin1') === 'hsqs') return 'squashfs';
  if (b[0] === 0x50 && b[1] === 0x4b) return 'zip';
  return 'tar'; // plain or gzip/xz/zstd-compressed; GNU tar detects which when extracting
}

/**
 * Extracts a STOREd runtime (squashfs, zip or tar) into `cacheDir/<sha256 of the file>` and returns that dir.
 * Keyed by content, so the same runtime is extracted once however many programs use it, and a changed file
 * can never be served from a stale extraction.
 * @example const rootDir = await unpackRuntime('/store/python.squashfs', '/var/cache/aleph/runtimes')
 */
export async function unpackRuntime(file: string, cacheDir: string): Promise<string> {
  if (!existsSync(file)) throw invalidArchive(`runtime file ${file} does not exist`);
  const rootDir = join(cacheDir, await sha256File(file));
  if (existsSync(rootDir)) return rootDir;
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${rootDir}.partial-${process.pid}-${Date.now().toString(36)}`;
  try {
    const kind = magic(file);
    if (kind === 'squashfs') await extractSquashfs(file, tmp, RUNTIME_LIMITS);
    else if (kind === 'zip') { mkdirSync(tmp); extractZip(file, tmp, RUNTIME_LIMITS); }
    else {
      mkdirSync(tmp);
      // GNU tar already refuses '..' members and strips leading '/'.
      await run('tar', ['-xf', file, '-C', tmp, '--no-same-owner', '--delay-directory-restore'], { maxBuffer: 16 * 1024 * 1024 })
        .catch((e: { stderr?: string }) => { throw invalidArchive(`cannot extract runtime: ${(e.stderr ?? '').trim()}`, e); });
    }
    // Another process may have won the race; its extraction is identical (same hash).
    if (existsSync(rootDir)) rmSync(tmp, { recursive: true, force: true });
    else renameSync(tmp, rootDir);
    return rootDir;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
