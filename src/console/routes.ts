/** The console's pages, from its own URL (every page has one, so a link can be shared). No UI here: boot.ts uses it. */
export type Route =
  | { page: 'network' }
  | { page: 'programs'; search: string; pageNo: number }
  | { page: 'program'; id: string }
  | { page: 'message'; hash: string }
  | { page: 'address'; address: string }
  | { page: 'not-found'; path: string };

export const BASE = '/console';

export function routeOf(pathname: string, search: string): Route {
  const path = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  let parts: string[];
  try {
    parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return { page: 'not-found', path: pathname };
  }
  const q = new URLSearchParams(search);
  if (parts.length === 0) return { page: 'network' };
  if (parts[0] === 'programs' && parts.length === 1)
    return { page: 'programs', search: q.get('search') ?? '', pageNo: Math.max(1, Number(q.get('page')) || 1) };
  if (parts.length === 2 && parts[0] === 'programs') return { page: 'program', id: parts[1]! };
  if (parts.length === 2 && parts[0] === 'messages') return { page: 'message', hash: parts[1]! };
  if (parts.length === 2 && parts[0] === 'addresses') return { page: 'address', address: parts[1]! };
  return { page: 'not-found', path: pathname };
}
