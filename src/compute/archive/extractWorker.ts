import { parentPort, workerData } from 'node:worker_threads';
import { AlephError } from '../../errors.js';
import { extractArchive, type ExtractJob } from './extractArchive.js';

/** Worker entry: one extraction per worker, its outcome posted back as `{ok}` or `{error}` (an AlephError's fields). */
extractArchive(workerData as ExtractJob).then(
  () => parentPort!.postMessage({ ok: true }),
  (e: unknown) => {
    // Anything but our own refusals (ENAMETOOLONG, EMLINK, ENOSPC from a hostile tree) is an unusable archive.
    const error = e instanceof AlephError
      ? { code: e.code, message: e.message, hint: e.hint, details: e.details }
      : { code: 'ARCHIVE_INVALID', message: `cannot extract the archive: ${(e as Error).message ?? String(e)}`, hint: '', details: {} };
    parentPort!.postMessage({ ok: false, error });
  },
);
