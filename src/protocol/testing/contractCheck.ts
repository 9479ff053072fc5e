import type { z } from 'zod';
import { AlephError, isAlephError } from '../../errors.js';
import { parseAnswer } from '../api/parseAnswer.js';

/** Set on answers of a server that breaks the contract on purpose (to test the client's own parsing). */
export const OFF_CONTRACT_HEADER = 'x-aleph-test-off-contract';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether `url` is a node on this machine: the only answers the tests' contract hooks hold to the contract. */
export const isLocal = (url: URL): boolean => LOCAL_HOSTS.has(url.hostname);

/**
 * The contract error of one JSON text (an answer's body, a stream's frame), or null when it parses with `schema`:
 * RESPONSE_INVALID naming the failing field, or `field` when the text is not JSON at all.
 */
export function contractErrorIn(schema: z.ZodType, text: string, where: string, field: string): AlephError | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return new AlephError('RESPONSE_INVALID', `the answer of ${where} is not JSON: ${(e as Error).message}`, {
      hint: 'the node answers JSON wherever the contract says so',
      details: { url: where, field, problem: 'not JSON' },
    });
  }
  try {
    parseAnswer(schema, value, where);
    return null;
  } catch (e) {
    if (isAlephError(e)) return e;
    throw e;
  }
}

/**
 * Fails the running test with `e`, outside the code that read the answer: thrown on the next tick, it reaches
 * node:test as an uncaught error, so no caller's own error handling can turn it into something else.
 */
export function failTheTest(e: AlephError): void {
  process.nextTick(() => {
    throw e;
  });
}
