import { DEFAULT_EXTRACT_LIMITS, type ExtractLimits } from './archiveErrors.js';
import { runExtraction } from './runExtraction.js';

export type { ExtractLimits } from './archiveErrors.js';

/**
 * Unpacks a program's code (untrusted) into `destDir`, which must be absent or empty, in a worker thread and with
 * archive tools running as an unprivileged uid. A refused archive leaves nothing behind.
 * Refusals: ARCHIVE_UNSAFE_PATH (zip slip, links out), ARCHIVE_UNSAFE_ENTRY (device nodes, fifos, setuid),
 * ARCHIVE_TOO_LARGE (bytes, entries or ratio), ARCHIVE_TIMEOUT, ARCHIVE_INVALID.
 * @example await extractCode('/store/abc.zip', 'zip', '/var/lib/aleph/code/abc')
 */
export async function extractCode(
  archivePath: string,
  encoding: 'plain' | 'zip' | 'squashfs',
  destDir: string,
  limits: Partial<ExtractLimits> = {},
): Promise<void> {
  await runExtraction({
    file: archivePath,
    kind: encoding,
    destDir,
    limits: { ...DEFAULT_EXTRACT_LIMITS, ...limits },
    ifExists: 'replace',
  });
}
