import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { AlephError } from '../../errors.js';
import { DEFAULT_EXTRACT_LIMITS, invalidArchive, type ExtractLimits } from './archiveErrors.js';
import { copyCodeDir } from './copyCodeDir.js';
import { extractSquashfs } from './extractSquashfs.js';
import { extractZip } from './extractZip.js';

export type { ExtractLimits } from './archiveErrors.js';

/**
 * Unpacks a program's code (untrusted) into `destDir`, which must be absent or empty.
 * Work happens in a sibling directory renamed into place, so a refused archive leaves nothing behind.
 * Refusals: ARCHIVE_UNSAFE_PATH (zip slip, links out, device nodes), ARCHIVE_TOO_LARGE, ARCHIVE_INVALID.
 * @example await extractCode('/store/abc.zip', 'zip', '/var/lib/aleph/code/abc')
 */
export async function extractCode(archivePath: string, encoding: 'plain' | 'zip' | 'squashfs', destDir: string, limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS): Promise<void> {
  if (!existsSync(archivePath)) throw invalidArchive(`code archive ${archivePath} does not exist`);
  if (existsSync(destDir) && readdirSync(destDir).length > 0) {
    throw new AlephError('ARCHIVE_DEST_NOT_EMPTY', `${destDir} is not empty`, { hint: 'extract each code version into its own directory', status: 500 });
  }
  mkdirSync(dirname(destDir), { recursive: true });
  const tmp = `${destDir}.partial-${process.pid}-${Date.now().toString(36)}`;
  try {
    if (encoding === 'squashfs') {
      await extractSquashfs(archivePath, tmp, limits);
    } else {
      mkdirSync(tmp);
      if (encoding === 'zip') extractZip(archivePath, tmp, limits);
      else if (encoding === 'plain') copyCodeDir(archivePath, tmp, limits);
      else throw invalidArchive(`unknown code encoding '${String(encoding)}'`);
    }
    rmSync(destDir, { recursive: true, force: true });
    renameSync(tmp, destDir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
