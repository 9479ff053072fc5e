import type { NoContext, OpenContext } from './context.js';

/**
 * Codes of policy/: parsing a manifest or constructor, and every rule of an upgrade (DESIGN §4). The node
 * returns them as `error_code` and users script against them. Stable: a code is never renamed or given a new
 * meaning; a retired code moves to RETIRED_ERROR_CODES. Each entry is the typed `details` the error carries;
 * the interface rules (`INTERFACE_REMOVED` …) carry the component and name that changed.
 */
export interface PolicyErrorContexts {
  ABILITY_REMOVED: OpenContext;
  AMEND_NOT_ALLOWED: { program?: string };
  AMEND_NOT_REFERENCED: { ref: string };
  AVM_INVALID: { line?: number; instruction?: string; reason?: string; readonly [more: string]: unknown };
  CONSTRUCTOR_CHANGED: { expected: string; found: string | null };
  CONSTRUCTOR_COMPILE_ERROR: { line?: number; readonly [more: string]: unknown };
  CONSTRUCTOR_FAILED: {
    instruction?: string;
    line?: number;
    reason?: string;
    mapping?: string;
    key?: string;
    expected?: { program_id: string | undefined; checksum: string; edition: number };
    readonly [more: string]: unknown;
  };
  CONSTRUCTOR_MISSING: NoContext;
  CONSTRUCTOR_UNKNOWN_ANNOTATION: { annotation: string };
  DEP_WEAKER_POLICY: {
    dependency: string;
    target: string;
    dependency_policy?: string | null;
    readonly [more: string]: unknown;
  };
  FUNCTION_SOURCE_MISSING: { function: string; source: string };
  IMPORT_REMOVED: OpenContext;
  INTERFACE_REMOVED: OpenContext;
  LEGACY_NOT_UPGRADABLE: NoContext;
  LOGIC_CHANGED: OpenContext;
  MANIFEST_INVALID: { line?: number; column?: number; readonly [more: string]: unknown };
  MAPPING_CHANGED: OpenContext;
  MULTISIG_THRESHOLD_NOT_MET: {
    threshold: number;
    approvals: number;
    approved_by: string[];
    checksum: string;
    readonly [more: string]: unknown;
  };
  NOT_AUTHORIZED: {
    sender?: string;
    owner?: string;
    address?: string;
    ref?: string;
    post_type?: string | null;
    channel?: string | null;
    readonly [more: string]: unknown;
  };
  POLICY_INPUT_INVALID: { path?: string };
  PROGRAM_FORGOTTEN: NoContext;
  RECORD_CHANGED: OpenContext;
  REPLACE_NOT_ORIGINAL: { replaces: string; original: string };
  SIGNATURE_CHANGED: OpenContext;
  STRUCT_CHANGED: OpenContext;
  TIMELOCK_NOT_ELAPSED: { effectiveHeight: number; height: number; readonly [more: string]: unknown };
  TYPE_PARAMS_CHANGED: OpenContext;
  UPGRADE_IMMUTABLE: NoContext;
  UPGRADE_WEAKER_POLICY: NoContext;
}

/**
 * Every error code the policy engine can produce. Codes are stable: the node returns them as
 * `error_code` and users script against them, so never rename or reuse one.
 *
 * @example
 * import { POLICY_ERROR_CODES } from './policyErrors.js';
 * POLICY_ERROR_CODES.includes('UPGRADE_IMMUTABLE'); // true
 */
export const POLICY_ERROR_CODES = [
  // Parsing and compiling what the user wrote.
  'MANIFEST_INVALID',
  'CONSTRUCTOR_MISSING',
  'CONSTRUCTOR_UNKNOWN_ANNOTATION',
  'CONSTRUCTOR_COMPILE_ERROR',
  'AVM_INVALID',
  'FUNCTION_SOURCE_MISSING',
  // §4 step 1 and 2: authorization and aleph rules.
  'NOT_AUTHORIZED',
  'AMEND_NOT_ALLOWED',
  'AMEND_NOT_REFERENCED',
  'PROGRAM_FORGOTTEN',
  'REPLACE_NOT_ORIGINAL',
  // §4 step 3: upgrade policy and dependencies.
  'LEGACY_NOT_UPGRADABLE',
  'UPGRADE_IMMUTABLE',
  'UPGRADE_WEAKER_POLICY',
  'DEP_WEAKER_POLICY',
  // §4 step 4: constructor.
  'CONSTRUCTOR_CHANGED',
  'CONSTRUCTOR_FAILED',
  'MULTISIG_THRESHOLD_NOT_MET',
  'TIMELOCK_NOT_ELAPSED',
  // §4 step 5: interface compatibility.
  'INTERFACE_REMOVED',
  'SIGNATURE_CHANGED',
  'LOGIC_CHANGED',
  'STRUCT_CHANGED',
  'RECORD_CHANGED',
  'MAPPING_CHANGED',
  'IMPORT_REMOVED',
  'ABILITY_REMOVED',
  'TYPE_PARAMS_CHANGED',
  // Programmer errors: the caller handed the engine something malformed.
  'POLICY_INPUT_INVALID',
] as const satisfies readonly (keyof PolicyErrorContexts)[];

/** One of {@link POLICY_ERROR_CODES}. */
export type PolicyErrorCode = (typeof POLICY_ERROR_CODES)[number];
