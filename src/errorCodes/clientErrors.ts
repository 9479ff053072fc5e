import type { NoContext, OpenContext } from './context.js';

/**
 * Codes of client/: what the SDK itself detects (transport, answers that do not parse, local checks).
 * Stable: a code is never renamed or given a new meaning; a retired code moves to RETIRED_ERROR_CODES.
 * Each entry is the typed `details` (context) the error carries.
 */
export interface ClientErrorContexts {
  ACCOUNT_INVALID_KEY: { path?: string };
  ACCOUNT_KEY_EXISTS: { path: string };
  ACCOUNT_KEY_MISSING: { path: string };
  AMEND_UNSUPPORTED: NoContext;
  CODE_ENCODING_MISMATCH: { expected: string | undefined | string; got: string };
  CODE_INVALID_ARCHIVE: { path: string };
  CODE_NOT_FOUND: NoContext;
  CODE_PINNED: { program: string; code_ref: string };
  HTTP_BAD_RESPONSE: NoContext;
  HTTP_ERROR: { url: string; status: number; readonly [more: string]: unknown };
  MESSAGE_FORGOTTEN: { hash: string; forgotten_by: string[] };
  MESSAGE_REJECTED: { hash: string; error_code: string | undefined; readonly [more: string]: unknown };
  MESSAGE_SENDER_MISMATCH: NoContext;
  MESSAGE_WRONG_TYPE: { hash: string; type: string; expected: string };
  NODE_UNREACHABLE: { url: string; reason: string };
  NOT_FOUND: { url: string };
  OPTION_INVALID_CHECKSUM: NoContext;
  OPTION_INVALID_EDITION: NoContext;
  OPTION_INVALID_ENV_VARS: { part: string };
  OPTION_INVALID_MAPPING: NoContext;
  OPTION_INVALID_VOLUME: { kind: string; spec: string };
  PROGRAM_INVALID: NoContext;
  RESPONSE_INVALID: { url: string; field: string; problem: string };
  ROLLOUT_UPGRADE_REFUSED: { program_id: string; error_code: string };
  ROLLBACK_EDITION_UNKNOWN: { program_id: string; edition: number };
  ROLLBACK_TARGET_ABORTED: { program_id: string; edition: number };
  ROLLBACK_NOT_REPRODUCIBLE: { program_id: string; edition: number; expected: string; got: string | null };
  ROLLBACK_REFUSED: { program_id: string; edition: number; error_code: string };
  STORAGE_HASH_MISMATCH: { expected: string; got: string };
  STORAGE_REJECTED: OpenContext;
}

/** Every code of {@link ClientErrorContexts}, for lookups at run time. */
export const CLIENT_ERROR_CODES = [
  'ACCOUNT_INVALID_KEY',
  'ACCOUNT_KEY_EXISTS',
  'ACCOUNT_KEY_MISSING',
  'AMEND_UNSUPPORTED',
  'CODE_ENCODING_MISMATCH',
  'CODE_INVALID_ARCHIVE',
  'CODE_NOT_FOUND',
  'CODE_PINNED',
  'HTTP_BAD_RESPONSE',
  'HTTP_ERROR',
  'MESSAGE_FORGOTTEN',
  'MESSAGE_REJECTED',
  'MESSAGE_SENDER_MISMATCH',
  'MESSAGE_WRONG_TYPE',
  'NODE_UNREACHABLE',
  'NOT_FOUND',
  'OPTION_INVALID_CHECKSUM',
  'OPTION_INVALID_EDITION',
  'OPTION_INVALID_ENV_VARS',
  'OPTION_INVALID_MAPPING',
  'OPTION_INVALID_VOLUME',
  'PROGRAM_INVALID',
  'RESPONSE_INVALID',
  'STORAGE_HASH_MISMATCH',
  'STORAGE_REJECTED',
  'ROLLOUT_UPGRADE_REFUSED',
  'ROLLBACK_EDITION_UNKNOWN',
  'ROLLBACK_TARGET_ABORTED',
  'ROLLBACK_NOT_REPRODUCIBLE',
  'ROLLBACK_REFUSED',
] as const satisfies readonly (keyof ClientErrorContexts)[];

/** One of {@link CLIENT_ERROR_CODES}. */
export type ClientErrorCode = keyof ClientErrorContexts;
