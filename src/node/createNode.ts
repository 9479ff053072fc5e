import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import websocket from '@fastify/websocket';
import { AlephError, isAlephError } from '../errors.js';
import { FileStore } from './files/fileStore.js';
import { Pipeline } from './pipeline/pipeline.js';
import { SignatureVerifier } from './pipeline/signatureVerifier.js';
import { openStore } from './store/openStore.js';
import type { NodeContext } from './nodeContext.js';
import { messagesRoutes } from './routes/messagesRoutes.js';
import { storageRoutes } from './routes/storageRoutes.js';
import { aggregatesRoutes } from './routes/aggregatesRoutes.js';
import { postsRoutes } from './routes/postsRoutes.js';
import { programsRoutes } from './routes/programsRoutes.js';
import { wsRoutes } from './events/wsRoutes.js';
import { defaultWsLimits, type WsLimits } from './events/subscribers.js';
import { defaultServerLimits, guardServer, type ServerLimits } from '../serverGuard.js';

export interface NodeOptions {
  /** Directory of the store (node.sqlite) and the files. */
  home: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Signature worker threads; 0 verifies on the main thread. */
  signatureWorkers?: number;
  maxFileBytes?: number;
  /** Connection timeouts and caps (per client IP and in total); defaults in src/serverGuard.ts. */
  server?: Partial<ServerLimits>;
  /** Websocket subscriber caps: count per IP and in total, unsent bytes, history; defaults in src/node/events/subscribers.ts. */
  ws?: Partial<WsLimits>;
}

export interface RunningNode extends NodeContext {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** Starts a core node: store, file store, pipeline and the HTTP/websocket API, listening on 127.0.0.1. */
export async function createNode(opts: NodeOptions): Promise<RunningNode> {
  await mkdir(opts.home, { recursive: true });
  const db = await openStore(join(opts.home, 'node.sqlite'));
  const files = new FileStore(join(opts.home, 'files'));
  await files.init();
  const verifier = new SignatureVerifier(opts.signatureWorkers);
  const pipeline = new Pipeline(db, files, verifier);
  const node: NodeContext = { db, files, pipeline, maxFileBytes: opts.maxFileBytes ?? 1024 * 1024 * 1024 };

  const serverLimits = { ...defaultServerLimits, ...opts.server };
  const app = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024, http: { connectionsCheckingInterval: serverLimits.checkIntervalMs } });
  guardServer(app.server, serverLimits);
  await app.register(multipart, { limits: { fileSize: node.maxFileBytes, files: 1 } });
  // The streams are server-to-client: nothing a client sends needs more than a small frame.
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  app.setErrorHandler((err: FastifyError | AlephError, _req, reply) => {
    if (isAlephError(err)) {
      return reply.code(err.status).send({ ...err.toJSON(), ...(err.status === 422 ? { message_status: 'rejected' } : {}) });
    }
    if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (err.statusCode === 400 && /JSON/i.test(err.message))) {
      return reply.code(422).send({ error_code: 'MESSAGE_MALFORMED_JSON', details: { message: `the body is not valid JSON: ${err.message}` }, message_status: 'rejected' });
    }
    if (err.statusCode && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ error_code: 'REQUEST_INVALID', details: { message: err.message } });
    }
    return reply.code(500).send({ error_code: 'INTERNAL_ERROR', details: { message: err.message } });
  });
  messagesRoutes(app, node);
  storageRoutes(app, node);
  aggregatesRoutes(app, node);
  postsRoutes(app, node);
  programsRoutes(app, node);
  wsRoutes(app, node, { ...defaultWsLimits, ...opts.ws });

  const address = await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  return {
    ...node,
    app,
    url: address.replace('[::1]', '127.0.0.1'),
    async close() {
      await app.close();
      await verifier.close();
      await db.destroy();
    },
  };
}
