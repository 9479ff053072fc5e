import { AlephError, isAlephError } from '../../errors.js';
import { parseAnswer } from '../api/parseAnswer.js';
import { answerSchemaFor } from '../api/routeAnswers.js';

/**
 * Holds every answer a test reads with `fetch` from a node on this machine to the API contract (routeAnswers.ts),
 * as the harnesses' helpers are: loaded before the tests (scripts/test.mjs passes it to `--import`), it wraps
 * globalThis.fetch, and a JSON answer of a contract route that does not parse with its schema (or, for an error,
 * with the one error body) fails the test that read it: thrown outside the caller (an uncaught RESPONSE_INVALID
 * naming the field), so no caller's own error handling (the client's "cannot reach") can turn it into something
 * else. The answer is read from a clone: the test still gets the whole body, as the node sent it.
 *
 * `rawFetch` is the fetch underneath. A server a test breaks on purpose marks its answers `OFF_CONTRACT_HEADER`.
 */
const RAW = Symbol.for('aleph-ts.test.rawFetch');
const holder = globalThis as typeof globalThis & { [RAW]?: typeof fetch };

export const rawFetch: typeof fetch = holder[RAW] ?? globalThis.fetch.bind(globalThis);

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function methodOf(input: Parameters<typeof fetch>[0], init?: RequestInit): string {
  return (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
}

/** Set on answers of a server that breaks the contract on purpose (to test the client's own parsing). */
export const OFF_CONTRACT_HEADER = 'x-aleph-test-off-contract';

/** The contract error of one answer, or null when it parses or is not the contract's. */
export async function contractErrorOf(method: string, res: Response): Promise<AlephError | null> {
  if (method !== 'GET' && method !== 'POST') return null;
  if (res.headers.has(OFF_CONTRACT_HEADER)) return null;
  if (!/^application\/json/i.test(res.headers.get('content-type') ?? '')) return null;
  const url = new URL(res.url);
  if (!LOCAL_HOSTS.has(url.hostname)) return null;
  const schema = answerSchemaFor(method, url.pathname, res.status);
  if (!schema) return null;
  const where = `${method} ${url.pathname}${url.search} (${res.status})`;
  try {
    parseAnswer(schema, await res.clone().json(), where);
    return null;
  } catch (e) {
    return isAlephError(e)
      ? e
      : new AlephError('RESPONSE_INVALID', `the answer of ${where} is not JSON: ${(e as Error).message}`, {
          hint: 'a JSON content-type with a body that is not JSON',
          details: { url: where, field: '(body)', problem: 'not JSON' },
        });
  }
}

if (!holder[RAW]) {
  holder[RAW] = rawFetch;
  globalThis.fetch = async (input, init) => {
    const res = await rawFetch(input, init);
    const broken = await contractErrorOf(methodOf(input, init), res);
    if (broken)
      process.nextTick(() => {
        throw broken;
      });
    return res;
  };
}
