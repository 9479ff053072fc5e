import http from 'node:http';
import fc from 'fast-check';
import WebSocket from 'ws';
import { DEFAULT_MAX_MESSAGE_BODY_BYTES } from '../createNode.js';
import { emptyCounts, type FuzzCase, type GeneratorCounts } from './fuzzCase.js';
import { fuzzKeys, generators } from './generators.js';
import { isGenuine } from './groundTruth.js';
import { signRaw } from './rawSigner.js';
import { startProbeProcess } from './probe.js';

export interface FuzzOptions {
  url: string;
  seed: number;
  /** How many hostile requests in all. */
  count: number;
  concurrency?: number;
  /** True to end the run after the current batch (a deadline, ^C): the report says how far it got. */
  stop?: () => boolean;
  /** False once the node's process is gone: the run stops and counts a crash. */
  alive?: () => boolean;
  /** After every batch, with the figures so far (the probe's are filled in at the end). */
  onBatch?: (done: number, soFar: () => FuzzReport) => void;
}

export interface FuzzExample {
  gen: string;
  status: number | string;
  sample: string;
}

export interface FuzzReport {
  seed: number;
  requests: number;
  seconds: number;
  per_generator: Record<string, GeneratorCounts>;
  accepted_forgeries: number;
  server_errors: number;
  transport_errors: number;
  crashes: number;
  probe: { reads: number; failures: number; p50_ms: number; p99_ms: number; max_ms: number };
  forgery_examples: FuzzExample[];
  server_error_examples: FuzzExample[];
  transport_error_examples: FuzzExample[];
}

const WEIGHTS: Record<string, number> = { valid: 2, oversize: 1, deep_nesting: 2, query_strings: 2, websocket_junk: 1 };
const BATCH = 500;
/** The node the fuzzer spawns runs with the default body bound: past it, a 413 and a close are a refusal. */
const BODY_LIMIT = DEFAULT_MAX_MESSAGE_BODY_BYTES;

interface Answer {
  status: number | string;
  text: string;
}

/**
 * One HTTP request. A keep-alive socket the server closed for idleness just as it was reused resets: that is
 * the client's race (Node's docs: retry when `req.reusedSocket`), retried once, not counted against the node.
 */
async function request(
  agent: http.Agent,
  url: string,
  method: string,
  path: string,
  body?: string | Buffer,
): Promise<Answer> {
  const a = await requestOnce(agent, url, method, path, body);
  if (!(a.reused && a.status === 'ECONNRESET')) return a;
  const b = await requestOnce(agent, url, method, path, body);
  return typeof b.status === 'string'
    ? { ...b, status: `${b.status} (retried on a fresh socket: ${b.reused ? 'reused again' : 'new'})` }
    : b;
}

function requestOnce(
  agent: http.Agent,
  url: string,
  method: string,
  path: string,
  body?: string | Buffer,
): Promise<Answer & { reused?: boolean }> {
  return new Promise((resolve) => {
    const req = http.request(
      `${url}${path}`,
      { method, agent, headers: body === undefined ? {} : { 'content-type': 'application/json' }, timeout: 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (d: Buffer) => {
          if (size < 4096) chunks.push(d);
          size += d.length;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8').slice(0, 400) }),
        );
        res.on('error', (e) => resolve({ status: e.message, text: '' }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out after 30 s')));
    req.on('error', (e) =>
      resolve({
        status: `${(e as NodeJS.ErrnoException).code ?? e.message}${req.reusedSocket ? '' : ' (new socket)'}`,
        text: '',
        reused: req.reusedSocket,
      }),
    );
    req.end(body);
  });
}

function websocketCase(url: string, c: Extract<FuzzCase, { kind: 'ws' }>): Promise<Answer> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url.replace('http', 'ws') + c.path, { handshakeTimeout: 10_000 });
    const done = (a: Answer) => {
      clearTimeout(timer);
      ws.terminate();
      resolve(a);
    };
    const timer = setTimeout(() => done({ status: 'ws timeout', text: '' }), 10_000);
    ws.on('unexpected-response', (_req, res) => done({ status: res.statusCode ?? 0, text: '' }));
    ws.on('open', () => {
      for (const f of c.frames) ws.send(f);
      ws.close(1000);
    });
    ws.on('close', (code, reason) => done({ status: 101, text: `${code} ${reason}` }));
    ws.on('error', (e) => done({ status: (e as NodeJS.ErrnoException).code ?? e.message, text: '' }));
  });
}

/**
 * Sends `count` generated hostile requests (fast-check, seeded) to a running node, `concurrency` at a time,
 * while a probe from another client address measures ordinary reads. Every accepted POST is judged by
 * {@link isGenuine}; a 5xx or a dropped connection is counted per generator, with examples.
 */
export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency ?? 32 });
  const known = signRaw(fuzzKeys[0], {
    type: 'POST',
    item_content: JSON.stringify({
      type: 'fuzz',
      address: fuzzKeys[0].address,
      content: 'known',
      time: Date.now() / 1000,
    }),
  });
  const seeded = await request(
    agent,
    opts.url,
    'POST',
    '/api/v0/messages',
    JSON.stringify({ message: known, sync: true }),
  );
  if (seeded.status !== 200)
    throw new Error(`the node refused the fuzz run's first genuine message: ${seeded.status} ${seeded.text}`);
  const probe = startProbeProcess(opts.url, [
    `/api/v0/messages/${known.item_hash}`,
    '/api/v0/messages.json?pagination=20',
    `/api/v0/aggregates/${fuzzKeys[0].address}.json`,
  ]);
  await probe.started;

  const gens = generators(Date.now() / 1000, known.item_hash);
  const any = fc.oneof(...Object.entries(gens).map(([name, arbitrary]) => ({ arbitrary, weight: WEIGHTS[name] ?? 3 })));
  const per: Record<string, GeneratorCounts> = Object.fromEntries(Object.keys(gens).map((g) => [g, emptyCounts()]));
  const forgeries: FuzzExample[] = [];
  const serverErrors: FuzzExample[] = [];
  const transportErrors: FuzzExample[] = [];
  const alive = opts.alive ?? (() => true);
  let crashed = false;

  const one = async (c: FuzzCase) => {
    const counts = per[c.gen];
    counts.sent++;
    const a =
      c.kind === 'post'
        ? await request(agent, opts.url, 'POST', '/api/v0/messages', c.body)
        : c.kind === 'get'
          ? await request(agent, opts.url, 'GET', c.path)
          : await websocketCase(opts.url, c);
    const sample = c.kind === 'post' ? c.body.toString().slice(0, 300) : c.path.slice(0, 300);
    // Past the node's body limit it answers 413 and closes while the client is still writing: a refusal.
    if (
      typeof a.status === 'string' &&
      c.kind === 'post' &&
      c.body.length > BODY_LIMIT &&
      /EPIPE|ECONNRESET/.test(a.status)
    )
      counts.refused++;
    else if (typeof a.status === 'string') {
      counts.transport_errors++;
      if (transportErrors.length < 20) transportErrors.push({ gen: c.gen, status: a.status, sample });
    } else if (a.status >= 500) {
      counts.server_errors++;
      if (serverErrors.length < 20)
        serverErrors.push({ gen: c.gen, status: `${a.status} ${a.text.slice(0, 200)}`, sample });
    } else if (c.kind === 'post' && (a.status === 200 || a.status === 202)) {
      counts.accepted++;
      if (!isGenuine(c.body)) {
        counts.forgeries++;
        if (forgeries.length < 20) forgeries.push({ gen: c.gen, status: a.status, sample });
      }
    } else if (a.status >= 400) counts.refused++;
  };

  for (let done = 0, batch = 0; done < opts.count && !crashed && !opts.stop?.(); batch++) {
    const cases = fc.sample(any, { seed: opts.seed + batch, numRuns: Math.min(BATCH, opts.count - done) });
    let next = 0;
    await Promise.all(
      Array.from({ length: opts.concurrency ?? 32 }, async () => {
        while (next < cases.length) await one(cases[next++]);
      }),
    );
    done += cases.length;
    if (!alive()) crashed = true;
    opts.onBatch?.(done, () => report({ reads: 0, failures: 0, p50_ms: NaN, p99_ms: NaN, max_ms: NaN }));
  }
  const probeStats = await probe.stop();
  agent.destroy();
  return report(probeStats);

  function report(probeStats: FuzzReport['probe']): FuzzReport {
    const total = (k: keyof GeneratorCounts) => Object.values(per).reduce((s, c) => s + c[k], 0);
    return {
      seed: opts.seed,
      requests: total('sent'),
      seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
      per_generator: per,
      accepted_forgeries: total('forgeries'),
      server_errors: total('server_errors'),
      transport_errors: total('transport_errors'),
      crashes: crashed || !alive() ? 1 : 0,
      probe: probeStats,
      forgery_examples: forgeries,
      server_error_examples: serverErrors,
      transport_error_examples: transportErrors,
    };
  }
}
