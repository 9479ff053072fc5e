import type http from 'node:http';
import type net from 'node:net';
import type { ProgramView } from '../api/programView.js';
import { upgradeRoute, socketError } from '../router/upgradeRoute.js';
import { sendError, vmRoute } from '../router/vmRoute.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { FORWARDED_HEADER, markerChecker } from './forwardMarker.js';
import type { FleetMembership } from './fleetMembership.js';
import { forwardToPeer, forwardUpgrade, type PeerPools } from './forwardToPeer.js';

/** The response header naming the compute node that ran the program (its address), forwarded answers included. */
export const SERVED_BY_HEADER = 'x-aleph-compute-node';

/**
 * `/vm/{ref}{rest}` in a fleet: served here when the program is placed here, forwarded in one hop to the compute
 * node it is placed on otherwise. A request that carries a forwarding marker is served here whatever this node
 * thinks of the placement (two nodes may briefly see different live sets): it is never forwarded again, so no
 * request can loop. A marker that is malformed, forged, stale or from a stranger is refused (403
 * COMPUTE_FORWARD_INVALID) before anything runs.
 */
export function fleetRouter(sup: Supervisor, fleet: FleetMembership, pools: PeerPools) {
  const checkMarker = markerChecker((a) => fleet.isMember(a));
  const served = fleet.address;

  /** The program's view without a round trip when cached; undefined when it must be asked (or is unknown). */
  async function viewOf(ref: string): Promise<ProgramView | null> {
    const cached = sup.cachedView(ref);
    return cached !== undefined ? cached : sup.view(ref);
  }

  function http(req: http.IncomingMessage, res: http.ServerResponse, ref: string, rest: string): void {
    res.setHeader(SERVED_BY_HEADER, served);
    const marker = req.headers[FORWARDED_HEADER];
    if (marker !== undefined) {
      try {
        checkMarker(marker);
      } catch (e) {
        sendError(res, e);
        return;
      }
      vmRoute(sup, req, res, ref, rest);
      return;
    }
    const cached = sup.cachedView(ref);
    if (cached !== undefined) {
      place(req, res, ref, rest, cached);
      return;
    }
    viewOf(ref).then(
      (view) => place(req, res, ref, rest, view),
      (e) => sendError(res, e),
    );
  }

  function place(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    ref: string,
    rest: string,
    view: ProgramView | null,
  ): void {
    const peer = view ? fleet.placementOf(view.id) : null;
    if (!peer || !view) {
      vmRoute(sup, req, res, ref, rest);
      return;
    }
    forwardToPeer(
      req,
      res,
      peer,
      pools.get(peer),
      fleet.marker,
      view.seconds,
      () => vmRoute(sup, req, res, ref, rest),
      (e) => sendError(res, e),
    );
  }

  async function upgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer, ref: string, rest: string) {
    const local = () => upgradeRoute(sup, req, socket, head, ref, rest).catch((e) => socketError(socket, e));
    const marker = req.headers[FORWARDED_HEADER];
    if (marker !== undefined) {
      checkMarker(marker);
      return local();
    }
    const view = await viewOf(ref);
    const peer = view ? fleet.placementOf(view.id) : null;
    if (!peer) return local();
    forwardUpgrade(req, socket, head, peer, fleet.marker, () => void local());
  }

  /** Where a program's logs are to be read: the node it is placed on, or null to answer here (one hop at most). */
  function logsPeer(req: http.IncomingMessage, programId: string) {
    const marker = req.headers[FORWARDED_HEADER];
    if (marker === undefined) return fleet.placementOf(programId);
    checkMarker(marker);
    return null;
  }

  /**
   * `GET /control/machine/{id}/logs` (the owner's signed request): the logs live where the program runs, so a
   * request for a program placed elsewhere goes there (the Host header kept, which the signature names). True when
   * forwarded; false to answer here. Throws COMPUTE_FORWARD_INVALID on a bad marker.
   */
  function logs(req: http.IncomingMessage, res: http.ServerResponse, programId: string, local: () => void): boolean {
    const peer = logsPeer(req, programId);
    if (!peer) return false;
    forwardToPeer(req, res, peer, pools.get(peer), fleet.marker, 10, local, (e) => sendError(res, e));
    return true;
  }

  /**
   * The `stream_logs` websocket, forwarded as `logs` is: to where the program is placed, the Host header and
   * the auth frame relayed untouched. True when forwarded; false to serve here (a peer that cannot be reached
   * gives the stream of this node's own records, as `logs` does). Throws COMPUTE_FORWARD_INVALID on a bad marker.
   */
  function streamLogs(
    req: http.IncomingMessage,
    socket: net.Socket,
    head: Buffer,
    programId: string,
    local: () => void,
  ): boolean {
    const peer = logsPeer(req, programId);
    if (!peer) return false;
    forwardUpgrade(req, socket, head, peer, fleet.marker, local);
    return true;
  }

  return { http, upgrade, logs, streamLogs };
}
