import type { AlephError, AlephErrorCode } from '../errors.js';

/**
 * The compute node's one mapping from error codes to HTTP statuses. It is a gateway to programs: whatever keeps a
 * program from starting or answering (its archive, runtime, sandbox, volumes, the core node) is a 502 unless listed.
 */
const STATUS: Partial<Record<AlephErrorCode, number>> = {
  COMPUTE_BAD_REQUEST: 400,
  COMPUTE_NOT_FOUND: 404,
  COMPUTE_EDITION_NOT_SERVING: 409,
  OPERATOR_AUTH_MISSING: 401,
  OPERATOR_AUTH_MALFORMED: 400,
  OPERATOR_CHAIN_UNSUPPORTED: 400,
  OPERATOR_TOKEN_EXPIRED: 401,
  OPERATOR_SIGNATURE_INVALID: 401,
  OPERATOR_OPERATION_EXPIRED: 401,
  OPERATOR_WRONG_TARGET: 401,
  OPERATOR_NOT_OWNER: 403,
  COMPUTE_FORWARD_INVALID: 403,
  COMPUTE_PROGRAM_NOT_FOUND: 404,
  COMPUTE_RUNTIME_NOT_FOUND: 404,
  COMPUTE_CAPACITY_EXCEEDED: 503,
  COMPUTE_VOLUMES_UNAVAILABLE: 503,
  COMPUTE_VOLUME_BUSY: 503,
  PROGRAM_TIMEOUT: 504,
  COMPUTE_INTERNAL: 500,
};

/**
 * The HTTP status the compute node answers an error with.
 *
 * @example
 * computeStatusOf(new AlephError('PROGRAM_TIMEOUT', 'over 10 s')); // 504
 */
export function computeStatusOf(e: AlephError): number {
  return STATUS[e.code] ?? 502;
}
