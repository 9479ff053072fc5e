import { AlephError } from '../errors.js';

/**
 * Every error code the policy engine can produce. Codes are stable: the node returns them as
 * `error_code` and users script against them, so never rename or reuse one.
 *
 * @example
 * import { POLICY_ERROR_CODES } from './errors.js';
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
] as const;

/** One of {@link POLICY_ERROR_CODES}. */
export type PolicyErrorCode = (typeof POLICY_ERROR_CODES)[number];

const HINTS: Partial<Record<PolicyErrorCode, string>> = {
  MANIFEST_INVALID: 'Fix program.toml at the line shown; see DESIGN §4 for the manifest format.',
  CONSTRUCTOR_MISSING: 'A governed program must declare `constructor = "@noupgrade"` (or another annotation).',
  CONSTRUCTOR_UNKNOWN_ANNOTATION: 'Use @noupgrade, @admin, @checksum, @custom, @multisig or @timelock.',
  CONSTRUCTOR_COMPILE_ERROR: 'Fix the constructor source; it is compiled once and fixed forever at edition 0.',
  AVM_INVALID: 'Constructor code must be AVM text as the compiler prints it, with forward branches only.',
  CONSTRUCTOR_FAILED: 'The constructor fixed at edition 0 refused this edition.',
  UPGRADE_IMMUTABLE: 'An immutable program accepts no upgrade; deploy a new program instead.',
  LEGACY_NOT_UPGRADABLE: 'A plain program can never become governed; deploy a new program with program.toml.',
};

/**
 * Builds the project's {@link AlephError} for a policy code, with the code's standard hint.
 *
 * @example
 * throw policyError('AVM_INVALID', 'line 3: unknown opcode "jmp"', { line: 3 });
 */
export function policyError(code: PolicyErrorCode, message: string, details: Record<string, unknown> = {}): AlephError<PolicyErrorCode> {
  return new AlephError(code, message, { hint: HINTS[code] ?? '', details });
}

/**
 * Narrows an unknown thrown value to a policy error with one of the given codes.
 *
 * @example
 * try { parseAvm(text); } catch (e) { if (isPolicyError(e, 'AVM_INVALID')) console.log(e.details.line); }
 */
export function isPolicyError(e: unknown, ...codes: PolicyErrorCode[]): e is AlephError<PolicyErrorCode> {
  return e instanceof AlephError && (codes.length === 0 || (codes as string[]).includes(e.code));
}
