import type { Route } from './routes.js';

/**
 * The node's answers each page reads, by URL: one place, so the boot script can start a page's first reads
 * before the app has loaded (prefetch.ts) and the page then takes those very answers.
 */
export const RECENT_MESSAGES = 12;
export const PROGRAMS_PER_PAGE = 50;

const q = encodeURIComponent;
export const reads = {
  height: () => '/api/v0/height',
  computeNodes: () => '/api/v0/compute/nodes',
  recentMessages: () => `/api/v0/messages.json?pagination=${RECENT_MESSAGES}`,
  programCount: () => '/api/v0/programs/summaries?pagination=1',
  programs: (pageNo: number, search: string) =>
    `/api/v0/programs/summaries?pagination=${PROGRAMS_PER_PAGE}&page=${pageNo}${search ? `&search=${q(search)}` : ''}`,
  program: (id: string) => `/api/v0/programs/${q(id)}`,
  history: (id: string) => `/api/v0/programs/${q(id)}/history`,
  message: (hash: string) => `/api/v0/messages/${q(hash)}`,
};

/** What the first render of a page reads (the rest — the address page's three reads — is read as it renders). */
export function firstReads(route: Route): string[] {
  switch (route.page) {
    case 'network':
      return [reads.recentMessages(), reads.programCount(), reads.computeNodes(), reads.height()];
    case 'programs':
      return [reads.programs(route.pageNo, route.search)];
    case 'program':
      return [reads.program(route.id), reads.history(route.id), reads.computeNodes()];
    case 'message':
      return [reads.message(route.hash)];
    default:
      return [];
  }
}
