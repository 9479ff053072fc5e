import type http from 'node:http';
import { AlephError, isAlephError } from '../../errors.js';
import type { ProgramView } from '../api/programView.js';
import { computeStatusOf } from '../errorStatus.js';
import type { Instance } from '../supervisor/instance.js';
import { notFound, type Supervisor } from '../supervisor/supervisor.js';
import { proxyToInstance } from './proxyToInstance.js';
import { within } from '../within.js';

export function sendError(res: http.ServerResponse, e: unknown, headers: Record<string, string> = {}): void {
  const err = isAlephError(e) ? e : new AlephError('COMPUTE_INTERNAL', (e as Error).message, { cause: e });
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(computeStatusOf(err), { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(err.toJSON()));
}

/** Waits briefly for the sandbox to be reported gone: the socket error usually arrives before the exit status. */
async function exitReason(exited: Promise<{ reason: string }>): Promise<string | null> {
  return (await within(exited, 700))?.reason ?? null;
}

/** The program's own headers on an answer that no instance gave (it could not start). */
export function viewHeaders(view: ProgramView): Record<string, string> {
  return {
    'x-aleph-program-id': view.id,
    'x-aleph-version': view.currentHash,
    'x-aleph-edition': String(view.edition),
  };
}

/**
 * The program's view and an instance serving it, started if needed (404 unknown). A start that fails is handed
 * back as `failure` (what the client sees, startFailure) for the caller to answer on its own kind of connection.
 */
export async function acquireServing(
  sup: Supervisor,
  ref: string,
  headers: http.IncomingHttpHeaders = {},
): Promise<
  { view: ProgramView; inst: Instance; failure?: never } | { view: ProgramView; inst?: never; failure: unknown }
> {
  const view = await sup.view(ref);
  if (!view) throw notFound(ref);
  let pick: ReturnType<Supervisor['pick']>;
  try {
    pick = sup.pick(view, headers);
  } catch (e) {
    return { view, failure: e };
  }
  const inst = sup.tryAcquire(view, pick);
  if (inst) return { view, inst };
  try {
    return { view, inst: await sup.acquire(view, pick) };
  } catch (e) {
    return { view, failure: startFailure(view, e) };
  }
}

/** Why a program could not start, as the client sees it: 502 (its fault) or 503 (no room here), never its 404. */
export function startFailure(view: ProgramView, e: unknown): unknown {
  return isAlephError(e) && computeStatusOf(e) !== 404
    ? AlephError.revive(e.code, `program ${view.id} could not start: ${e.message}`, {
        hint: e.hint,
        details: e.details,
        cause: e,
      })
    : e;
}

/**
 * `/vm/{program id or any version hash}/...`: finds the program's serving instance (starting it if needed)
 * and forwards the rest of the path to it. 404 unknown or forgotten, 502 failed or crashed, 503 no room on this
 * compute node (or no volumes here), 504 over its limit. Never throws: every failure becomes an answer.
 */
export function vmRoute(
  sup: Supervisor,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  ref: string,
  rest: string,
): void {
  // Warm path: cached view and a running instance, no promise between the request and the proxy.
  let view: ProgramView | null | undefined;
  try {
    view = sup.cachedView(ref);
    const inst = view ? sup.tryAcquire(view, sup.pick(view, req.headers)) : null;
    if (inst) {
      forward(sup, req, res, inst, rest);
      return;
    }
  } catch (e) {
    sendError(res, e, view ? viewHeaders(view) : {});
    return;
  }
  vmRouteStarting(sup, req, res, ref, rest).catch((e) => sendError(res, e));
}

async function vmRouteStarting(
  sup: Supervisor,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  ref: string,
  rest: string,
): Promise<void> {
  const { view, inst, failure } = await acquireServing(sup, ref, req.headers);
  if (!inst) {
    // A start that failed is a failed request as the client sees it; a pin to an edition not serving (409) is not.
    if (!isAlephError(failure) || computeStatusOf(failure) >= 500) sup.traffic.record(view.id, true);
    return sendError(res, failure, viewHeaders(view));
  }
  forward(sup, req, res, inst, rest);
}

/** Proxies to an acquired instance, answers what went wrong, and releases it. */
function forward(
  sup: Supervisor,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  inst: Instance,
  rest: string,
): void {
  // Headers name the version actually serving this request, which may lag the announced one during a swap.
  const served = inst.served;
  proxyToInstance(req, res, inst, rest, served, (out) => {
    // A rollout's error budget counts what the client saw fail: 5xx answers, crashes and timeouts (DESIGN §9).
    if (out.kind !== 'refused') sup.outcome(inst, out.kind !== 'ok' || res.statusCode >= 500);
    if (out.kind === 'ok') return sup.release(inst);
    if (out.kind === 'failed') {
      void exitReason(inst.handle.exited).then((reason) => {
        sendError(
          res,
          new AlephError('PROGRAM_CRASHED', `program ${inst.view.id} failed: ${reason ?? out.message}`, {
            hint: 'see `aleph program logs`; it restarts on the next request',
            details: { reason: reason ?? out.message },
          }),
          served,
        );
        sup.release(inst);
      });
      return;
    }
    if (out.kind === 'timeout') {
      sendError(
        res,
        new AlephError(
          'PROGRAM_TIMEOUT',
          `program ${inst.view.id} did not answer within its limit of ${inst.view.seconds} s (resources.seconds)`,
          {
            hint: 'make the request faster or raise resources.seconds',
            details: { seconds: inst.view.seconds },
          },
        ),
        served,
      );
    } else {
      sendError(
        res,
        new AlephError('COMPUTE_BAD_REQUEST', `the request cannot be forwarded: ${out.message}`, {
          hint: 'send a plain HTTP/1.1 request (no Expect or Upgrade tricks)',
        }),
        served,
      );
    }
    sup.release(inst);
  });
}
