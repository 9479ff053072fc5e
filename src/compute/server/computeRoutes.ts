import type http from 'node:http';
import FindMyWay from 'find-my-way';
import { AlephError } from '../../errors.js';
import { VM_REF_PATTERN, canonicalVmRef } from '../router/vmTarget.js';

/** What a route of the compute node gets: the request, and for the rest of the path, the query kept. */
export interface RouteContext {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  params: Record<string, string | undefined>;
  /** The normalised path, percent escapes kept (find-my-way's params are decoded). */
  pathname: string;
  search: string;
}
export type RouteHandler = (ctx: RouteContext) => Promise<void> | void;

const HEX64 = '([0-9a-fA-F]{64})';

/** The compute node's own routes beside /vm/ (whose warm path never gets here: see router/vmTarget.ts). */
export interface ComputeRoutes {
  vm(ref: string, rest: string, ctx: RouteContext): void;
  logs(id: string, ctx: RouteContext): Promise<void> | void;
  aboutRuntime(ref: string, ctx: RouteContext): Promise<void>;
  about(ctx: RouteContext): void;
  rollout(id: string, ctx: RouteContext): void;
  traffic(id: string, ctx: RouteContext): void;
}

/**
 * find-my-way (Fastify's router) over the normalised path; a handler's error goes to the caller's one error
 * mapper. Programs take every method; the node's own routes are GET only, and anything else is a 404 naming
 * where programs answer.
 */
export function computeRouter(routes: ComputeRoutes) {
  const router = FindMyWay({ ignoreTrailingSlash: true, maxParamLength: 500 });
  // The program gets its path as the client sent it, escapes and all: what follows '/vm/' + its ref.
  const vm: RouteHandler = (c) =>
    routes.vm(canonicalVmRef(c.params.ref!), (c.pathname.slice(4 + c.params.ref!.length) || '/') + c.search, c);
  router.all(`/vm/:ref(${VM_REF_PATTERN})`, () => {}, vm);
  router.all(`/vm/:ref(${VM_REF_PATTERN})/*`, () => {}, vm);
  router.get(`/control/machine/:id${HEX64}/logs`, () => {}, ((c) =>
    routes.logs(c.params.id!.toLowerCase(), c)) satisfies RouteHandler);
  // A program id may be a CID as well as 64 hex (a rollout's program is any program).
  router.get(`/control/machine/:id(${VM_REF_PATTERN})/rollout`, () => {}, ((c) =>
    routes.rollout(canonicalVmRef(c.params.id!), c)) satisfies RouteHandler);
  router.get('/about/runtime/:ref', () => {}, ((c) => routes.aboutRuntime(c.params.ref!, c)) satisfies RouteHandler);
  router.get('/about', () => {}, ((c) => routes.about(c)) satisfies RouteHandler);
  // Any program id, 64 hex or a CID: the web console reads every program's counts.
  router.get(`/control/machine/:id(${VM_REF_PATTERN})/traffic`, () => {}, ((c) =>
    routes.traffic(canonicalVmRef(c.params.id!), c)) satisfies RouteHandler);
  router.get('/', () => {}, ((c) => routes.about(c)) satisfies RouteHandler);

  /** Routes one request whose target did not take the fast path. Throws AlephError (404) for no route. */
  return async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // URL resolves dot segments and backslashes as a browser would, so /vm/x/../y never reaches program x.
    const url = new URL(req.url ?? '/', 'http://compute');
    const found = router.find((req.method ?? 'GET') as FindMyWay.HTTPMethod, url.pathname);
    if (!found) {
      throw new AlephError('COMPUTE_NOT_FOUND', `no route ${req.method} ${url.pathname}`, {
        hint: 'programs answer under /vm/{program id}/',
      });
    }
    await (found.store as RouteHandler)({ req, res, params: found.params, pathname: url.pathname, search: url.search });
  };
}
