import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { AlephError } from '../../errors.js';
import { sweepPartials } from '../archive/sweepPartials.js';
import { NodeApi } from '../api/nodeApi.js';
import { followPrograms } from '../follower/followPrograms.js';
import { sendError, vmRoute } from '../router/vmRoute.js';
import { fastVm, vmFromPath } from '../router/vmTarget.js';
import { socketError, upgradeRoute } from '../router/upgradeRoute.js';
import { computeRouter } from './computeRoutes.js';
import { logsRoute } from './logsRoute.js';
import { streamLogsUpgrade } from './streamLogs.js';
import { Artifacts } from '../supervisor/artifacts.js';
import { ProgramLogs } from '../supervisor/programLogs.js';
import { Supervisor } from '../supervisor/supervisor.js';
import { computeAccount, ServingReporter } from '../supervisor/servingReports.js';
import { Capacity, hostCapacity, type ComputeCapacity } from '../supervisor/capacity.js';
import { seccompProgram } from '../sandbox/seccompFilter.js';
import { aboutRuntime } from './aboutRuntime.js';
import { assertSandboxHost } from '../sandbox/hostRequirements.js';
import { DEFAULT_UID_RANGE, ProgramUids, type UidRange } from '../sandbox/programUids.js';
import { assertPidLimits, DEFAULT_PIDS_BUDGET, DEFAULT_PIDS_MAX } from '../sandbox/resourceLimits.js';
import { sweepStaleCgroups } from '../sandbox/cgroupSweep.js';
import { defaultServerLimits, guardServer, type ServerLimits } from '../../serverGuard.js';
import type { ComputeAbout } from '../../protocol/api/computeSchemas.js';
import { FleetMembership } from '../fleet/fleetMembership.js';
import { fleetRouter } from '../fleet/fleetRoute.js';
import { PeerPools } from '../fleet/forwardToPeer.js';
import { SandboxPool } from '../pool/sandboxPool.js';
import { within } from '../within.js';

export interface ComputeNodeOptions {
  /** The core node's API, e.g. http://127.0.0.1:4024. */
  apiUrl: string;
  /** Holds downloaded files, extracted code, persistent volumes, logs and sockets. */
  home: string;
  host?: string;
  /** Default 4020 (aleph's CRN port); 0 picks a free one. */
  port?: number;
  /** Where runtimes are unpacked (keyed by file hash, shareable between compute nodes); default home/runtimes. */
  runtimeCacheDir?: string;
  /** Runtime refs that stand for another STORE on this network (the devnet's seed default ref). */
  runtimeAliases?: Record<string, string>;
  /** What all programs together may declare here; unset parts default to the host's sizes (see supervisor/capacity.ts). */
  capacity?: Partial<ComputeCapacity>;
  /**
   * Host uids given to programs, one each for good (recorded in home/uids.json); default 200000 + 65536.
   * Keep it clear of real users and of /etc/subuid ranges given to others.
   */
  programUids?: UidRange;
  /** Most processes per program (default 256) and for all programs together (default 4096, cgroup 'aleph'). */
  programPids?: { max?: number; budget?: number };
  /** Connection timeouts and caps (per client IP and in total); defaults in src/serverGuard.ts. */
  server?: Partial<ServerLimits>;
  /** The domain operator requests (logs) must be signed for, as aleph-vm's DOMAIN_NAME; default: the Host header's. */
  domain?: string;
  /** This node's name in the fleet (`aleph compute --name`); default ''. */
  name?: string;
  /** Where the other compute nodes reach this one; default the address it listens on. */
  publicUrl?: string;
  /**
   * Pre-started sandboxes kept idle per runtime, interpreter and internet setting, which first requests take
   * (compute/pool); default 1, 0 disables, at most 64. Each idle one costs memory (the bench reports MiB per sandbox).
   */
  poolSize?: number;
  /** How often it heartbeats to the core node and refreshes the fleet's live set; default 1000 ms. */
  heartbeatMs?: number;
}

/** `address`: the compute node's own key (home/compute.key), which signs its serving reports. */
export interface ComputeNode {
  url: string;
  address: string;
  supervisor: Supervisor;
  logs: ProgramLogs;
  /** This node's view of the fleet: the live set and where each program is placed. */
  fleet: FleetMembership;
  close(): Promise<void>;
}

/**
 * The compute node: an HTTP server that routes `/vm/{id or hash}/...` to sandboxed programs, learning about
 * programs only from the core node's API and its `/api/ws0/programs` stream.
 * @example const c = await createComputeNode({ apiUrl: 'http://127.0.0.1:4024', home: '.aleph/compute' })
 */
export async function createComputeNode(opts: ComputeNodeOptions): Promise<ComputeNode> {
  // No program may run without the syscall filter: a host without libseccomp fails here, not at the first request.
  seccompProgram();
  assertSandboxHost();
  const home = resolve(opts.home);
  const uids = new ProgramUids(join(home, 'uids.json'), opts.programUids ?? DEFAULT_UID_RANGE);
  const api = new NodeApi(opts.apiUrl, join(home, 'files'));
  const runtimeCacheDir = opts.runtimeCacheDir ?? join(home, 'runtimes');
  // Staging dirs of extractions a crash or kill -9 interrupted: never read, but they would take disk forever.
  sweepPartials([join(home, 'code'), join(home, 'volumes-ro'), runtimeCacheDir]);
  const artifacts = new Artifacts(api, home, runtimeCacheDir);
  const logs = new ProgramLogs(home);
  const reporter = new ServingReporter(opts.apiUrl, computeAccount(home), home, (e) =>
    process.emitWarning(e.message, 'ServingReport'),
  );
  const pids = assertPidLimits({
    max: opts.programPids?.max ?? DEFAULT_PIDS_MAX,
    budget: { ...DEFAULT_PIDS_BUDGET, max: opts.programPids?.budget ?? DEFAULT_PIDS_BUDGET.max },
  });
  const pool = new SandboxPool({
    dir: join(home, 'run', 'pool'),
    uids,
    // Bounded: each idle sandbox holds an interpreter's memory (tens of MiB).
    size: Math.min(64, Math.max(0, Math.trunc(opts.poolSize ?? 1))),
    pids,
    onEvent: (line) => process.emitWarning(line, 'ComputePool'),
  });
  // The empty cgroups of programs a kill -9 of a compute node (this one or another of the host) left behind.
  sweepStaleCgroups(pids.budget.group);
  const sup = new Supervisor(
    api,
    artifacts,
    logs,
    join(home, 'run'),
    new Capacity({ ...hostCapacity(home), ...opts.capacity }),
    { uids, pids, pool },
    reporter,
  );
  await artifacts.persistent.recover();
  // Volumes of programs forgotten (or volumes dropped) while this node was down; kept when the core node is down.
  await sup.sweepVolumes();
  const aliases = opts.runtimeAliases ?? {};

  const limits = { ...defaultServerLimits, ...opts.server };
  // Set once listening (the fleet needs this node's url): until then every program is served here.
  let fleetRoute: ReturnType<typeof fleetRouter> | null = null;
  const vm = (req: http.IncomingMessage, res: http.ServerResponse, ref: string, rest: string) =>
    fleetRoute ? fleetRoute.http(req, res, ref, rest) : vmRoute(sup, req, res, ref, rest);
  const route = computeRouter({
    vm: (ref, rest, c) => vm(c.req, c.res, ref, rest),
    logs: async (id, c) => {
      const here = async () => json(c.res, 200, await logsRoute(api, logs, c.req, c.pathname, id, opts.domain));
      if (!fleetRoute?.logs(c.req, c.res, id, () => void here().catch((e) => sendError(c.res, e)))) await here();
    },
    aboutRuntime: async (ref, c) => json(c.res, 200, await aboutRuntime(api, artifacts, aliases, ref)),
    about: (c) =>
      json(c.res, 200, {
        name: 'aleph-ts compute node',
        api_url: opts.apiUrl,
        address: reporter.address,
        fleet: fleetRoute ? [...fleet.liveNodes()] : [],
      } satisfies ComputeAbout),
    rollout: (id, c) => json(c.res, 200, sup.rolloutCounts(id)),
    // Counted where the program runs; the web console, served by the core node, reads every node's (hence CORS).
    traffic: (id, c) =>
      json(c.res, 200, sup.traffic.window(id, reporter.address), { 'access-control-allow-origin': '*' }),
  });
  const server = http.createServer({ connectionsCheckingInterval: limits.checkIntervalMs }, (req, res) => {
    const fast = fastVm(req.url ?? '/');
    if (fast) return vm(req, res, fast[0], fast[1]);
    route(req, res).catch((e) => sendError(res, e));
  });
  const streamLogs = streamLogsUpgrade(api, logs, opts.domain, (req, socket, head, id, local) => {
    try {
      return fleetRoute?.streamLogs(req, socket as Socket, head, id, local) ?? false;
    } catch (e) {
      socketError(socket as Socket, e);
      return true;
    }
  });
  // Websockets (and any other Upgrade) to programs; node:http has already answered a malformed head with 400.
  server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    // The owner's log stream (aleph-vm's stream_logs); false for any other path.
    if (streamLogs(req, socket, head)) return;
    const target = fastVm(req.url ?? '/') ?? vmFromPath(req.url ?? '/');
    if (!target)
      return socketError(
        socket,
        new AlephError('COMPUTE_NOT_FOUND', `no upgrade at ${req.url}`, {
          hint: 'programs answer under /vm/{program id}/',
        }),
      );
    (fleetRoute
      ? fleetRoute.upgrade(req, socket, head, target[0], target[1])
      : upgradeRoute(sup, req, socket, head, target[0], target[1])
    ).catch((e) => socketError(socket, e));
  });
  guardServer(server, { ...limits, keepAliveTimeoutMs: opts.server?.keepAliveTimeoutMs ?? 10_000 });

  // On a reconnect, events sent meanwhile are lost: re-check everything cached against the node.
  const follower = followPrograms(
    opts.apiUrl,
    (e) => void sup.onEvent(e),
    () => void sup.resync(),
  );
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 4020, opts.host ?? '127.0.0.1', () => ok());
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.address}:${addr.port}`;
  // The fleet (DESIGN §8): heartbeats signed by this node's key; programs placed over the live set.
  const pools = new PeerPools();
  const fleet = new FleetMembership({
    apiUrl: opts.apiUrl,
    account: reporter.account,
    url: opts.publicUrl ?? url,
    name: opts.name ?? '',
    ...(opts.heartbeatMs ? { intervalMs: opts.heartbeatMs } : {}),
    onChange: () => {
      pools.retain(fleet.liveNodes());
      void sup.rebalance();
    },
    onError: (e) => process.emitWarning(e.message, 'ComputeFleet'),
  });
  sup.placedHere = (id) => fleet.placementOf(id) === null;
  // Events from here on are seen; list persistent programs after subscribing so none slips between the two, and
  // after the first beat, so only those placed here start.
  await Promise.all([within(follower.connected, 2000), fleet.start()]);
  fleetRoute = fleetRouter(sup, fleet, pools);
  void sup.startPersistent().catch(() => {});
  return {
    url,
    address: reporter.address,
    supervisor: sup,
    logs,
    fleet,
    close: async () => {
      fleet.close();
      follower.close();
      await pools.close();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await sup.close();
      await pool.close();
      await artifacts.persistent.close();
    },
  };
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
