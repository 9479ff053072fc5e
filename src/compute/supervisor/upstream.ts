import { Pool } from 'undici';

/** Kept-alive connections to one instance: enough for the compute node's concurrent requests to it. */
export const UPSTREAM_CONNECTIONS = 256;

/**
 * The connections to one instance's unix socket (undici's Pool: llhttp parses the program's answers, which are
 * hostile input, and frames them exactly, so one program's bytes can never answer another request).
 * No pipelining: one slow request must not hold up the ones queued behind it on the same connection.
 * undici's own header and body timeouts are off: resources.seconds bounds the whole exchange (proxyToInstance).
 */
export function openUpstream(socketPath: string): Pool {
  return new Pool('http://localhost', {
    socketPath,
    connections: UPSTREAM_CONNECTIONS,
    pipelining: 1,
    headersTimeout: 0,
    bodyTimeout: 0,
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 600_000,
  });
}
