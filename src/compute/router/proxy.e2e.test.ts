import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePrivateKey } from 'viem/accounts';
import { accountFromPrivateKey } from '../../client/accounts/account.js';
import { deployProgram } from '../../client/actions/deployProgram.js';
import { prepareCode } from '../../client/code/prepareCode.js';
import { startDevnet, type Devnet } from '../../devnet/startDevnet.js';

// A program that shows what reached it: a request counter, an echo that answers in chunks, a large body for a
// slow reader, and a raw echo after an Upgrade (an http.Server export, so it can take 'upgrade' itself).
const PROGRAM = String.raw`
const http = require('node:http');
let seen = 0;
const server = http.createServer((req, res) => {
  seen++;
  if (req.url === '/count') return res.end(String(seen));
  if (req.url.startsWith('/echo')) {
    res.writeHead(200, { 'content-type': 'text/plain', 'x-got-expect': String(req.headers.expect ?? '') });
    req.on('data', (c) => res.write(c));
    req.on('end', () => res.end());
    return;
  }
  if (req.url === '/big') {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let left = 128;
    const more = () => { while (left > 0) { left--; if (!res.write(chunk)) return res.once('drain', more); } res.end(); };
    return more();
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '11', 'set-cookie': ['a=1', 'b=2'] });
  res.end(req.method === 'HEAD' ? undefined : '{"ok":true}');
});
server.on('upgrade', (req, socket, head) => {
  seen++;
  socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\nx-path: ' + req.url + '\r\n\r\n');
  if (head.length) socket.write(head);
  socket.pipe(socket);
});
exports.server = server;
`;

/** Writes `raw` on a fresh connection to the compute node and resolves everything it answers until it closes or `until` matches. */
function rawExchange(url: string, raw: string, until?: RegExp): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    let got = '';
    const s = net.connect(Number(u.port), u.hostname, () => s.write(raw));
    s.setEncoding('latin1');
    s.on('data', (c: string) => {
      got += c;
      if (until?.test(got)) {
        s.destroy();
        resolve(got);
      }
    });
    s.on('close', () => resolve(got));
    s.on('error', reject);
  });
}

describe('the proxy to programs', () => {
  let devnet: Devnet;
  let home: string;
  let id: string;
  let base: string;
  const count = async () => Number(await (await fetch(`${base}/count`)).text());

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'aleph-proxy-'));
    devnet = await startDevnet({ home, apiPort: 0, computePort: 0 });
    const config = { apiUrl: devnet.apiUrl, account: accountFromPrivateKey(generatePrivateKey()), channel: 'TEST' };
    const dir = join(home, 'code');
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.js'), PROGRAM);
    ({ id } = await deployProgram(config, {
      code: prepareCode(dir),
      entrypoint: 'main.js:server',
      runtime: devnet.runtimes.node,
      timeoutSeconds: 120,
    }));
    base = `${devnet.computeUrl}/vm/${id}`;
    assert.equal((await fetch(`${base}/`)).status, 200);
  });
  after(async () => {
    await devnet?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('streams a chunked request body through and frames the chunked answer for the client', async () => {
    const parts = ['first,', 'second,', 'third'];
    const body = new ReadableStream({
      pull(c) {
        const p = parts.shift();
        if (p) c.enqueue(new TextEncoder().encode(p));
        else c.close();
      },
    });
    const r = await fetch(`${base}/echo`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    assert.equal(r.status, 200);
    // The program streamed its answer with no length: node:http frames it in chunks for the client.
    assert.equal(r.headers.get('transfer-encoding'), 'chunked');
    assert.equal(await r.text(), 'first,second,third');
    assert.equal(r.headers.get('x-aleph-program-id'), id);
  });

  it('keeps repeated headers, answers HEAD without a body, and serves pipelined requests on one connection in order', async () => {
    const r = await fetch(`${base}/`, { method: 'HEAD' });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-length'), '11');
    assert.deepEqual(r.headers.getSetCookie(), ['a=1', 'b=2']);
    assert.equal(await r.text(), '');
    const path = new URL(base).pathname;
    const got = await rawExchange(
      devnet.computeUrl!,
      `GET ${path}/ HTTP/1.1\r\nHost: x\r\n\r\nHEAD ${path}/ HTTP/1.1\r\nHost: x\r\n\r\nGET ${path}/echo?last HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nConnection: close\r\n\r\ndone`,
    );
    const answers = got.split(/(?=HTTP\/1\.1 )/);
    assert.equal(answers.length, 3, got);
    assert.match(answers[0], /\r\n\r\n\{"ok":true\}$/);
    assert.match(answers[1], /content-length: 11\r\n[\s\S]*\r\n\r\n$/i);
    assert.match(answers[2], /done(\r\n0\r\n\r\n)?$/);
  });

  it('answers Expect: 100-continue itself, then forwards the body without the expectation', async () => {
    const u = new URL(`${base}/echo`);
    const { status, body, expect, continued } = await new Promise<{
      status: number;
      body: string;
      expect: string;
      continued: boolean;
    }>((resolve, reject) => {
      let continued = false;
      const req = http.request(
        {
          host: u.hostname,
          port: u.port,
          path: u.pathname,
          method: 'POST',
          headers: { expect: '100-continue', 'content-length': '5' },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () =>
            resolve({ status: res.statusCode!, body, expect: String(res.headers['x-got-expect']), continued }),
          );
        },
      );
      req.on('continue', () => {
        continued = true;
        req.end('hello');
      });
      req.on('error', reject);
    });
    assert.equal(continued, true);
    assert.equal(status, 200);
    assert.equal(body, 'hello');
    assert.equal(expect, '');
  });

  it('gives a slow reader the whole large answer', async () => {
    const u = new URL(`${base}/big`);
    const total = await new Promise<number>((resolve, reject) => {
      http
        .get({ host: u.hostname, port: u.port, path: u.pathname }, (res) => {
          let n = 0;
          res.pause();
          // Read in fits and starts: the proxy must hold the program back, not drop or reorder bytes.
          const tick = setInterval(() => {
            const c = res.read() as Buffer | null;
            if (c) n += c.length;
          }, 2);
          res.on('end', () => {
            clearInterval(tick);
            resolve(n);
          });
          res.on('readable', () => {});
          res.on('error', reject);
        })
        .on('error', reject);
    });
    assert.equal(total, 128 * 64 * 1024);
  });

  it('relays an Upgrade (websocket-style) to the program and bytes both ways after it', async () => {
    const path = new URL(base).pathname;
    const got = await rawExchange(
      devnet.computeUrl!,
      `GET ${path}/ws?x=1 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nping-after-head`,
      /ping-after-head/,
    );
    assert.match(got, /^HTTP\/1\.1 101 /);
    assert.match(got, /x-path: \/ws\?x=1\r\n/);
    assert.match(got, /\r\n\r\nping-after-head$/);
  });

  it('answers a malformed or oversized request head with 4xx itself: the program never sees it', async () => {
    const before = await count();
    const path = new URL(base).pathname;
    const bad = await rawExchange(devnet.computeUrl!, `GET ${path}/ HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n`);
    assert.match(bad, /^HTTP\/1\.1 400 /);
    const smuggle = await rawExchange(
      devnet.computeUrl!,
      `POST ${path}/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET ${path}/ HTTP/1.1\r\n\r\n`,
    );
    assert.match(smuggle, /^HTTP\/1\.1 400 /);
    const huge = await rawExchange(
      devnet.computeUrl!,
      `GET ${path}/ HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    assert.match(huge, /^HTTP\/1\.1 431 /);
    // One more: the /count request itself.
    assert.equal(await count(), before + 1);
  });

  it('routes targets that need normalising through the router, and 404s what is not a route', async () => {
    const r = await fetch(`${devnet.computeUrl}/vm/${id.toUpperCase()}/x/../count`);
    assert.equal(r.status, 200);
    assert.match(await r.text(), /^\d+$/);
    const miss = await fetch(`${devnet.computeUrl}/nope`, { method: 'POST' });
    assert.equal(miss.status, 404);
    assert.equal(((await miss.json()) as { error_code: string }).error_code, 'COMPUTE_NOT_FOUND');
    const about = await fetch(`${devnet.computeUrl}/about/`);
    assert.equal(((await about.json()) as { name: string }).name, 'aleph-ts compute node');
    // The logs route is reached (and asks for the owner's signature, as aleph-vm's operator API does).
    const logs = await fetch(`${devnet.computeUrl}/control/machine/${id}/logs`);
    assert.equal(logs.status, 401);
    assert.equal(((await logs.json()) as { error_code: string }).error_code, 'OPERATOR_AUTH_MISSING');
  });
});
