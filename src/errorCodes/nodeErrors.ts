import type { NoContext } from './context.js';

/**
 * Codes of node/: what the core node refuses or fails at beyond parsing (refs, forgets, uploads, limits, its store).
 * Stable: a code is never renamed or given a new meaning; a retired code moves to RETIRED_ERROR_CODES.
 * Each entry is the typed `details` (context) the error carries.
 */
export interface NodeErrorContexts {
  AGGREGATE_NOT_FOUND: { address: string };
  AMEND_NOT_OWNER: { ref: string; owner: string | null | string; address: string };
  APPROVAL_EDITION_PASSED: { program_id: string; edition: number; current_edition: number; next_edition?: number };
  CODE_SQUASHFS_UNREADABLE: NoContext;
  COMPUTE_REPORT_INVALID: { field: string };
  COMPUTE_REPORT_PROGRAM_UNKNOWN: { program_id: string };
  COMPUTE_REPORT_NOT_TRUSTED: { sender: string };
  COMPUTE_NODE_UNKNOWN: { address: string };
  COMPUTE_HEARTBEAT_SIGNATURE_INVALID: { address: string; recovered: string | null };
  COMPUTE_HEARTBEAT_STALE: { time: number; now: number; max_skew_s: number };
  DRY_RUN_INVALID: { field: string; content_error?: string };
  DRY_RUN_RATE_LIMITED: { retry_after_s: number; burst: number; per_second: number };
  FILE_HASH_INVALID: NoContext;
  FILE_NOT_FOUND: { code_hash?: string; hash?: string };
  FILE_TOO_LARGE: { max_bytes: number };
  FORGET_FORGET: { hash: string };
  FORGET_IN_USE: { hash: string; programs: string[] };
  FORGET_NOT_AUTHORIZED: { hash: string; owner: string; sender: string; channel: string | null };
  FORGET_TARGET_UNKNOWN: { hash: string };
  GOVERNANCE_POST_INVALID: { field: string };
  INTERNAL_ERROR: NoContext;
  IPFS_CID_INVALID: { cid: string };
  IPFS_CID_MISMATCH: { declared: string | null; actual: string };
  LIST_TOO_LARGE: { field: string; value: number; max_bytes: number };
  MANIFEST_TOO_LARGE: { path: string; limit: number; what: string };
  MESSAGE_HASH_CONFLICT: { item_hash: string };
  MESSAGE_NOT_FOUND: { item_hash: string };
  NODE_SETTING_CHANGED: { setting: string; stored: number; given: number };
  NODE_SETTING_CONFLICT: { setting: string; stored: unknown; given: string[] };
  NODE_SETTING_INVALID: { setting: string; value?: number };
  PENDING_UPGRADE_FAILED: { message_hash: string };
  PENDING_UPGRADE_UNKNOWN: { program_id: string; readonly [more: string]: unknown };
  POST_AMEND_NO_REF: { field: string };
  POST_AMEND_OF_AMEND: { ref: string };
  POST_AMEND_REF_UNKNOWN: { ref: string };
  PROGRAM_CODE_UNAVAILABLE: { file_hash: string };
  PROGRAM_NOT_FOUND: { program_id: string };
  PROGRAM_REF_UNKNOWN: { field: string; ref: string };
  ROLLOUT_NOT_OWNER: { program_id: string; owner: string; address: string };
  ROLLOUT_ABORT_NOT_AUTHORIZED: { program_id: string; sender: string; owner: string };
  ROLLOUT_NOT_ACTIVE: { program_id: string; edition: number; status: string | null };
  EDITION_NOT_FOUND: { program_id: string; edition: number };
  PROGRAM_RESOURCES_OVER_LIMIT: { limit: string; declared: number; max: number };
  REPLACE_TARGET_UNKNOWN: { replaces: string };
  STORE_AMEND_OF_AMEND: { ref: string; original: string };
  STORE_HASH_MISMATCH: { declared: string | null; actual: string };
  STORE_MIGRATION_FAILED: NoContext;
  STORE_AUTH_FAILED: { store: string };
  STORE_DATABASE_MISSING: { store: string };
  STORE_SCHEMA_NEWER: { store: string; unknown_migrations: string[] };
  STORE_UNAVAILABLE: { retry_after_s: number };
  STORE_UNREACHABLE: { store: string };
  STORE_URL_INVALID: { store: string };
  STORE_REF_UNKNOWN: { ref: string };
  TOO_MANY_CONNECTIONS: NoContext;
  TOO_MANY_CONNECTIONS_FROM_CLIENT: NoContext;
  UPLOAD_FIELD_TOO_LARGE: { field: string };
  UPLOAD_INVALID: { field?: string };
  WS_QUERY_INVALID: NoContext;
  WS_SLOW_SUBSCRIBER: NoContext;
  WS_TOO_MANY_SUBSCRIBERS: NoContext;
  UPLOAD_RATE_LIMITED: { retry_after_s: number; bytes_per_minute: number };
  PRICE_REQUEST_INVALID: { field: string };
  PRICE_TYPE_UNSUPPORTED: { type: string };
  CONSOLE_NOT_BUILT: { dir: string };
  CONSOLE_FILE_NOT_FOUND: { path: string };
}

/** Every code of {@link NodeErrorContexts}, for lookups at run time. */
export const NODE_ERROR_CODES = [
  'AGGREGATE_NOT_FOUND',
  'AMEND_NOT_OWNER',
  'APPROVAL_EDITION_PASSED',
  'CODE_SQUASHFS_UNREADABLE',
  'COMPUTE_REPORT_INVALID',
  'COMPUTE_REPORT_PROGRAM_UNKNOWN',
  'COMPUTE_REPORT_NOT_TRUSTED',
  'COMPUTE_NODE_UNKNOWN',
  'COMPUTE_HEARTBEAT_SIGNATURE_INVALID',
  'COMPUTE_HEARTBEAT_STALE',
  'DRY_RUN_INVALID',
  'DRY_RUN_RATE_LIMITED',
  'FILE_HASH_INVALID',
  'FILE_NOT_FOUND',
  'FILE_TOO_LARGE',
  'FORGET_FORGET',
  'FORGET_IN_USE',
  'FORGET_NOT_AUTHORIZED',
  'FORGET_TARGET_UNKNOWN',
  'GOVERNANCE_POST_INVALID',
  'INTERNAL_ERROR',
  'IPFS_CID_INVALID',
  'IPFS_CID_MISMATCH',
  'LIST_TOO_LARGE',
  'MANIFEST_TOO_LARGE',
  'MESSAGE_HASH_CONFLICT',
  'MESSAGE_NOT_FOUND',
  'NODE_SETTING_CHANGED',
  'NODE_SETTING_CONFLICT',
  'NODE_SETTING_INVALID',
  'PENDING_UPGRADE_FAILED',
  'PENDING_UPGRADE_UNKNOWN',
  'POST_AMEND_NO_REF',
  'POST_AMEND_OF_AMEND',
  'POST_AMEND_REF_UNKNOWN',
  'PROGRAM_CODE_UNAVAILABLE',
  'PROGRAM_NOT_FOUND',
  'PROGRAM_REF_UNKNOWN',
  'PROGRAM_RESOURCES_OVER_LIMIT',
  'REPLACE_TARGET_UNKNOWN',
  'STORE_AMEND_OF_AMEND',
  'STORE_HASH_MISMATCH',
  'STORE_MIGRATION_FAILED',
  'STORE_AUTH_FAILED',
  'STORE_DATABASE_MISSING',
  'STORE_SCHEMA_NEWER',
  'STORE_UNAVAILABLE',
  'STORE_UNREACHABLE',
  'STORE_URL_INVALID',
  'STORE_REF_UNKNOWN',
  'TOO_MANY_CONNECTIONS',
  'TOO_MANY_CONNECTIONS_FROM_CLIENT',
  'UPLOAD_FIELD_TOO_LARGE',
  'UPLOAD_INVALID',
  'WS_QUERY_INVALID',
  'WS_SLOW_SUBSCRIBER',
  'WS_TOO_MANY_SUBSCRIBERS',
  'UPLOAD_RATE_LIMITED',
  'PRICE_REQUEST_INVALID',
  'PRICE_TYPE_UNSUPPORTED',
  'CONSOLE_NOT_BUILT',
  'CONSOLE_FILE_NOT_FOUND',
  'ROLLOUT_NOT_OWNER',
  'ROLLOUT_ABORT_NOT_AUTHORIZED',
  'ROLLOUT_NOT_ACTIVE',
  'EDITION_NOT_FOUND',
] as const satisfies readonly (keyof NodeErrorContexts)[];

/** One of {@link NODE_ERROR_CODES}. */
export type NodeErrorCode = keyof NodeErrorContexts;
