import { useCallback, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { failureOf, type Failure } from './api.js';

/** A performance mark set when the first complete answer is rendered. */
export const FIRST_DATA = 'aleph:first-data';

export type Resource<T> =
  | { state: 'loading' }
  | { state: 'failed'; failure: Failure }
  | { state: 'ready'; data: T; at: number };

/**
 * Loads `load` (everything a page shows, in one promise: a page appears whole or not at all) and re-runs it on
 * `refresh()` — live events call it — without going back to "loading": the old answer stays until the new one is
 * complete. A failure replaces the data with the failure, so stale data is never shown as current.
 */
export function useResource<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: unknown[],
): { resource: Resource<T>; refresh: () => void; retry: () => void } {
  const [resource, setResource] = useState<Resource<T>>({ state: 'loading' });
  const current = useRef<AbortController | null>(null);
  const queued = useRef(false);
  const running = useRef(false);

  const run = useCallback((initial: boolean) => {
    if (running.current && !initial) {
      // One refresh at a time: a burst of events becomes one more read once the current one ends.
      queued.current = true;
      return;
    }
    current.current?.abort();
    const ctl = new AbortController();
    current.current = ctl;
    running.current = true;
    if (initial) setResource({ state: 'loading' });
    load(ctl.signal)
      .then((data) => {
        if (ctl.signal.aborted) return;
        setResource({ state: 'ready', data, at: Date.now() });
        // The first page of real data on screen: the browser test reads it as first meaningful paint.
        if (performance.getEntriesByName(FIRST_DATA).length === 0)
          requestAnimationFrame(() => performance.mark(FIRST_DATA));
      })
      .catch((e) => {
        if (!ctl.signal.aborted) setResource({ state: 'failed', failure: failureOf(e) });
      })
      .finally(() => {
        if (current.current !== ctl) return;
        running.current = false;
        if (queued.current) {
          queued.current = false;
          run(false);
        }
      });
  }, deps);

  // A layout effect: the read starts as the page is committed, not after the next frame as useEffect's would (a
  // frame or more on a busy machine, all of it before the first data can arrive).
  useLayoutEffect(() => {
    run(true);
    return () => current.current?.abort();
  }, [run]);

  return { resource, refresh: useCallback(() => run(false), [run]), retry: useCallback(() => run(true), [run]) };
}
