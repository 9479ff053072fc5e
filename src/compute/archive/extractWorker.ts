import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { AlephError } from '../../errors.js';
import { extractArchive, type ExtractJob } from './extractArchive.js';

/**
 * Worker entry, long-lived: one extraction at a time (runExtraction.ts never sends a second before the first's
 * answer), each outcome posted back as `{id, ok}` or `{id, error}` (an AlephError's fields).
 */
// On Linux a nice value is per thread: this lowers the worker (and the tools it spawns inherit it), never the
// node's event loop, so on a busy host the node's requests get the CPU first and the extraction what is left.
try {
  setPriority(19);
} catch {
  /* not permitted here: extraction runs at the node's priority */
}

parentPort!.on('message', (m: { id: number; job: ExtractJob }) => {
  extractArchive(m.job).then(
    () => parentPort!.postMessage({ id: m.id, ok: true }),
    (e: unknown) => {
      // Anything but our own refusals (ENAMETOOLONG, EMLINK, ENOSPC from a hostile tree) is an unusable archive.
      const error =
        e instanceof AlephError
          ? { code: e.code, message: e.message, hint: e.hint, details: e.details }
          : {
              code: 'ARCHIVE_INVALID',
              message: `cannot extract the archive: ${(e as Error).message ?? String(e)}`,
              hint: '',
              details: {},
            };
      parentPort!.postMessage({ id: m.id, ok: false, error });
    },
  );
});
