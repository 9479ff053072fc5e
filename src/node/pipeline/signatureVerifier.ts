import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AlephError } from '../../errors.js';
import { verifySignature, type MessageEnvelope } from '../../protocol/index.js';

type Job = Pick<MessageEnvelope, 'chain' | 'sender' | 'type' | 'item_hash' | 'signature'>;
interface Pending {
  resolve(): void;
  reject(e: unknown): void;
}

/**
 * Checks signatures off the main thread: recovery is the costliest step of ingest, so it runs in worker
 * threads (one per spare core) while the main thread serves HTTP and writes the store. Jobs go out in
 * chunks of at most CHUNK, as soon as a chunk fills and at the end of each event-loop turn: few enough
 * messages between threads to keep passing cheap, and small enough that the worker starts on a burst while
 * the main thread is still parsing it, and the main thread applies the first results while the worker
 * checks the rest (whole-turn batches made the two threads take turns, each idle a third of the time).
 */
export class SignatureVerifier {
  private workers: Worker[] = [];
  private pending = new Map<number, Pending>();
  private queue: Array<[number, Job]> = [];
  private nextId = 0;
  private rr = 0;
  private scheduled = false;
  private static readonly CHUNK = 8;

  constructor(workerCount = Math.max(1, cpus().length - 1)) {
    const isTs = import.meta.url.endsWith('.ts');
    const url = new URL(isTs ? './signatureWorker.ts' : './signatureWorker.js', import.meta.url);
    // Under tsx the worker must register the same loader before it can read TypeScript.
    const boot = isTs
      ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => m.register()).then(() => import(${JSON.stringify(url.href)}))`
      : `import(${JSON.stringify(url.href)})`;
    for (let i = 0; i < workerCount; i++) {
      const w = new Worker(boot, { eval: true });
      w.on(
        'message',
        (results: Array<[number, { code: string; message: string; details: Record<string, unknown> } | null]>) => {
          for (const [id, err] of results) {
            const p = this.pending.get(id);
            if (!p) continue;
            this.pending.delete(id);
            if (err) p.reject(AlephError.revive(err.code, err.message, { details: err.details }));
            else p.resolve();
          }
        },
      );
      w.unref();
      this.workers.push(w);
    }
  }

  verify(job: Job): Promise<void> {
    if (this.workers.length === 0) {
      try {
        verifySignature(job);
        return Promise.resolve();
      } catch (e) {
        return Promise.reject(e);
      }
    }
    const id = this.nextId++;
    const p = new Promise<void>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.queue.push([
      id,
      { chain: job.chain, sender: job.sender, type: job.type, item_hash: job.item_hash, signature: job.signature },
    ]);
    if (this.queue.length >= SignatureVerifier.CHUNK) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
    return p;
  }

  /** Posts what is queued (at most CHUNK: see verify), round-robin across workers. */
  private flush(): void {
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    this.workers[this.rr++ % this.workers.length].postMessage(batch);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
  }
}
