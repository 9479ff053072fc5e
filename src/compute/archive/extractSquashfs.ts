import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { invalidArchive, tooLarge, unsafePath, type ExtractLimits } from './archiveErrors.js';
import { safeArchivePath } from './safeArchivePath.js';

const run = promisify(execFile);

/**
 * Lists a squashfs image (`unsquashfs -lls`) and checks it before extracting: entry count, total size (sparse
 * files count at their apparent size), names, and no device nodes/fifos/sockets (unsquashfs as root would create
 * real device nodes).
 */
async function checkListing(file: string, limits: ExtractLimits): Promise<void> {
  let stdout: string;
  try {
    ({ stdout } = await run('unsquashfs', ['-n', '-lls', '-d', 'R', file], { maxBuffer: 256 * 1024 * 1024 }));
  } catch (e) {
    throw invalidArchive(`not a readable squashfs image: ${((e as { stderr?: string }).stderr ?? (e as Error).message).trim().split('\n').pop()}`, e);
  }
  let files = 0;
  let bytes = 0;
  for (const line of stdout.split('\n')) {
    // e.g. "-rw-r--r-- root/root  1234 2024-01-01 00:00 R/path/to/file" ; symlinks end in " -> target"
    const m = line.match(/^([-dlbcps])\S{9}\s+\S+\s+(\d+)\s+\S+\s+\S+\s+R(\/.*)?$/);
    if (!m) continue;
    const [, type, size, path = ''] = m;
    const name = type === 'l' ? path.replace(/ -> .*$/, '') : path;
    if (name === '') continue;
    safeArchivePath(name.slice(1));
    if ('bcps'.includes(type)) throw unsafePath(name.slice(1), 'is a device, fifo or socket');
    files++;
    if (type === '-') bytes += Number(size);
    if (files > limits.maxFiles) throw tooLarge('files', limits.maxFiles, files);
    if (bytes > limits.maxBytes) throw tooLarge('bytes', limits.maxBytes, bytes);
  }
}

/** Extracts a squashfs image into `destDir` (which must not exist yet). */
export async function extractSquashfs(file: string, destDir: string, limits: ExtractLimits): Promise<void> {
  await checkListing(file, limits);
  try {
    await run('unsquashfs', ['-n', '-no-xattrs', '-d', destDir, file], { maxBuffer: 16 * 1024 * 1024 });
  } catch (e) {
    throw invalidArchive(`unsquashfs failed: ${((e as { stderr?: string }).stderr ?? (e as Error).message).trim().split('\n').pop()}`, e);
  }
}
