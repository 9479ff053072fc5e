import { appendFile, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LogStream } from '../sandbox/types.js';

export interface LogLine {
  time: string;
  edition: number;
  stream: LogStream;
  message: string;
}

const RING = 1000;

/**
 * stdout/stderr of every execution of every program, with edition and time: the last {@link RING} lines in
 * memory for `/control/machine/{id}/logs`, and everything appended to `home/logs/{id}.log` for the operator.
 */
export class ProgramLogs {
  private readonly rings = new Map<string, LogLine[]>();
  private readonly listeners = new Map<string, Set<(line: LogLine) => void>>();
  private readonly dir: string;

  constructor(home: string) {
    this.dir = join(home, 'logs');
    mkdirSync(this.dir, { recursive: true });
  }

  add(programId: string, edition: number, stream: LogStream, message: string): void {
    const line: LogLine = { time: new Date().toISOString(), edition, stream, message };
    let ring = this.rings.get(programId);
    if (!ring) this.rings.set(programId, (ring = []));
    ring.push(line);
    if (ring.length > RING) ring.splice(0, ring.length - RING);
    for (const fn of this.listeners.get(programId) ?? []) fn(line);
    // Fire and forget, in order per process: losing the file copy must never slow or fail a request.
    appendFile(join(this.dir, `${programId}.log`), `${line.time} [${edition}] ${stream}: ${message}\n`, () => {});
  }

  lines(programId: string): LogLine[] {
    return this.rings.get(programId)?.slice() ?? [];
  }

  /** Calls `fn` with every new line of a program (the `stream_logs` websocket); returns the unsubscribe. */
  follow(programId: string, fn: (line: LogLine) => void): () => void {
    let set = this.listeners.get(programId);
    if (!set) this.listeners.set(programId, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.listeners.delete(programId);
    };
  }
}
