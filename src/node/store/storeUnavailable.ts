import { AlephError } from '../../errors.js';

/** Seconds a client is told to wait when the store is unreachable: a server restart or a lost connection. */
export const STORE_RETRY_AFTER_S = 1;

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Whether `e` (or what it wraps) is the store being away rather than a bug: connection errors, PostgreSQL's
 * class 08 (connection exception) and 57P0x (the server shutting down, starting, or gone), pg's own
 * "Connection terminated" and its pool's connect timeout.
 */
export function isStoreAway(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== 'object' || depth > 3) return false;
  const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof code === 'string' && (NETWORK.has(code) || code.startsWith('08') || /^57P0[1-4]$/.test(code))) return true;
  if (
    typeof message === 'string' &&
    /^Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(
      message,
    )
  )
    return true;
  return isStoreAway(cause, depth + 1);
}

/** The answer to a request that found the store away: 503 with a retry hint, never a 500. */
export function storeUnavailable(cause: unknown): AlephError {
  return new AlephError('STORE_UNAVAILABLE', 'the store of record is unreachable for now; nothing was written', {
    hint: `retry in ${STORE_RETRY_AFTER_S} s (the node reconnects by itself)`,
    details: { retry_after_s: STORE_RETRY_AFTER_S },
    cause,
  });
}
