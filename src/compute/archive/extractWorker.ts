import { parentPort, workerData } from 'node:worker_threads';
import { extractArchive, type ExtractJob } from './extractArchive.js';

/** Worker entry: one extraction per worker, its outcome posted back as `{ok}` or `{error}` (an AlephError's fields). */
extractArchive(workerData as ExtractJob).then(
  () => parentPort!.postMessage({ ok: true }),
  (e: unknown) => {
    const err = e as { code?: unknown; message?: unknown; hint?: unknown; details?: unknown; status?: unknown };
    parentPort!.postMessage({
      ok: false,
      error: {
        code: typeof err.code === 'string' && /^[A-Z_]+$/.test(err.code) ? err.code : 'ARCHIVE_INVALID',
        message: String(err.message ?? e),
        hint: typeof err.hint === 'string' ? err.hint : '',
        details: err.details && typeof err.details === 'object' ? err.details : {},
        status: typeof err.status === 'number' ? err.status : 422,
      },
    });
  },
);
