import type { z } from 'zod';
import { AlephError } from '../../errors.js';

/**
 * Turns the first zod issue into an error that names the rule and the field:
 * unknown fields and wrong types get their own codes because clients fix them differently.
 */
export function schemaError(prefix: 'MESSAGE' | 'CONTENT', what: string, err: z.ZodError): AlephError {
  const issue = err.issues[0];
  const path = issue.path.map(String).join('.') || '(root)';
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys: string[] }).keys;
    const field = issue.path.length ? `${path}.${keys[0]}` : keys[0];
    return new AlephError(`${prefix}_UNKNOWN_FIELD`, `${what}: unknown field "${field}"`, {
      hint: 'remove the field: aleph refuses fields it does not know',
      details: { field, fields: keys },
    });
  }
  if (issue.code === 'invalid_type') {
    const expected = (issue as { expected: string }).expected;
    return new AlephError(`${prefix}_FIELD_TYPE`, `${what}: field "${path}" must be ${expected}`, {
      hint: 'check the field against the message schema',
      details: { field: path, expected },
    });
  }
  // A refinement that names its own rule (e.g. PROGRAM_VOLUME_NAME_INVALID) keeps that code.
  const params =
    issue.code === 'custom' ? (issue as { params?: { code?: unknown; hint?: unknown } }).params : undefined;
  if (typeof params?.code === 'string') {
    const hint = typeof params.hint === 'string' ? params.hint : 'check the field against the message schema';
    // The code is one of protocol's (PROGRAM_VOLUME_*), named in the refinement: revived, not spelled here.
    return AlephError.revive(params.code, `${what}: field "${path}": ${issue.message}`, {
      hint,
      details: { field: path },
    });
  }
  return new AlephError(`${prefix}_INVALID`, `${what}: field "${path}": ${issue.message}`, {
    hint: 'check the field against the message schema',
    details: { field: path, issue: issue.code },
  });
}
