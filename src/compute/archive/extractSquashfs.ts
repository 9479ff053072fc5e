import { invalidArchive, tooLarge, unsafeEntry, type ExtractLimits } from './archiveErrors.js';
import { runExtractor } from './runExtractor.js';

/**
 * One line of `unsquashfs -lln -d R`: type and mode, numeric owner, size (or `major, minor` for a device, padded
 * as `1,  3`), date, time, then the path. Only type, mode and size are trusted from it; the extracted tree is
 * checked again on disk (verifyTree), so the path is kept for messages only.
 */
const LINE = /^([-dlbcps])([-rwxsStT]{9})\s+\d+\/\d+\s+(\d+|\d+,\s*\d+)\s+\d{4}-\d\d-\d\d \d\d:\d\d R(\/.*)?$/;

/** Checks one listing line against the limits; counts in `acc`. Exported for the parser's own tests. */
export function checkListingLine(
  line: string,
  limits: ExtractLimits,
  byteLimit: number,
  archiveBytes: number,
  acc: { files: number; bytes: number },
): void {
  if (line === '') return;
  const m = LINE.exec(line);
  // A name with a newline in it splits its line: refuse rather than guess what the rest was.
  if (!m) throw invalidArchive(`unexpected squashfs listing line: ${JSON.stringify(line.slice(0, 200))}`);
  const [, type, mode, size, path = ''] = m;
  if (path === '') return;
  const name = type === 'l' ? path.slice(1).replace(/ -> .*$/, '') : path.slice(1);
  if ('bcps'.includes(type)) throw unsafeEntry(name, 'is a device, fifo or socket');
  if (limits.setuid === 'refuse' && /[sS]/.test(mode[2] + mode[5])) throw unsafeEntry(name, 'is setuid or setgid');
  if (++acc.files > limits.maxFiles) throw tooLarge('files', limits.maxFiles, acc.files);
  if (type === '-') acc.bytes += Number(size);
  if (acc.bytes > byteLimit) throw tooLarge('bytes', byteLimit, acc.bytes, archiveBytes);
}

/**
 * Extracts a squashfs image into `stageDir/<outName>` (absent) as the unprivileged extractor uid. The listing
 * (sizes count at their apparent size, sparse files included) is checked first, so a bomb is refused before a
 * byte is written; both passes run as that uid, so a parser bug in unsquashfs gains nothing on the host.
 */
export async function extractSquashfs(
  file: string,
  stageDir: string,
  outName: string,
  limits: ExtractLimits,
  byteLimit: number,
  archiveBytes: number,
): Promise<void> {
  const acc = { files: 0, bytes: 0 };
  const deadline = Date.now() + limits.timeoutMs;
  await runExtractor({
    cmd: 'unsquashfs',
    args: ['-n', '-lln', '-d', 'R', '/dev/fd/3'],
    cwd: stageDir,
    archive: file,
    timeoutMs: limits.timeoutMs,
    onLine: (line) => checkListingLine(line, limits, byteLimit, archiveBytes, acc),
  }).catch((e: unknown) => {
    if ((e as { code?: string }).code === 'ARCHIVE_INVALID' && /unsquashfs failed/.test((e as Error).message)) {
      throw invalidArchive(
        `not a readable squashfs image: ${(e as Error).message.replace(/^unsquashfs failed: /, '')}`,
        e,
      );
    }
    throw e;
  });
  await runExtractor({
    cmd: 'unsquashfs',
    args: ['-n', '-no-xattrs', '-d', outName, '/dev/fd/3'],
    cwd: stageDir,
    archive: file,
    timeoutMs: Math.max(1000, deadline - Date.now()),
    maxFileBytes: byteLimit,
  });
}
