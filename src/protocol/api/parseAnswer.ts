import type { z } from 'zod';
import { AlephError } from '../../errors.js';

/**
 * Parses an answer of the node (or the compute node) with its contract schema. An answer that does not parse is
 * RESPONSE_INVALID naming the first field that failed: never a default filled in, never a cast.
 *
 * @example
 * const program = parseAnswer(programViewSchema, await res.json(), url);
 */
export function parseAnswer<S extends z.ZodType>(schema: S, putative: unknown, url: string): z.infer<S> {
  const r = schema.safeParse(putative);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue.path.map(String).join('.') || '(root)';
  throw new AlephError(
    'RESPONSE_INVALID',
    `the answer of ${url} does not match the API contract: field "${field}": ${issue.message}`,
    {
      hint: 'the node may run another version of aleph-ts; check --api-url',
      details: { url, field, problem: issue.message },
    },
  );
}
