import { Worker } from 'node:worker_threads';
import { AlephError } from '../../errors.js';
import { extractionTimeout, invalidArchive } from './archiveErrors.js';
import type { ExtractJob } from './extractArchive.js';

/** Extractions at once per process: each is a worker plus a tool; the rest wait their turn. */
const MAX_CONCURRENT = 2;
/** A worker's own JS heap (archive buffers are outside it); a runaway parse fails instead of growing the node. */
const WORKER_HEAP_MB = 256;

let running = 0;
const waiting: Array<() => void> = [];

async function slot(): Promise<() => void> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((r) => waiting.push(r));
  running++;
  return () => { running--; waiting.shift()?.(); };
}

function bootSource(): string {
  const isTs = import.meta.url.endsWith('.ts');
  const url = new URL(isTs ? './extractWorker.ts' : './extractWorker.js', import.meta.url);
  // Under tsx the worker must register the same loader before it can read TypeScript.
  return isTs
    ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => m.register()).then(() => import(${JSON.stringify(url.href)}))`
    : `import(${JSON.stringify(url.href)})`;
}

/**
 * Runs one extraction in a worker thread, so inflating a zip bomb or walking 100,000 entries never stalls the
 * event loop of the node that asked (in a devnet, the core node's API shares it). The worker is terminated at
 * the job's time limit; its tools carry their own.
 */
export async function runExtraction(job: ExtractJob): Promise<void> {
  const release = await slot();
  try {
    await new Promise<void>((resolve, reject) => {
      const w = new Worker(bootSource(), { eval: true, workerData: job, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
      let settled = false;
      const done = (e?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        void w.terminate();
        if (e === undefined) resolve(); else reject(e);
      };
      const timer = setTimeout(() => done(extractionTimeout(job.limits.timeoutMs)), job.limits.timeoutMs + 5_000);
      w.on('message', (m: { ok: boolean; error?: { code: string; message: string; hint: string; details: Record<string, unknown> } }) => {
        if (m.ok) return done();
        const err = m.error!;
        done(AlephError.revive(err.code, err.message, { hint: err.hint, details: err.details }));
      });
      w.on('error', (e) => done((e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' ? invalidArchive('extraction ran out of memory', e) : e));
      w.on('exit', (code) => done(invalidArchive(`the extraction worker exited (${code}) without an answer`)));
    });
  } finally {
    release();
  }
}
