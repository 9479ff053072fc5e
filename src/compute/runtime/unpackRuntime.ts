import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { invalidArchive, type ExtractLimits } from '../archive/archiveErrors.js';
import { runExtraction } from '../archive/runExtraction.js';
import { sniffArchive } from '../archive/sniffArchive.js';

/**
 * Runtimes are bigger than code (the node one unpacks to ~100 MiB from ~37 MiB of squashfs), so the caps are
 * wider, but a runtime is as untrusted as code: bounded in bytes, entries and ratio, no devices or fifos, setuid
 * bits stripped (a distribution rootfs has setuid su/mount; nothing in a sandbox may use them), absolute
 * symlinks resolved against the runtime's own root (it is `/` in the sandbox).
 */
export const RUNTIME_LIMITS: ExtractLimits = {
  maxBytes: 2 * 1024 * 1024 * 1024,
  maxFiles: 200_000,
  maxRatio: 20,
  timeoutMs: 600_000,
  setuid: 'strip',
  absoluteLinks: 'root',
};

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Extracts a STOREd runtime (squashfs, zip or tar) into `cacheDir/<sha256 of the file>` and returns that dir.
 * Keyed by content, so the same runtime is extracted once however many programs use it, and a changed file
 * can never be served from a stale extraction. Extraction runs in a worker, its tools as an unprivileged uid.
 * @example const rootDir = await unpackRuntime('/store/python.squashfs', '/var/lib/aleph/compute/runtimes')
 */
export async function unpackRuntime(
  file: string,
  cacheDir: string,
  limits: Partial<ExtractLimits> = {},
): Promise<string> {
  if (!existsSync(file)) throw invalidArchive(`runtime file ${file} does not exist`);
  const rootDir = join(cacheDir, await sha256File(file));
  if (existsSync(rootDir)) return rootDir;
  // Another process may win the race; its extraction is identical (same hash) and is kept.
  // Neither squashfs nor zip: a tar, plain or gzip/xz/zstd-compressed (GNU tar detects which when extracting).
  await runExtraction({
    file,
    kind: sniffArchive(file) ?? 'tar',
    destDir: rootDir,
    limits: { ...RUNTIME_LIMITS, ...limits },
    ifExists: 'keep',
  });
  return rootDir;
}
