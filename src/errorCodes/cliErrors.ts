import type { NoContext, OpenContext } from './context.js';

/**
 * Codes of cli/: a person's mistake on the command line, or a local tool that failed.
 * Stable: a code is never renamed or given a new meaning; a retired code moves to RETIRED_ERROR_CODES.
 * Each entry is the typed `details` (context) the error carries.
 */
export interface CliErrorContexts {
  AMEND_INVALID_JSON: NoContext;
  CHAIN_UNSUPPORTED: NoContext;
  COMPUTE_UNREACHABLE: OpenContext;
  DEVNET_UNAVAILABLE: NoContext;
  EDITOR_FAILED: NoContext;
  NODE_NO_GOVERNANCE: { id?: string };
  OPTION_CONFLICT: NoContext;
  OPTION_FILE_UNREADABLE: { option: string; path: string; reason: string };
  OPTION_INVALID_ADDRESS: { option: string; value: string };
  OPTION_INVALID_JSON: { option: string; path: string };
  OPTION_INVALID_NUMBER: { option: string; value: string };
  OPTION_INVALID_PORT: { option: string; value: string };
  OPTION_INVALID_SUBSCRIPTIONS: NoContext;
  OPTION_MISSING: NoContext;
  PROGRAM_NO_CHECKSUM: NoContext;
}

/** Every code of {@link CliErrorContexts}, for lookups at run time. */
export const CLI_ERROR_CODES = [
  'AMEND_INVALID_JSON',
  'CHAIN_UNSUPPORTED',
  'COMPUTE_UNREACHABLE',
  'DEVNET_UNAVAILABLE',
  'EDITOR_FAILED',
  'NODE_NO_GOVERNANCE',
  'OPTION_CONFLICT',
  'OPTION_FILE_UNREADABLE',
  'OPTION_INVALID_ADDRESS',
  'OPTION_INVALID_JSON',
  'OPTION_INVALID_NUMBER',
  'OPTION_INVALID_PORT',
  'OPTION_INVALID_SUBSCRIPTIONS',
  'OPTION_MISSING',
  'PROGRAM_NO_CHECKSUM',
] as const satisfies readonly (keyof CliErrorContexts)[];

/** One of {@link CLI_ERROR_CODES}. */
export type CliErrorCode = keyof CliErrorContexts;
