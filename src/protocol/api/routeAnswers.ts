import type { z } from 'zod';
import { computeAboutSchema, computeTrafficSchema, programLogsSchema, runtimeAboutSchema } from './computeSchemas.js';
import { computeNodesAnswerSchema, computeHeartbeatAnswerSchema } from './fleetSchemas.js';
import { errorBodySchema } from './errorBody.js';
import { ipfsAddFileAnswerSchema, ipfsAddJsonAnswerSchema } from './ipfsSchemas.js';
import { alephMessageSchema, messageListResponseSchema, messageWithStatusSchema } from './messageSchemas.js';
import {
  addFileAnswerSchema,
  addJsonAnswerSchema,
  aggregateAnswerSchema,
  postsPageSchema,
  programEventFrameSchema,
  publicationAnswerSchema,
} from './nodeSchemas.js';
import { accountBalanceSchema, estimatedCostsSchema } from './priceSchemas.js';
import {
  dryRunResultSchema,
  editionDetailSchema,
  heightSchema,
  programHistorySchema,
  programListSchema,
  programSummaryPageSchema,
  programViewSchema,
} from './programSchemas.js';
import { computeRolloutSchema, rolloutAnswerSchema } from './rolloutSchemas.js';

type Method = 'GET' | 'POST';
const SEG = '[^/]+';

/**
 * The JSON routes of the core node and of the compute node (their paths do not overlap) and the schema of each one's
 * success answer. Not here: raw files, the console, websockets, and what a program answers under the compute
 * node's /vm/.
 */
const ROUTES: ReadonlyArray<readonly [Method, RegExp, z.ZodType]> = (
  [
    ['GET', '/api/v0/height', heightSchema],
    ['GET', '/api/v0/messages.json', messageListResponseSchema],
    ['GET', `/api/v0/messages/${SEG}`, messageWithStatusSchema],
    ['GET', '/api/v0/posts.json', postsPageSchema],
    ['GET', `/api/v0/aggregates/${SEG}`, aggregateAnswerSchema],
    ['GET', '/api/v0/programs', programListSchema],
    ['GET', '/api/v0/programs/summaries', programSummaryPageSchema],
    ['GET', `/api/v0/programs/${SEG}`, programViewSchema],
    ['GET', `/api/v0/programs/${SEG}/history`, programHistorySchema],
    ['GET', `/api/v0/programs/${SEG}/editions/${SEG}`, editionDetailSchema],
    ['GET', `/api/v0/programs/${SEG}/rollout`, rolloutAnswerSchema],
    ['GET', '/api/v0/compute/nodes', computeNodesAnswerSchema],
    ['GET', `/api/v0/price/${SEG}`, estimatedCostsSchema],
    ['GET', `/api/v0/addresses/${SEG}/balance`, accountBalanceSchema],
    ['POST', '/api/v0/messages', publicationAnswerSchema],
    ['POST', '/api/v0/storage/add_file', addFileAnswerSchema],
    ['POST', '/api/v0/storage/add_json', addJsonAnswerSchema],
    ['POST', '/api/v0/ipfs/add_file', ipfsAddFileAnswerSchema],
    ['POST', '/api/v0/ipfs/add_json', ipfsAddJsonAnswerSchema],
    ['POST', `/api/v0/programs/${SEG}/dry-run`, dryRunResultSchema],
    ['POST', '/api/v0/price/estimate', estimatedCostsSchema],
    ['POST', '/api/v0/compute/heartbeat', computeHeartbeatAnswerSchema],
    ['GET', '/about', computeAboutSchema],
    ['GET', `/about/runtime/${SEG}`, runtimeAboutSchema],
    ['GET', `/control/machine/${SEG}/logs`, programLogsSchema],
    ['GET', `/control/machine/${SEG}/rollout`, computeRolloutSchema],
    ['GET', `/control/machine/${SEG}/traffic`, computeTrafficSchema],
  ] as const
).map(([method, pattern, schema]) => [method, new RegExp(`^${pattern.replaceAll('.', '\\.')}$`), schema] as const);

/**
 * The contract schema of a node's answer to `method path` with `status`: the route's answer schema for a
 * success, the one error body for anything else; null for what is not JSON (raw files, the console, websockets).
 *
 * @example
 * answerSchemaFor('GET', '/api/v0/programs/abc/history?x=1', 200); // programHistorySchema
 * answerSchemaFor('POST', '/api/v0/messages', 422); // errorBodySchema
 */
export function answerSchemaFor(method: Method, path: string, status: number): z.ZodType | null {
  const bare = path.split('?')[0] ?? path;
  const route = ROUTES.find(([m, re]) => m === method && re.test(bare));
  if (!route) return null;
  return status >= 200 && status < 300 ? route[2] : errorBodySchema;
}

/** The core node's websocket streams and the schema of each frame. */
const STREAMS: ReadonlyArray<readonly [RegExp, z.ZodType]> = [
  [/^\/api\/ws0\/messages\/?$/, alephMessageSchema],
  [/^\/api\/ws0\/programs\/?$/, programEventFrameSchema],
];

/**
 * The contract schema of one frame of the stream at `path`; null for a path that is not one of the node's streams.
 *
 * @example
 * frameSchemaFor('/api/ws0/programs'); // programEventFrameSchema
 */
export function frameSchemaFor(path: string): z.ZodType | null {
  return STREAMS.find(([re]) => re.test(path))?.[1] ?? null;
}
