import { invalidArchive, tooLarge, unsafeEntry, type ExtractLimits } from './archiveErrors.js';
import { runExtractor } from './runExtractor.js';

/**
 * One member line of `tar -xvv --numeric-owner`, printed before the member is written: type and mode, owner,
 * size (or `major,minor`), date, time, name (GNU tar escapes control characters in it). `-vv` also prints
 * `Creating directory:` for parents the archive does not list.
 */
const MEMBER = /^([-dlhbcpC])([-rwxsStT]{9})\s+\d+\/\d+\s+(\d+|\d+,\s*\d+)\s+\d{4}-\d\d-\d\d \d\d:\d\d (.*)$/;
const IMPLICIT_DIR = /^\S{10}\s+Creating directory: /;

/** Checks one verbose line against the limits; counts in `acc`. Exported for the parser's own tests. */
export function checkTarLine(
  line: string,
  limits: ExtractLimits,
  byteLimit: number,
  archiveBytes: number,
  acc: { files: number; bytes: number },
): void {
  if (line === '') return;
  if (IMPLICIT_DIR.test(line)) {
    if (++acc.files > limits.maxFiles) throw tooLarge('files', limits.maxFiles, acc.files);
    return;
  }
  const m = MEMBER.exec(line);
  if (!m) throw invalidArchive(`unsupported tar member: ${JSON.stringify(line.slice(0, 200))}`);
  const [, type, mode, size, name] = m;
  if ('bcp'.includes(type)) throw unsafeEntry(name, 'is a device, fifo or socket');
  if (limits.setuid === 'refuse' && /[sS]/.test(mode[2] + mode[5])) throw unsafeEntry(name, 'is setuid or setgid');
  if (++acc.files > limits.maxFiles) throw tooLarge('files', limits.maxFiles, acc.files);
  if (type === '-' || type === 'C') acc.bytes += Number(size);
  if (acc.bytes > byteLimit) throw tooLarge('bytes', byteLimit, acc.bytes, archiveBytes);
}

/**
 * Extracts a tar (plain, gzip, xz, zstd, bzip2: GNU tar detects which) into `outDir` (existing, empty, owned by
 * the extractor uid) as that uid, never keeping owners or permissions. Each member's header is checked before
 * its bytes are written, so a bomb is stopped at the member that crosses the budget.
 */
export async function extractTar(
  file: string,
  outDir: string,
  limits: ExtractLimits,
  byteLimit: number,
  archiveBytes: number,
): Promise<void> {
  const acc = { files: 0, bytes: 0 };
  await runExtractor({
    cmd: 'tar',
    args: [
      '-x',
      '-vv',
      '--numeric-owner',
      '--no-same-owner',
      '--no-same-permissions',
      '--no-acls',
      '--no-xattrs',
      '--no-selinux',
      '--delay-directory-restore',
      '-f',
      '/dev/fd/3',
    ],
    cwd: outDir,
    archive: file,
    timeoutMs: limits.timeoutMs,
    maxFileBytes: byteLimit,
    onLine: (line) => checkTarLine(line, limits, byteLimit, archiveBytes, acc),
  });
}
