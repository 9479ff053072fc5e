import { answerSchemaFor } from '../api/routeAnswers.js';
import { contractErrorIn, failTheTest, isLocal, OFF_CONTRACT_HEADER } from './contractCheck.js';

/**
 * Holds every answer a test reads with `fetch` from a node on this machine to the API contract (routeAnswers.ts),
 * as the harnesses' helpers are: loaded before the tests (holdToContract.ts, which scripts/test.mjs passes to
 * `--import`), it wraps globalThis.fetch, and a JSON answer of a contract route that does not parse with its schema
 * (or, for an error, with the one error body) fails the test that read it (contractCheck.ts `failTheTest`). The
 * answer is read from a clone: the test still gets the whole body, as the node sent it.
 *
 * `rawFetch` is the fetch underneath. A server a test breaks on purpose marks its answers `OFF_CONTRACT_HEADER`.
 */
const RAW = Symbol.for('aleph-ts.test.rawFetch');
const holder = globalThis as typeof globalThis & { [RAW]?: typeof fetch };

export const rawFetch: typeof fetch = holder[RAW] ?? globalThis.fetch.bind(globalThis);

function methodOf(input: Parameters<typeof fetch>[0], init?: RequestInit): string {
  return (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
}

/** The contract error of one answer, or null when it parses or is not the contract's. */
export async function contractErrorOf(method: string, res: Response) {
  if (method !== 'GET' && method !== 'POST') return null;
  if (res.headers.has(OFF_CONTRACT_HEADER)) return null;
  if (!/^application\/json/i.test(res.headers.get('content-type') ?? '')) return null;
  const url = new URL(res.url);
  if (!isLocal(url)) return null;
  const schema = answerSchemaFor(method, url.pathname, res.status);
  if (!schema) return null;
  const where = `${method} ${url.pathname}${url.search} (${res.status})`;
  return contractErrorIn(schema, await res.clone().text(), where, '(body)');
}

if (!holder[RAW]) {
  holder[RAW] = rawFetch;
  globalThis.fetch = async (input, init) => {
    const res = await rawFetch(input, init);
    const broken = await contractErrorOf(methodOf(input, init), res);
    if (broken) failTheTest(broken);
    return res;
  };
}
