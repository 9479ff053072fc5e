import type { CliErrorContexts } from './cliErrors.js';
import { CLI_ERROR_CODES } from './cliErrors.js';
import type { ClientErrorContexts } from './clientErrors.js';
import { CLIENT_ERROR_CODES } from './clientErrors.js';
import type { ComputeErrorContexts } from './computeErrors.js';
import { COMPUTE_ERROR_CODES } from './computeErrors.js';
import type { NodeErrorContexts } from './nodeErrors.js';
import { NODE_ERROR_CODES } from './nodeErrors.js';
import type { PolicyErrorContexts } from './policyErrors.js';
import { POLICY_ERROR_CODES } from './policyErrors.js';
import type { ProtocolErrorContexts } from './protocolErrors.js';
import { PROTOCOL_ERROR_CODES } from './protocolErrors.js';

export type { NoContext, OpenContext } from './context.js';
export type { CliErrorCode, CliErrorContexts } from './cliErrors.js';
export type { ClientErrorCode, ClientErrorContexts } from './clientErrors.js';
export type { ComputeErrorCode, ComputeErrorContexts } from './computeErrors.js';
export type { NodeErrorCode, NodeErrorContexts } from './nodeErrors.js';
export type { PolicyErrorContexts } from './policyErrors.js';
export type { ProtocolErrorCode, ProtocolErrorContexts } from './protocolErrors.js';
export {
  CLI_ERROR_CODES,
  CLIENT_ERROR_CODES,
  COMPUTE_ERROR_CODES,
  NODE_ERROR_CODES,
  POLICY_ERROR_CODES,
  PROTOCOL_ERROR_CODES,
};

/** Every code of the project with its typed context: the union of the six areas' registries. */
export interface ErrorContexts
  extends ProtocolErrorContexts,
    PolicyErrorContexts,
    NodeErrorContexts,
    ComputeErrorContexts,
    ClientErrorContexts,
    CliErrorContexts {}

/** Any code the project raises. */
export type AlephErrorCode = keyof ErrorContexts;

/** The area each code belongs to: a code is in exactly one (the registry test checks it). */
export const ERROR_CODES_BY_AREA = {
  protocol: PROTOCOL_ERROR_CODES,
  policy: POLICY_ERROR_CODES,
  node: NODE_ERROR_CODES,
  compute: COMPUTE_ERROR_CODES,
  client: CLIENT_ERROR_CODES,
  cli: CLI_ERROR_CODES,
} as const;

/**
 * Codes once used and withdrawn: never given again, so a script that matched one is not silently re-targeted.
 * `COMPUTE_NODE_UNREACHABLE` folded into `NODE_UNREACHABLE` (the core node did not answer, whoever asked);
 * `STORE_IPFS_UNSUPPORTED` went when the node got its IPFS store (issue 8).
 */
export const RETIRED_ERROR_CODES = ['COMPUTE_NODE_UNREACHABLE', 'STORE_IPFS_UNSUPPORTED'] as const;

/**
 * Request errors: a call to the API that is malformed (a query parameter, a path parameter, a body), answered
 * 422 as pyaleph does for invalid parameters. Never a message-rejection code: a client tells a malformed
 * request from a refused message by this set, not by the status.
 */
export const REQUEST_ERROR_CODES = [
  'REQUEST_INVALID',
  'REQUEST_PATH_INVALID',
  'REQUEST_QUERY_INVALID',
  'REQUEST_BODY_INVALID',
  'REQUEST_BODY_TOO_DEEP',
  'REQUEST_BODY_TOO_LARGE',
  'REQUEST_MEDIA_TYPE_UNSUPPORTED',
  'DRY_RUN_INVALID',
  'PRICE_REQUEST_INVALID',
  'UPLOAD_INVALID',
  'WS_QUERY_INVALID',
] as const satisfies readonly AlephErrorCode[];

/** One of {@link REQUEST_ERROR_CODES}. */
export type RequestErrorCode = (typeof REQUEST_ERROR_CODES)[number];

const requestCodes: ReadonlySet<string> = new Set(REQUEST_ERROR_CODES);

/**
 * Whether a code (from a thrown error or a node's answer) is a request error rather than a refusal.
 *
 * @example
 * isRequestErrorCode('REQUEST_QUERY_INVALID'); // true
 * isRequestErrorCode('UPGRADE_IMMUTABLE');     // false: a refusal
 */
export function isRequestErrorCode(code: string): code is RequestErrorCode {
  return requestCodes.has(code);
}
