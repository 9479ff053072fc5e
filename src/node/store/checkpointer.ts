import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** WAL size (in pages) at which the writer checkpoints itself, should the background thread fall behind. */
export const WRITER_CHECKPOINT_PAGES = 8000;

// Plain CommonJS so that it runs the same under tsx and from the build.
const source = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
const checkpoint = db.prepare('pragma wal_checkpoint(PASSIVE)');
const timer = setInterval(() => { try { checkpoint.get(); } catch {} }, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/**
 * Copies the WAL into the database file from a thread of its own, so the writer's commits never stop
 * for a checkpoint (copying ~1000 pages and two fsyncs each time the WAL reaches its limit, on the
 * event loop). A PASSIVE checkpoint never blocks the writer nor readers. Durability is unchanged: a
 * commit is durable once in the WAL. The writer keeps a higher autocheckpoint as a bound on the WAL.
 */
export class Checkpointer {
  private readonly worker: Worker;
  /** Settles once the thread has closed its connection and exited (its WAL/SHM handles are gone). */
  readonly exited: Promise<void>;

  constructor(path: string, intervalMs = 50) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(source, { eval: true, workerData: { path, driver, intervalMs } });
    this.worker.unref();
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    // A checkpoint that cannot run only leaves the work to the writer's autocheckpoint.
    this.worker.on('error', () => undefined);
  }

  close(): void {
    // Kept alive until it has closed its connection, so whoever awaits `exited` is not left on an empty loop.
    this.worker.ref();
    this.worker.postMessage('close');
  }
}
