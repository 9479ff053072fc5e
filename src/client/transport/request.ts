import type { z } from 'zod';
import { AlephError } from '../../errors.js';
import { errorBodySchema } from '../../protocol/api/errorBody.js';
import { parseAnswer } from '../../protocol/api/parseAnswer.js';

/**
 * Parameters shared by every HTTP call the SDK makes.
 * @example
 * await request(apiUrl, '/api/v0/messages.json', { query: { msgType: 'POST' } } satisfies RequestOptions);
 */
export interface RequestOptions {
  method?: 'GET' | 'POST';
  query?: Record<string, string | number | boolean | undefined | null | string[]>;
  body?: BodyInit;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * Builds `${base}${path}?query`, dropping empty values and joining arrays with commas as aleph expects.
 * @example
 * buildUrl('http://127.0.0.1:4024', '/api/v0/messages.json', { msgType: 'POST', hashes: ['a', 'b'] });
 * // 'http://127.0.0.1:4024/api/v0/messages.json?msgType=POST&hashes=a%2Cb'
 */
export function buildUrl(base: string, path: string, query: RequestOptions['query'] = {}): string {
  const url = new URL(base.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      if (v.length) url.searchParams.set(k, v.join(','));
    } else url.searchParams.set(k, String(v));
  }
  return url.toString();
}

/**
 * One HTTP call that turns every failure into an AlephError a person can act on: the node's own
 * `{error_code, details}` when it sent one, NODE_UNREACHABLE when nothing answered.
 * @example
 * const res = await request('http://127.0.0.1:4024', '/api/v0/height');
 * const { height } = await res.json();
 */
export async function request(base: string, path: string, opts: RequestOptions = {}): Promise<Response> {
  const url = buildUrl(base, path, opts.query);
  let res: Response;
  try {
    res = await fetch(url, {
      method: opts.method ?? 'GET',
      headers: opts.headers,
      body: opts.body,
      signal: opts.signal,
      // Streaming bodies (upload progress) need half-duplex in Node's fetch.
      ...(opts.body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);
  } catch (cause) {
    throw new AlephError('NODE_UNREACHABLE', `cannot reach ${new URL(url).origin}`, {
      hint: 'start a local network with `aleph devnet`, or pick a node with --api-url / ALEPH_API_URL',
      details: { url, reason: (cause as Error)?.cause ? String((cause as Error).cause) : String(cause) },
      cause,
    });
  }
  // Every failure throws, 422 included: a request error and a refused message are both errors, told apart by code.
  if (res.status >= 400) throw await errorFromResponse(res, url);
  return res;
}

/**
 * Maps a failed response to an AlephError, keeping the node's error code, hint and details when it sent an
 * `{error_code, details}` body (parsed with the contract's schema).
 * @example
 * if (!res.ok) throw await errorFromResponse(res, url);
 */
export async function errorFromResponse(res: Response, url: string): Promise<AlephError> {
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed = errorBodySchema.safeParse(body);
  if (parsed.success) {
    const { message, hint, ...details } = parsed.data.details;
    return AlephError.revive(parsed.data.error_code, message, { hint: hint ?? '', details });
  }
  if (res.status === 404) {
    return new AlephError('NOT_FOUND', `not found: ${new URL(url).pathname}`, {
      hint: 'check the hash or address, and that this node has it (--api-url)',
      details: { url },
    });
  }
  const b = (body ?? {}) as { message?: unknown; error?: unknown };
  const msg = typeof b.message === 'string' ? b.message : typeof b.error === 'string' ? b.error : text.slice(0, 300);
  return new AlephError('HTTP_ERROR', `${res.status} ${res.statusText} from ${url}${msg ? `: ${msg}` : ''}`, {
    details: { url, status: res.status },
  });
}

/**
 * Reads a JSON response body, or throws HTTP_BAD_RESPONSE naming the URL.
 * @example
 * const data = await readJson<unknown>(await request(apiUrl, '/api/v0/height'));
 */
export async function readJson<T = unknown>(res: Response): Promise<T> {
  const text = await res.text();
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new AlephError('HTTP_BAD_RESPONSE', `expected JSON from ${res.url}, got: ${text.slice(0, 200)}`, { cause });
  }
}

/**
 * Reads a JSON answer and parses it with its contract schema: RESPONSE_INVALID naming the field if it does not fit.
 * @example
 * const { height } = await readAnswer(await request(apiUrl, '/api/v0/height'), heightSchema);
 */
export async function readAnswer<S extends z.ZodType>(res: Response, schema: S): Promise<z.infer<S>> {
  return parseAnswer(schema, await readJson(res), res.url);
}
