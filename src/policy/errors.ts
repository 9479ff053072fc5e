import type { PolicyErrorCode } from '../errorCodes/policyErrors.js';
import { AlephError, type ErrorContext } from '../errors.js';

export { POLICY_ERROR_CODES, type PolicyErrorCode } from '../errorCodes/policyErrors.js';

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
export function policyError<C extends PolicyErrorCode>(
  code: C,
  message: string,
  details?: ErrorContext<C>,
): AlephError<C> {
  return new AlephError(code, message, { hint: HINTS[code] ?? '', ...(details === undefined ? {} : { details }) });
}

/**
 * Narrows an unknown thrown value to a policy error with one of the given codes.
 *
 * @example
 * try { parseAvm(text); } catch (e) { if (isPolicyError(e, 'AVM_INVALID')) console.log(e.details.line); }
 */
export function isPolicyError<C extends PolicyErrorCode = PolicyErrorCode>(
  e: unknown,
  ...codes: C[]
): e is AlephError<C> {
  return e instanceof AlephError && (codes.length === 0 || (codes as string[]).includes(e.code));
}
