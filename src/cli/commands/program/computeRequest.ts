import { AlephError, isAlephError } from '../../../errors.js';
import { request } from '../../../client/index.js';

/**
 * GET on the compute node, with errors that say it is the compute node (not the API node) that is
 * missing or that does not know the program.
 */
export async function computeGet(domain: string, path: string, what: string): Promise<Response> {
  return computeCall(domain, what, () => request(domain, path));
}

/** Any call to the compute node, with the same errors as {@link computeGet}. */
export async function computeCall<T>(domain: string, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (isAlephError(e) && e.code === 'NODE_UNREACHABLE') {
      throw new AlephError('COMPUTE_UNREACHABLE', `cannot reach the compute node at ${domain}`, {
        hint: 'start it with `aleph devnet`, or pass the compute node URL with --domain (or ALEPH_COMPUTE_URL)',
        details: e.details,
        cause: e,
      });
    }
    if (isAlephError(e) && e.code === 'NOT_FOUND') {
      throw new AlephError('COMPUTE_NOT_FOUND', `the compute node at ${domain} has no ${what}`, {
        hint: 'check the item hash; a program only has logs once it has run on this compute node',
        details: e.details,
        cause: e,
      });
    }
    throw e;
  }
}
