import type { NoContext } from './context.js';

/**
 * Codes of protocol/: a message, a content or a request that does not parse. The `REQUEST_*` codes are request errors
 * (a malformed call to the API, HTTP 422 as pyaleph answers); every other code here is a message rejection.
 * Stable: a code is never renamed or given a new meaning; a retired code moves to RETIRED_ERROR_CODES.
 * Each entry is the typed `details` (context) the error carries.
 */
export interface ProtocolErrorContexts {
  ADDRESS_INVALID: NoContext;
  CONTENT_FIELD_TYPE: { field: string; expected: string };
  CONTENT_INVALID: { field: string; issue?: string };
  CONTENT_MALFORMED_JSON: NoContext;
  CONTENT_TIME_INVALID: { field: string; time: number };
  CONTENT_TIME_IN_FUTURE: { field: string; time: number; node_time: number; max_future_seconds: number };
  CONTENT_UNKNOWN_FIELD: { field: string; fields: string[] };
  MESSAGE_CHAIN_UNSUPPORTED: { chain: string };
  MESSAGE_CONTENT_MISSING: { field: string };
  MESSAGE_CONTENT_TOO_DEEP: { field: string; max_depth: number };
  MESSAGE_CONTENT_TOO_LARGE: { size?: number; max?: number; readonly [more: string]: unknown };
  MESSAGE_FIELD_TYPE: { field: string; expected?: string };
  MESSAGE_HASH_MISMATCH: { item_hash: string; computed: string };
  MESSAGE_INVALID: { field: string; issue?: string };
  MESSAGE_INVALID_SIGNATURE: { sender?: string; recovered?: string; readonly [more: string]: unknown };
  MESSAGE_ITEM_HASH_INVALID: { field: string; item_type: string };
  MESSAGE_MALFORMED_JSON: { field?: string };
  MESSAGE_TIME_INVALID: { field: string; time: number };
  MESSAGE_TIME_IN_FUTURE: { field: string; time: number; node_time: number; max_future_seconds: number };
  MESSAGE_UNKNOWN_FIELD: { field: string; fields: string[] };
  PROGRAM_VOLUME_DUPLICATE: { field: string };
  ROLLOUT_CANARY_INVALID: { field: string };
  ROLLOUT_STEPS_INVALID: { field: string };
  ROLLOUT_PLAN_INVALID: { field: string };
  PROGRAM_VOLUME_MOUNT_INVALID: { field: string };
  PROGRAM_VOLUME_NAME_INVALID: { field: string };
  REQUEST_BODY_INVALID: { field: string };
  REQUEST_BODY_TOO_DEEP: { max_depth: number };
  REQUEST_BODY_TOO_LARGE: { field: string; max_bytes: number | null };
  REQUEST_INVALID: { field?: string };
  REQUEST_MEDIA_TYPE_UNSUPPORTED: { field: string };
  REQUEST_PATH_INVALID: { field: string; value?: unknown };
  REQUEST_QUERY_INVALID: { field: string; value?: unknown; max?: number };
  MESSAGE_CONTENT_MISMATCH: { field: string };
}

/** Every code of {@link ProtocolErrorContexts}, for lookups at run time. */
export const PROTOCOL_ERROR_CODES = [
  'ADDRESS_INVALID',
  'CONTENT_FIELD_TYPE',
  'CONTENT_INVALID',
  'CONTENT_MALFORMED_JSON',
  'CONTENT_TIME_INVALID',
  'CONTENT_TIME_IN_FUTURE',
  'CONTENT_UNKNOWN_FIELD',
  'MESSAGE_CHAIN_UNSUPPORTED',
  'MESSAGE_CONTENT_MISSING',
  'MESSAGE_CONTENT_TOO_DEEP',
  'MESSAGE_CONTENT_TOO_LARGE',
  'MESSAGE_FIELD_TYPE',
  'MESSAGE_HASH_MISMATCH',
  'MESSAGE_INVALID',
  'MESSAGE_INVALID_SIGNATURE',
  'MESSAGE_ITEM_HASH_INVALID',
  'MESSAGE_MALFORMED_JSON',
  'MESSAGE_TIME_INVALID',
  'MESSAGE_TIME_IN_FUTURE',
  'MESSAGE_UNKNOWN_FIELD',
  'PROGRAM_VOLUME_DUPLICATE',
  'PROGRAM_VOLUME_MOUNT_INVALID',
  'PROGRAM_VOLUME_NAME_INVALID',
  'REQUEST_BODY_INVALID',
  'REQUEST_BODY_TOO_DEEP',
  'REQUEST_BODY_TOO_LARGE',
  'REQUEST_INVALID',
  'REQUEST_MEDIA_TYPE_UNSUPPORTED',
  'REQUEST_PATH_INVALID',
  'REQUEST_QUERY_INVALID',
  'MESSAGE_CONTENT_MISMATCH',
  'ROLLOUT_CANARY_INVALID',
  'ROLLOUT_STEPS_INVALID',
  'ROLLOUT_PLAN_INVALID',
] as const satisfies readonly (keyof ProtocolErrorContexts)[];

/** One of {@link PROTOCOL_ERROR_CODES}. */
export type ProtocolErrorCode = keyof ProtocolErrorContexts;
