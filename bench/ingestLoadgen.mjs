// Load generator for bench/ingest.ts, in its own process (as the node is in another): POSTs each body once over
// `concurrency` keep-alive connections, one request in flight per connection (no pipelining).
//   client 'raw' (default): HTTP/1.1 written on plain `net` sockets, as wrk would: requests are serialised before
//     the clock starts, and only the status line and Content-Length / chunked framing of a response are parsed.
//   client 'http': node:http's Agent and request(), the bench's former client.
// A non-200 counts as failed; every SAMPLE_EVERY-th response body must also say the message was processed.
// argv[2]: JSON { url, bodiesFile, warmFile, concurrency, client }
// stdout: JSON { client, seconds, failed, latencies_ms (sorted), cpu_seconds, sampled_bodies, sampled_not_processed }
import http from 'node:http';
import net from 'node:net';
import { readFileSync } from 'node:fs';

const { url, bodiesFile, warmFile, concurrency, client = 'raw' } = JSON.parse(process.argv[2]);
const u = new URL(url);
const PATH = '/api/v0/messages';
const SAMPLE_EVERY = 50;
const readBodies = (file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);

// ---- raw client ---------------------------------------------------------------------------------------------

const CRLFCRLF = Buffer.from('\r\n\r\n');

function rawRequest(body) {
  const head = `POST ${PATH} HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  return Buffer.from(head + body);
}

/** Parses one response at a time off a keep-alive socket; calls done(status, body | null) per response. */
class ResponseParser {
  constructor() {
    this.buf = null;
    this.wantBody = false;
    this.done = null;
  }

  /** The next response's body is kept (for the processed check) only when asked. */
  expect(done, wantBody) {
    this.done = done;
    this.wantBody = wantBody;
  }

  push(chunk) {
    if (!this.done) return; // nothing asked: not a response to us
    this.buf = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
    const b = this.buf;
    const headEnd = b.indexOf(CRLFCRLF);
    if (headEnd < 0) return;
    // "HTTP/1.1 200 OK"
    const status = (b[9] - 48) * 100 + (b[10] - 48) * 10 + (b[11] - 48);
    const head = b.latin1Slice(0, headEnd).toLowerCase();
    const start = headEnd + 4;
    let end;
    let body = null;
    const cl = head.indexOf('\r\ncontent-length:');
    if (cl >= 0) {
      const len = parseInt(head.slice(cl + 17, cl + 40), 10); // parseInt skips the spaces and stops at CR
      end = start + len;
      if (b.length < end) return;
      if (this.wantBody) body = b.toString('utf8', start, end);
    } else if (/\r\ntransfer-encoding:[^\r]*chunked/.test(head)) {
      const parts = [];
      let p = start;
      for (;;) {
        const lineEnd = b.indexOf('\r\n', p);
        if (lineEnd < 0) return;
        const size = parseInt(b.latin1Slice(p, lineEnd), 16);
        if (size === 0) {
          // Last chunk, then (no trailers expected) the final CRLF.
          const fin = b.indexOf(CRLFCRLF, lineEnd);
          if (fin < 0) return;
          end = fin + 4;
          break;
        }
        if (b.length < lineEnd + 2 + size + 2) return;
        if (this.wantBody) parts.push(b.subarray(lineEnd + 2, lineEnd + 2 + size));
        p = lineEnd + 2 + size + 2;
      }
      if (this.wantBody) body = Buffer.concat(parts).toString('utf8');
    } else {
      end = start; // no body (e.g. 204)
    }
    this.buf = end < b.length ? b.subarray(end) : null;
    const done = this.done;
    this.done = null;
    done(status, body);
  }
}

/** One keep-alive connection; reconnects (for the next request) if the server closed it. */
function rawConnection() {
  const parser = new ResponseParser();
  let socket = null;
  const fail = (err) => {
    const done = parser.done;
    parser.done = null;
    parser.buf = null;
    if (done) done(0, null, err);
  };
  const open = () =>
    new Promise((resolve) => {
      const s = net.connect({ host: u.hostname, port: Number(u.port), noDelay: true });
      s.on('data', (chunk) => parser.push(chunk));
      s.on('error', fail);
      s.on('close', () => fail(new Error('connection closed')));
      s.once('connect', () => resolve(s));
      s.once('error', () => resolve(s));
    });
  const sendNow = (request, wantBody) =>
    new Promise((res) => {
      parser.expect((status, body) => res({ status, body }), wantBody);
      if (socket.destroyed) fail(new Error('could not connect'));
      else socket.write(request);
    });
  return {
    async connect() {
      if (!socket || socket.destroyed) socket = await open();
    },
    send(request, wantBody) {
      if (!socket || socket.destroyed) return this.connect().then(() => sendNow(request, wantBody));
      return sendNow(request, wantBody);
    },
    close: () => socket?.destroy(),
  };
}

// ---- node:http client ---------------------------------------------------------------------------------------

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function httpPost(body, wantBody) {
  return new Promise((resolve) => {
    const req = http.request(
      {
        agent,
        host: u.hostname,
        port: u.port,
        path: PATH,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        if (!wantBody) {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: null }));
          return;
        }
        const parts = [];
        res.on('data', (c) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
      },
    );
    req.on('error', () => resolve({ status: 0, body: null }));
    req.end(body);
  });
}

// ---- the run ------------------------------------------------------------------------------------------------

/** Runs `requests` over `concurrency` workers; each worker's send() is bound to its own connection (raw). */
async function run(requests, measure) {
  const conns = client === 'raw' ? Array.from({ length: concurrency }, rawConnection) : [];
  await Promise.all(conns.map((c) => c.connect()));
  const latencies = measure ? new Array(requests.length) : null;
  let next = 0,
    failed = 0,
    sampled = 0,
    notProcessed = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      const conn = conns[w];
      while (next < requests.length) {
        const i = next++;
        const wantBody = i % SAMPLE_EVERY === 0;
        const s = performance.now();
        const { status, body } = conn ? await conn.send(requests[i], wantBody) : await httpPost(requests[i], wantBody);
        if (latencies) latencies[i] = performance.now() - s;
        if (status !== 200) failed++;
        else if (wantBody) {
          sampled++;
          let ok = false;
          try {
            ok = JSON.parse(body).message_status === 'processed';
          } catch {
            /* counted below */
          }
          if (!ok) {
            notProcessed++;
            failed++;
          }
        }
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  for (const c of conns) c.close();
  return {
    seconds,
    failed,
    latencies,
    cpu_seconds: (cpu.user + cpu.system) / 1e6,
    sampled_bodies: sampled,
    sampled_not_processed: notProcessed,
  };
}

const prepare = (bodies) => (client === 'raw' ? bodies.map(rawRequest) : bodies);
const warm = prepare(readBodies(warmFile));
const bodies = prepare(readBodies(bodiesFile));
// Warm-up outside the measurement (JIT on both sides, SQLite pages).
await run(warm, false);
const r = await run(bodies, true);
agent.destroy();
r.latencies.sort((a, b) => a - b);
process.stdout.write(JSON.stringify({ client, ...r, latencies_ms: r.latencies, latencies: undefined }) + '\n');
