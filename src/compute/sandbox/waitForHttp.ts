import { existsSync } from 'node:fs';
import http from 'node:http';

/** One HTTP GET / over a unix socket; resolves true on any response (even 404/500: the program is answering). */
export function answersHttp(socketPath: string, timeoutMs = 1000): Promise<boolean> {
  if (!existsSync(socketPath)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const req = http.request({ socketPath, path: '/', method: 'GET', timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/**
 * Polls until the program answers, `isDone()` turns true, or the deadline passes.
 * Returns 'ready', 'stopped' or 'timeout'. The short interval matters: it is most of a cold start's overhead.
 */
export async function waitForHttp(
  socketPath: string,
  deadline: number,
  isDone: () => boolean,
  intervalMs = 10,
): Promise<'ready' | 'stopped' | 'timeout'> {
  for (;;) {
    if (isDone()) return 'stopped';
    if (await answersHttp(socketPath)) return 'ready';
    if (isDone()) return 'stopped';
    if (Date.now() >= deadline) return 'timeout';
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
