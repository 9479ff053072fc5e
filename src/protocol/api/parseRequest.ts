import type { z } from 'zod';
import { AlephError } from '../../errors.js';

const shown = (v: unknown): unknown => (typeof v === 'string' && v.length > 100 ? `${v.slice(0, 100)}…` : v);

/**
 * Parses an untrusted query string or path parameter with its schema. A bad value is refused with the field
 * that failed (422, as pyaleph answers), never silently reinterpreted; the value is echoed only in part.
 */
export function parseRequestPart<S extends z.ZodType>(
  schema: S,
  putative: unknown,
  part: 'query' | 'path',
  name = '',
): z.infer<S> {
  const r = schema.safeParse(putative);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = String(issue.path[0] ?? name) || '(root)';
  const value = part === 'query' ? (putative as Record<string, unknown> | null)?.[field] : putative;
  const code = part === 'query' ? 'REQUEST_QUERY_INVALID' : 'REQUEST_PATH_INVALID';
  return fail(code, `${part === 'query' ? 'query parameter' : 'path parameter'} "${field}": ${issue.message}`, {
    field,
    value: shown(value),
  });
}

function fail(
  code: 'REQUEST_QUERY_INVALID' | 'REQUEST_PATH_INVALID',
  message: string,
  details: { field: string; value: unknown },
): never {
  throw new AlephError(code, message, { hint: 'fix the request: see the API reference for the parameter', details });
}

/**
 * Parses an untrusted JSON body with its schema: a bad body is a request error (`REQUEST_BODY_INVALID`, or the
 * route's own request code) naming the first field that failed, 422 as pyaleph answers.
 *
 * @example
 * const candidate = parseRequestBody(dryRunRequestSchema, req.body, 'DRY_RUN_INVALID');
 */
export function parseRequestBody<S extends z.ZodType>(
  schema: S,
  putative: unknown,
  code: 'REQUEST_BODY_INVALID' | 'DRY_RUN_INVALID' = 'REQUEST_BODY_INVALID',
  hint = 'fix the body: see the API reference for the endpoint',
): z.infer<S> {
  const r = schema.safeParse(putative);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue.path.map(String).join('.') || '(root)';
  throw new AlephError(code, `body field "${field}": ${issue.message}`, { hint, details: { field } });
}
