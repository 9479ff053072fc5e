import type { Readable } from 'node:stream';

/** Longest log line kept whole; longer output is cut so one runaway line cannot hold the node's memory. */
const MAX_LINE = 16 * 1024;

/** Calls `onLine` for each line of `stream` (trailing partial line included at end). */
export function splitLines(stream: Readable, onLine: (line: string) => void): Promise<void> {
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) !== -1) {
      onLine(buf.slice(0, nl).replace(/\r$/, ''));
      buf = buf.slice(nl + 1);
    }
    while (buf.length > MAX_LINE) {
      onLine(buf.slice(0, MAX_LINE));
      buf = buf.slice(MAX_LINE);
    }
  });
  return new Promise((resolve) => {
    stream.on('close', () => {
      if (buf.length > 0) onLine(buf);
      buf = '';
      resolve();
    });
  });
}
