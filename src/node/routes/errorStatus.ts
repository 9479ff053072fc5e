import type { FastifyError } from 'fastify';
import { AlephError, isAlephError, type AlephErrorCode } from '../../errors.js';
import { isRequestErrorCode } from '../../errorCodes/index.js';

/**
 * The core node's one mapping from error codes to HTTP statuses: domain errors carry none. Anything not listed is
 * 422: a request error (as pyaleph answers invalid parameters) or a refused message, told apart by the code.
 */
const STATUS: Partial<Record<AlephErrorCode, number>> = {
  AGGREGATE_NOT_FOUND: 404,
  FILE_NOT_FOUND: 404,
  MESSAGE_NOT_FOUND: 404,
  PROGRAM_NOT_FOUND: 404,
  CONSOLE_FILE_NOT_FOUND: 404,
  CONSOLE_NOT_BUILT: 503,
  EDITION_NOT_FOUND: 404,
  FILE_TOO_LARGE: 413,
  LIST_TOO_LARGE: 413,
  REQUEST_BODY_TOO_LARGE: 413,
  UPLOAD_FIELD_TOO_LARGE: 413,
  REQUEST_MEDIA_TYPE_UNSUPPORTED: 415,
  PRICE_TYPE_UNSUPPORTED: 400,
  IPFS_CID_INVALID: 400,
  DRY_RUN_RATE_LIMITED: 429,
  UPLOAD_RATE_LIMITED: 429,
  COMPUTE_HEARTBEAT_SIGNATURE_INVALID: 401,
  COMPUTE_HEARTBEAT_STALE: 401,
  COMPUTE_NODE_UNKNOWN: 403,
  INTERNAL_ERROR: 500,
  STORE_MIGRATION_FAILED: 500,
  STORE_UNAVAILABLE: 503,
};

/**
 * The HTTP status the node answers an error with.
 *
 * @example
 * nodeStatusOf(new AlephError('FILE_NOT_FOUND', 'no file')); // 404
 */
export function nodeStatusOf(e: AlephError): number {
  return STATUS[e.code] ?? 422;
}

/** Whether the node answers this error as a refused message (a 422 that is not a request error). */
export function isMessageRejection(e: unknown): boolean {
  return isAlephError(e) && nodeStatusOf(e) === 422 && !isRequestErrorCode(e.code);
}

/**
 * Fastify's own failures (a body that is not JSON, too large, of a type no parser takes) as the project's errors,
 * so the one mapping above answers them too; anything else is a bug of the node.
 */
export function fromFastifyError(err: FastifyError, bodyLimit?: number): AlephError {
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (err.statusCode === 400 && /JSON/i.test(err.message))) {
    return new AlephError('MESSAGE_MALFORMED_JSON', `the body is not valid JSON: ${err.message}`, {
      hint: 'send a JSON body',
      details: { field: '(body)' },
    });
  }
  if (err.code === 'FST_ERR_BAD_URL')
    return new AlephError('REQUEST_INVALID', 'the path is not valid percent-encoded UTF-8', {
      hint: 'percent-encode the path (encodeURIComponent each segment)',
      details: { field: 'path' },
    });
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH')
    return new AlephError('REQUEST_INVALID', 'a path segment is longer than any identifier the node serves', {
      hint: 'check the hash, address or id in the path',
      details: { field: 'path' },
    });
  if (err.statusCode === 413) {
    const max = bodyLimit ?? null;
    return new AlephError(
      'REQUEST_BODY_TOO_LARGE',
      max === null ? err.message : `the body is too large: more than ${max} bytes`,
      {
        hint: 'send a smaller body (files: upload them with /api/v0/storage/add_file)',
        details: { field: '(body)', max_bytes: max },
      },
    );
  }
  if (err.statusCode === 415)
    return new AlephError('REQUEST_MEDIA_TYPE_UNSUPPORTED', err.message, {
      hint: 'send content-type: application/json',
      details: { field: 'content-type' },
    });
  if (err.statusCode && err.statusCode < 500) return new AlephError('REQUEST_INVALID', err.message, {});
  return new AlephError('INTERNAL_ERROR', err.message, { cause: err });
}
