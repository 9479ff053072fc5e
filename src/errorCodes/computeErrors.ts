import type { NoContext, OpenContext } from './context.js';

/**
 * Codes of compute/: the compute node, its sandboxes, runtimes, archives and volumes.
 * Stable: a code is never renamed or given a new meaning; a retired code moves to RETIRED_ERROR_CODES.
 * Each entry is the typed `details` (context) the error carries.
 */
export interface ComputeErrorContexts {
  ARCHIVE_DEST_NOT_EMPTY: NoContext;
  ARCHIVE_INVALID: OpenContext;
  ARCHIVE_TIMEOUT: { timeout_ms: number };
  ARCHIVE_TOO_LARGE: { limit: number; unit: string; readonly [more: string]: unknown };
  ARCHIVE_UNSAFE_ENTRY: { entry: string };
  ARCHIVE_UNSAFE_PATH: { entry: string };
  COMPUTE_CAPACITY_EXCEEDED: { resource: string; declared: number; in_use: number; capacity: number };
  COMPUTE_FILE_MISSING: { hash: string };
  COMPUTE_HOST_TOOL_MISSING: NoContext;
  COMPUTE_INTERNAL: NoContext;
  COMPUTE_EDITION_NOT_SERVING: { program_id: string; edition: string; serving: number[] };
  COMPUTE_NOT_FOUND: OpenContext;
  COMPUTE_PATH_UNSAFE: { path: string; reason: string };
  COMPUTE_PROGRAM_INVALID: OpenContext;
  COMPUTE_PROGRAM_NOT_FOUND: NoContext;
  COMPUTE_REF_UNRESOLVED: { program?: string; kind?: string; mount?: string | null; readonly [more: string]: unknown };
  COMPUTE_RUNTIME_NOT_FOUND: { ref: string };
  COMPUTE_SETTING_INVALID: { setting: string };
  COMPUTE_VOLUMES_UNAVAILABLE: { reason: string };
  COMPUTE_VOLUME_BUSY: { devices: string[]; waitedMs: number };
  COMPUTE_VOLUME_FAILED: OpenContext;
  PROGRAM_CRASHED: { reason: string; readonly [more: string]: unknown };
  PROGRAM_ENTRYPOINT_INVALID: { entrypoint: string };
  PROGRAM_EXITED: { instanceId: string; stderr: string[]; readonly [more: string]: unknown };
  PROGRAM_NOT_LISTENING: { instanceId: string; stderr: string[] };
  PROGRAM_OOM: { instanceId: string; stderr: string[]; readonly [more: string]: unknown };
  PROGRAM_TIMEOUT: { seconds: number };
  RUNTIME_BUILD_FAILED: OpenContext;
  RUNTIME_CHECK_FAILED: { stderr?: string; readonly [more: string]: unknown };
  RUNTIME_MISSING_INTERPRETER: { runtimeRoot: string; interpreter: string };
  RUNTIME_PACK_FAILED: NoContext;
  SANDBOX_NEEDS_ROOT: NoContext;
  SANDBOX_NETWORK_FAILED: NoContext;
  SANDBOX_PIDS_LIMIT_INVALID: OpenContext;
  SANDBOX_SECCOMP_UNAVAILABLE: { tried: string[] };
  SANDBOX_START_FAILED: {
    path?: string;
    socketPath?: string;
    hostUid?: number;
    instanceId?: string;
    stderr?: string[];
    readonly [more: string]: unknown;
  };
  SANDBOX_UIDS_EXHAUSTED: OpenContext;
  SANDBOX_POOL_ASSIGN_FAILED: OpenContext;
  SANDBOX_UID_MAP_CORRUPT: { file: string };
  SANDBOX_UID_RANGE_INVALID: OpenContext;
  SANDBOX_USERNS_UNAVAILABLE: { problem: string };
  VOLUME_HOST_PATH_INVALID: { hostPath: string };
  VOLUME_MOUNT_INVALID: { path?: string; mount?: string };
  COMPUTE_BAD_REQUEST: NoContext;
  OPERATOR_AUTH_MISSING: { header: string };
  OPERATOR_AUTH_MALFORMED: { header: string };
  OPERATOR_CHAIN_UNSUPPORTED: OpenContext;
  OPERATOR_TOKEN_EXPIRED: { expires: string | number };
  OPERATOR_SIGNATURE_INVALID: OpenContext;
  OPERATOR_OPERATION_EXPIRED: { time: string };
  OPERATOR_WRONG_TARGET: OpenContext;
  OPERATOR_NOT_OWNER: { program: string; signer: string };
  COMPUTE_FORWARD_INVALID: { reason: string };
  COMPUTE_PEER_FAILED: { peer: string; reason: string };
}

/** Every code of {@link ComputeErrorContexts}, for lookups at run time. */
export const COMPUTE_ERROR_CODES = [
  'ARCHIVE_DEST_NOT_EMPTY',
  'ARCHIVE_INVALID',
  'ARCHIVE_TIMEOUT',
  'ARCHIVE_TOO_LARGE',
  'ARCHIVE_UNSAFE_ENTRY',
  'ARCHIVE_UNSAFE_PATH',
  'COMPUTE_CAPACITY_EXCEEDED',
  'COMPUTE_FILE_MISSING',
  'COMPUTE_HOST_TOOL_MISSING',
  'COMPUTE_INTERNAL',
  'COMPUTE_NOT_FOUND',
  'COMPUTE_PATH_UNSAFE',
  'COMPUTE_PROGRAM_INVALID',
  'COMPUTE_PROGRAM_NOT_FOUND',
  'COMPUTE_REF_UNRESOLVED',
  'COMPUTE_RUNTIME_NOT_FOUND',
  'COMPUTE_SETTING_INVALID',
  'COMPUTE_VOLUMES_UNAVAILABLE',
  'COMPUTE_VOLUME_BUSY',
  'COMPUTE_VOLUME_FAILED',
  'PROGRAM_CRASHED',
  'PROGRAM_ENTRYPOINT_INVALID',
  'PROGRAM_EXITED',
  'PROGRAM_NOT_LISTENING',
  'PROGRAM_OOM',
  'PROGRAM_TIMEOUT',
  'RUNTIME_BUILD_FAILED',
  'RUNTIME_CHECK_FAILED',
  'RUNTIME_MISSING_INTERPRETER',
  'RUNTIME_PACK_FAILED',
  'SANDBOX_NEEDS_ROOT',
  'SANDBOX_NETWORK_FAILED',
  'SANDBOX_PIDS_LIMIT_INVALID',
  'SANDBOX_SECCOMP_UNAVAILABLE',
  'SANDBOX_START_FAILED',
  'SANDBOX_UIDS_EXHAUSTED',
  'SANDBOX_POOL_ASSIGN_FAILED',
  'SANDBOX_UID_MAP_CORRUPT',
  'SANDBOX_UID_RANGE_INVALID',
  'SANDBOX_USERNS_UNAVAILABLE',
  'VOLUME_HOST_PATH_INVALID',
  'VOLUME_MOUNT_INVALID',
  'COMPUTE_BAD_REQUEST',
  'OPERATOR_AUTH_MISSING',
  'OPERATOR_AUTH_MALFORMED',
  'OPERATOR_CHAIN_UNSUPPORTED',
  'OPERATOR_TOKEN_EXPIRED',
  'OPERATOR_SIGNATURE_INVALID',
  'OPERATOR_OPERATION_EXPIRED',
  'OPERATOR_WRONG_TARGET',
  'OPERATOR_NOT_OWNER',
  'COMPUTE_FORWARD_INVALID',
  'COMPUTE_PEER_FAILED',
  'COMPUTE_EDITION_NOT_SERVING',
] as const satisfies readonly (keyof ComputeErrorContexts)[];

/** One of {@link COMPUTE_ERROR_CODES}. */
export type ComputeErrorCode = keyof ComputeErrorContexts;
