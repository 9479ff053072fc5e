import { BASE, routeOf, type Route } from './routes.js';
import { useExternal } from './useExternal.js';

export { BASE, routeOf, type Route };

const listeners = new Set<() => void>();

/** Goes to `href` (under /console) without a reload. */
export function navigate(href: string, replace = false): void {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  for (const l of listeners) l();
}

const readLocation = () => location.pathname + location.search;
function onLocation(changed: () => void): () => void {
  listeners.add(changed);
  addEventListener('popstate', changed);
  return () => {
    listeners.delete(changed);
    removeEventListener('popstate', changed);
  };
}

export function useRoute(): Route {
  const loc = useExternal(readLocation, onLocation);
  const url = new URL(loc, location.origin);
  return routeOf(url.pathname, url.search);
}

/** Left clicks on console links navigate in place; modified clicks (new tab…) are the browser's. */
export function interceptLinks(root: HTMLElement): void {
  root.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element | null)?.closest?.('a');
    if (!a || a.target || a.origin !== location.origin || !a.pathname.startsWith(`${BASE}/`)) return;
    e.preventDefault();
    navigate(a.pathname + a.search);
    window.scrollTo(0, 0);
  });
}

export const programHref = (id: string) => `${BASE}/programs/${id}`;
export const messageHref = (hash: string) => `${BASE}/messages/${hash}`;
export const addressHref = (address: string) => `${BASE}/addresses/${address}`;
