import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AlephError } from '../../errors.js';
import { verifySignature, type MessageEnvelope } from '../../protocol/index.js';

type Job = Pick<MessageEnvelope, 'chain' | 'sender' | 'type' | 'item_hash' | 'signature'>;
interface Pending { resolve(): void; reject(e: unknown): void }

/**
 * Checks signatures off the main thread: recovery is the costliest step of ingest, so it runs in worker
 * threads (one per spare core) while the main thread serves HTTP and writes the store. Jobs are batched
 * per event-loop turn to keep message-passing overhead small.
 */
export class SignatureVerifier {
  private workers: Worker[] = [];
  private pending = new Map<number, Pending>();
  private queue: Array<[number, Job]> = [];
  private nextId = 0;
  private rr = 0;
  private scheduled = false;

  constructor(workerCount = Math.max(1, cpus().length - 1)) {
    const isTs = import.meta.url.endsWith('.ts');
    const url = new URL(isTs ? './signatureWorker.ts' : './signatureWorker.js', import.meta.url);
    // Under tsx the worker must register the same loader before it can read TypeScript.
    const boot = isTs
      ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => m.register()).then(() => import(${JSON.stringify(url.href)}))`
      : `import(${JSON.stringify(url.href)})`;
    for (let i = 0; i < workerCount; i++) {
      const w = new Worker(boot, { eval: true });
      w.on('message', (results: Array<[number, { code: string; message: string; details: Record<string, unknown> } | null]>) => {
        for (const [id, err] of results) {
          const p = this.pending.get(id);
          if (!p) continue;
          this.pending.delete(id);
          if (err) p.reject(new AlephError(err.code, err.message, { details: err.details }));
          else p.resolve();
        }
      });
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
    this.queue.push([id, { chain: job.chain, sender: job.sender, type: job.type, item_hash: job.item_hash, signature: job.signature }]);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return p;
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    // Split across workers so both cores share a burst.
    const per = Math.ceil(batch.length / this.workers.length);
    for (let i = 0; i < batch.length; i += per) {
      this.workers[this.rr++ % this.workers.length].postMessage(batch.slice(i, i + per));
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
  }
}
