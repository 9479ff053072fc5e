/**
 * Reads started by the boot script (boot.ts, a few hundred bytes that run before the app has even loaded) and
 * taken, once each, by the app's first reads of the same URLs (api.ts): the node answers while the app loads.
 * The two scripts are separate bundles, so they meet on a global.
 */
const KEY = '__alephPrefetch';
/** A prefetched answer is the page's first data only: one not taken by then is dropped, never shown late. */
const KEEP_MS = 5000;

type Store = Map<string, Promise<Response>>;
const store = () => (globalThis as unknown as Record<string, Store | undefined>)[KEY];

export function startPrefetch(urls: string[]): void {
  const m: Store = new Map();
  for (const url of urls) {
    const p = fetch(url, { headers: { accept: 'application/json' } });
    // A failed prefetch is the app's to report when it takes it; unhandled, it would only be console noise.
    p.catch(() => {});
    m.set(url, p);
  }
  (globalThis as unknown as Record<string, Store>)[KEY] = m;
  setTimeout(() => m.clear(), KEEP_MS);
}

/** The prefetched answer of `url`, at most once; undefined when there is none (then fetch it). */
export function takePrefetched(url: string): Promise<Response> | undefined {
  const m = store();
  const p = m?.get(url);
  if (p) m!.delete(url);
  return p;
}
