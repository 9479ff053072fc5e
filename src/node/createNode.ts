import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import websocket from '@fastify/websocket';
import { type AlephError, isAlephError } from '../errors.js';
import { fromFastifyError, isMessageRejection, nodeStatusOf } from './routes/errorStatus.js';
import { FileStore } from './files/fileStore.js';
import { UploadGc } from './files/uploadGc.js';
import { DEFAULT_UNAUTHENTICATED_UPLOAD_BYTES, Pipeline } from './pipeline/pipeline.js';
import { SignatureVerifier } from './pipeline/signatureVerifier.js';
import { BlockClock, type Clock } from './pipeline/blockClock.js';
import { setTrustedCompute } from './programs/computeReports.js';
import { programLimitsOf, type ProgramLimits } from './pipeline/programLimits.js';
import { isStoreAway, STORE_RETRY_AFTER_S, storeUnavailable } from './store/storeUnavailable.js';
import { followOtherWriters, openStore, sharedFilesOf, storeReader, storeThreadsExited } from './store/openStore.js';
import type { NodeContext } from './nodeContext.js';
import { messagesRoutes } from './routes/messagesRoutes.js';
import { storageRoutes } from './routes/storageRoutes.js';
import { ipfsRoutes } from './routes/ipfsRoutes.js';
import { UploadBudget } from './files/uploadBudget.js';
import { aggregatesRoutes } from './routes/aggregatesRoutes.js';
import { postsRoutes } from './routes/postsRoutes.js';
import { programsRoutes } from './routes/programsRoutes.js';
import { priceRoutes } from './routes/priceRoutes.js';
import { pricingSettingsOf, type PricingSettings } from './pricing/pricingSettings.js';
import { wsRoutes } from './events/wsRoutes.js';
import { consoleRoutes } from './routes/consoleRoutes.js';
import { computeFleetRoutes } from './routes/computeFleetRoutes.js';
import {
  DEFAULT_COMPUTE_LIVE_SECONDS,
  DEFAULT_COMPUTE_MAX_SKEW_SECONDS,
  listComputeNodes,
} from './fleet/computeFleet.js';
import { resolveNodeLimits, type NodeLimits } from './nodeLimits.js';
import { installJsonBodyParser } from './routes/jsonBodyParser.js';
import { defaultWsLimits, type WsLimits } from './events/subscribers.js';
import { closeWithoutReset, defaultServerLimits, guardServer, type ServerLimits } from '../serverGuard.js';

export interface NodeOptions {
  /** Directory of the store (node.sqlite) and the files. */
  home: string;
  /** The store of record instead of HOME/node.sqlite: `postgres://…` (shared by core nodes) or a SQLite path. */
  store?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Signature worker threads; 0 verifies on the main thread. */
  signatureWorkers?: number;
  maxFileBytes?: number;
  /** Where the ordered writer reads the time (default: the wall clock); tests pass one they move. */
  clock?: Clock;
  /** A network setting, fixed at the store's first start: a block is cut every this many ms (default 1000). */
  blockIntervalMs?: number;
  /**
   * The compute fleet's allow-list (`aleph node --compute-allow`): compute nodes that may register and heartbeat
   * (POST /api/v0/compute/heartbeat), and whose signed `aleph-compute-report` POSTs are accepted.
   */
  trustedComputeAddresses?: string[];
  /** A compute node is live while its last heartbeat is at most this old (default 3 s; it beats every second). */
  computeLiveSeconds?: number;
  /** The most one PROGRAM may declare (a network setting); defaults in pipeline/programLimits.ts. */
  programLimits?: Partial<ProgramLimits>;
  /** Largest upload without a signed STORE sent ahead of the file (pyaleph's max_unauthenticated_upload_file_size). Default 25 MiB. */
  maxUnauthenticatedUploadBytes?: number;
  /** An upload no STORE names is deleted once this old (pyaleph's storage grace period). Default 24 h. */
  uploadGraceSeconds?: number;
  /** How often unused uploads are collected. Default 10 min. */
  uploadGcIntervalSeconds?: number;
  /** Characters kept of each envelope field and of the details of a refused message. Default 4096. */
  maxRejectedContentChars?: number;
  /** Largest body of POST /api/v0/messages (aleph's inline content is at most 200,000 chars). Default 2 MiB. */
  maxMessageBodyBytes?: number;
  /** Bounds on bodies, content, clock skew and listings (defaults in nodeLimits.ts). */
  limits?: Partial<NodeLimits>;
  /** Connection timeouts and caps (per client IP and in total); defaults in src/serverGuard.ts. */
  server?: Partial<ServerLimits>;
  /** Websocket subscriber caps: count per IP and in total, unsent bytes, history; defaults in src/node/events/subscribers.ts. */
  ws?: Partial<WsLimits>;
  /** The pricing aggregate served at aleph's ALEPH_AGGREGATE_ADDRESS (prices are zero: src/node/pricing). */
  pricing?: Partial<PricingSettings>;
  /** The built web console served under /console/ (default: the package's dist/console). */
  consoleDir?: string;
}

export interface RunningNode extends NodeContext {
  app: FastifyInstance;
  url: string;
  uploadGc: UploadGc;
  close(): Promise<void>;
}

/** The default bound of a `POST /api/v0/messages` body (413 past it). */
export const DEFAULT_MAX_MESSAGE_BODY_BYTES = 2 * 1024 * 1024;

/** Starts a core node: store, file store, pipeline and the HTTP/websocket API, listening on 127.0.0.1. */
export async function createNode(opts: NodeOptions): Promise<RunningNode> {
  const programLimits = programLimitsOf(opts.programLimits);
  await mkdir(opts.home, { recursive: true });
  const limits = resolveNodeLimits(opts.limits);
  const db = await openStore(opts.store ?? join(opts.home, 'node.sqlite'));
  // First: a list the store's other running core nodes do not share is refused before anything starts.
  await setTrustedCompute(db, opts.trustedComputeAddresses ?? []).catch(async (e: unknown) => {
    await db.destroy();
    throw e;
  });
  const files = new FileStore(join(opts.home, 'files'), sharedFilesOf(db));
  await files.init();
  const verifier = new SignatureVerifier(opts.signatureWorkers);
  const maxUnauthenticatedUploadBytes = opts.maxUnauthenticatedUploadBytes ?? DEFAULT_UNAUTHENTICATED_UPLOAD_BYTES;
  // Content files come from add_json, which has the anonymous cap.
  const blocks = await BlockClock.open(db, opts.clock, opts.blockIntervalMs);
  const pipeline = new Pipeline(db, files, verifier, blocks, {
    programLimits,
    parseLimits: limits,
    maxContentFileBytes: maxUnauthenticatedUploadBytes,
    ...(opts.maxRejectedContentChars !== undefined ? { maxRejectedContentChars: opts.maxRejectedContentChars } : {}),
  });
  // Several core nodes on one PostgreSQL: each streams what the others commit too.
  const follower = await followOtherWriters(db, pipeline.bus);
  const node: NodeContext = {
    db,
    reads: storeReader(db),
    files,
    pipeline,
    maxFileBytes: opts.maxFileBytes ?? 1024 * 1024 * 1024,
    programLimits,
    limits,
    maxUnauthenticatedUploadBytes,
    maxMessageBodyBytes: opts.maxMessageBodyBytes ?? DEFAULT_MAX_MESSAGE_BODY_BYTES,
  };
  const uploadGc = new UploadGc(db, files, {
    graceSeconds: opts.uploadGraceSeconds ?? 24 * 3600,
    intervalSeconds: opts.uploadGcIntervalSeconds ?? 600,
    pendingExpirySeconds: limits.pendingExpirySeconds,
  });

  const serverLimits = { ...defaultServerLimits, ...opts.server };
  const answerError = (err: FastifyError | AlephError, req: FastifyRequest, reply: FastifyReply) => {
    // The one place the node turns an error into an answer (routes throw; none builds an error body by hand).
    const e = isStoreAway(err)
      ? storeUnavailable(err)
      : isAlephError(err)
        ? err
        : fromFastifyError(err, req.routeOptions?.bodyLimit);
    if (e.code === 'STORE_UNAVAILABLE') void reply.header('retry-after', String(STORE_RETRY_AFTER_S));
    // Answered while the body is still coming (too large, wrong type): the client must get to read it.
    if (!req.raw.complete && req.raw.socket) closeWithoutReset(req.raw.socket, reply.raw);
    return reply
      .code(nodeStatusOf(e))
      .send({ ...e.toJSON(), ...(isMessageRejection(e) ? { message_status: 'rejected' } : {}) });
  };
  const app = Fastify({
    logger: false,
    // A path that is not valid percent-encoding fails in the router, before any route: the same answer shape.
    frameworkErrors: answerError,
    bodyLimit: 8 * 1024 * 1024,
    http: { connectionsCheckingInterval: serverLimits.checkIntervalMs },
  });
  guardServer(app.server, serverLimits);
  // fileSize one byte over our own cap, so the file store sees the excess and refuses it (busboy would just
  // cut); few fields, because @fastify/multipart keeps every field of a request in memory.
  await app.register(multipart, { limits: { fileSize: node.maxFileBytes + 1, files: 1, fields: 8, parts: 9 } });
  // The streams are server-to-client: nothing a client sends needs more than a small frame.
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  installJsonBodyParser(app, limits.maxJsonDepth);
  app.setErrorHandler(answerError);
  messagesRoutes(app, node);
  // One anonymous-upload budget for both engines, so a client cannot double it by alternating.
  const uploadBudget = new UploadBudget(limits.anonymousUploadBytesPerMinute);
  storageRoutes(app, node, uploadBudget);
  ipfsRoutes(app, node, uploadBudget);
  aggregatesRoutes(app, node, pricingSettingsOf(opts.pricing));
  priceRoutes(app, node);
  postsRoutes(app, node);
  programsRoutes(app, node);
  wsRoutes(app, node, { ...defaultWsLimits, ...opts.ws });
  // The console reads request counts from the compute nodes themselves: its CSP names the registered ones.
  await consoleRoutes(app, opts.consoleDir, async () =>
    (await listComputeNodes(node.reads, 0, 0)).nodes.map((n) => n.url),
  );
  computeFleetRoutes(app, node, {
    allow: opts.trustedComputeAddresses ?? [],
    liveSeconds: opts.computeLiveSeconds ?? DEFAULT_COMPUTE_LIVE_SECONDS,
    maxSkewSeconds: DEFAULT_COMPUTE_MAX_SKEW_SECONDS,
  });

  const address = await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  uploadGc.start();
  return {
    ...node,
    app,
    uploadGc,
    url: address.replace('[::1]', '127.0.0.1'),
    async close() {
      pipeline.close();
      await follower.close();
      await uploadGc.stop();
      await app.close();
      await verifier.close();
      await db.destroy();
      await storeThreadsExited(db);
    },
  };
}
