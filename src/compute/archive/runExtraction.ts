import { Worker } from 'node:worker_threads';
import { AlephError } from '../../errors.js';
import { extractionTimeout, invalidArchive } from './archiveErrors.js';
import type { ExtractJob } from './extractArchive.js';

/** Extraction workers per process: each runs one job (and its tool) at a time; the rest wait their turn. */
const MAX_WORKERS = 2;
/** A worker's own JS heap (archive buffers are outside it); a runaway parse fails instead of growing the node. */
const WORKER_HEAP_MB = 256;
/** A worker is replaced after this many jobs, so whatever a hostile archive left in its heap does not pile up. */
const JOBS_PER_WORKER = 64;
/** An idle worker is let go after this long (and never keeps the process alive meanwhile). */
const IDLE_MS = 60_000;

type Answer = {
  id: number;
  ok: boolean;
  error?: { code: string; message: string; hint: string; details: Record<string, unknown>; status: number };
};

interface PooledWorker {
  worker: Worker;
  jobs: number;
  idleTimer: NodeJS.Timeout | null;
}

let live = 0;
let nextId = 0;
const idle: PooledWorker[] = [];
const waiting: Array<(w: PooledWorker) => void> = [];

function bootSource(): string {
  const isTs = import.meta.url.endsWith('.ts');
  const url = new URL(isTs ? './extractWorker.ts' : './extractWorker.js', import.meta.url);
  // Under tsx the worker must register the same loader before it can read TypeScript.
  return isTs
    ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => m.register()).then(() => import(${JSON.stringify(url.href)}))`
    : `import(${JSON.stringify(url.href)})`;
}

function spawnWorker(): PooledWorker {
  const worker = new Worker(bootSource(), { eval: true, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
  return { worker, jobs: 0, idleTimer: null };
}

async function acquire(): Promise<PooledWorker> {
  const w = idle.pop();
  if (w) {
    if (w.idleTimer) clearTimeout(w.idleTimer);
    w.worker.ref();
    return w;
  }
  if (live < MAX_WORKERS) {
    live++;
    return spawnWorker();
  }
  return new Promise((r) => waiting.push(r));
}

/** Back to the pool, or gone (after a failure of the worker itself, a timeout, or its job quota). */
function giveBack(w: PooledWorker, healthy: boolean): void {
  if (!healthy || w.jobs >= JOBS_PER_WORKER) {
    void w.worker.terminate();
    live--;
    const next = waiting.shift();
    if (next) {
      live++;
      next(spawnWorker());
    }
    return;
  }
  const next = waiting.shift();
  if (next) {
    next(w);
    return;
  }
  w.worker.unref();
  w.idleTimer = setTimeout(() => {
    const i = idle.indexOf(w);
    if (i < 0) return;
    idle.splice(i, 1);
    live--;
    void w.worker.terminate();
  }, IDLE_MS);
  w.idleTimer.unref();
  idle.push(w);
}

/**
 * Runs one extraction in a worker thread, so inflating a zip bomb or walking 100,000 entries never stalls the
 * event loop of the node that asked (in a devnet, the core node's API shares it). Workers are kept between jobs
 * (starting one costs about half a second of CPU, on a shared host); a worker is terminated at its job's time
 * limit (its tools carry their own) and replaced.
 */
export async function runExtraction(job: ExtractJob): Promise<void> {
  const w = await acquire();
  w.jobs++;
  const id = nextId++;
  let healthy = true;
  try {
    await new Promise<void>((resolve, reject) => {
      const done = (e?: unknown) => {
        clearTimeout(timer);
        w.worker.off('message', onMessage);
        w.worker.off('error', onError);
        w.worker.off('exit', onExit);
        if (e === undefined) resolve();
        else reject(e);
      };
      const timer = setTimeout(() => {
        healthy = false;
        done(extractionTimeout(job.limits.timeoutMs));
      }, job.limits.timeoutMs + 5_000);
      const onMessage = (m: Answer) => {
        if (m.id !== id) return;
        if (m.ok) return done();
        const err = m.error!;
        done(AlephError.revive(err.code, err.message, { hint: err.hint, details: err.details }));
      };
      const onError = (e: Error) => {
        healthy = false;
        done(
          (e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? invalidArchive('extraction ran out of memory', e)
            : e,
        );
      };
      const onExit = (code: number) => {
        healthy = false;
        done(invalidArchive(`the extraction worker exited (${code}) without an answer`));
      };
      w.worker.on('message', onMessage);
      w.worker.on('error', onError);
      w.worker.on('exit', onExit);
      w.worker.postMessage({ id, job });
    });
  } finally {
    giveBack(w, healthy);
  }
}
