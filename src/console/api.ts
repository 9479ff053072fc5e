import type { z } from 'zod';
import { parseAnswer } from '../protocol/api/parseAnswer.js';
import { takePrefetched } from './prefetch.js';

/**
 * Why a request failed, as the page shows it: the node's `{error_code, details}` when it answered one, else the
 * network failure or the contract mismatch (RESPONSE_INVALID). `status` is 0 when no answer came.
 */
export interface Failure {
  code: string;
  message: string;
  hint: string;
  status: number;
}

export class RequestFailed extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

/** Page-level not-found answers (unknown id, or an id that is no hash at all). */
export const isNotFound = (f: Failure) =>
  f.status === 404 || f.code === 'REQUEST_PATH_INVALID' || f.code.endsWith('_NOT_FOUND');

function failureOf(e: unknown): Failure {
  if (e instanceof RequestFailed) return e.failure;
  const err = e as { code?: unknown; message?: unknown; hint?: unknown };
  if (typeof err?.code === 'string')
    return { code: err.code, message: String(err.message), hint: String(err.hint ?? ''), status: 200 };
  return {
    code: 'NETWORK',
    message: `the node did not answer (${String(err?.message ?? e)})`,
    hint: 'is the node running? retry',
    status: 0,
  };
}

async function answerOf<S extends z.ZodType>(schema: S, url: string, res: Response): Promise<z.infer<S>> {
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new RequestFailed({
      code: 'RESPONSE_INVALID',
      message: `${url} answered ${res.status} with no JSON`,
      hint: '',
      status: res.status,
    });
  }
  if (!res.ok) {
    const b = body as { error_code?: unknown; details?: { message?: unknown; hint?: unknown } };
    throw new RequestFailed({
      code: typeof b?.error_code === 'string' ? b.error_code : `HTTP_${res.status}`,
      message: typeof b?.details?.message === 'string' ? b.details.message : `${url} answered ${res.status}`,
      hint: typeof b?.details?.hint === 'string' ? b.details.hint : '',
      status: res.status,
    });
  }
  // Every answer is parsed with the contract's schema: a page never shows a field the contract does not promise.
  return parseAnswer(schema, body, url);
}

/** GETs `path` and parses the answer with `schema`; throws {@link RequestFailed}. */
export async function getAnswer<S extends z.ZodType>(
  schema: S,
  path: string,
  signal?: AbortSignal,
): Promise<z.infer<S>> {
  try {
    const res = await (takePrefetched(path) ??
      fetch(path, { headers: { accept: 'application/json' }, ...(signal ? { signal } : {}) }));
    return await answerOf(schema, path, res);
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new RequestFailed(failureOf(e));
  }
}

/** POSTs `body` (JSON, or a FormData as multipart) and parses the answer with `schema`. */
export async function postAnswer<S extends z.ZodType>(schema: S, path: string, body: unknown): Promise<z.infer<S>> {
  try {
    const init: RequestInit =
      body instanceof FormData
        ? { method: 'POST', body }
        : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
    return await answerOf(schema, path, await fetch(path, init));
  } catch (e) {
    throw new RequestFailed(failureOf(e));
  }
}

export { failureOf };
