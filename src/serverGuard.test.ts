import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNode, type RunningNode } from './node/createNode.js';
import { createComputeNode, type ComputeNode } from './compute/server/createComputeNode.js';
import { readAfterSending } from './protocol/testing/readAfterSending.js';
import type { ServerLimits } from './serverGuard.js';

const limits: Partial<ServerLimits> = {
  maxConnectionsPerIp: 20,
  maxConnections: 40,
  headersTimeoutMs: 1500,
  requestTimeoutMs: 2500,
  keepAliveTimeoutMs: 1000,
  checkIntervalMs: 250,
};

/** An ordinary GET from `localAddress` (another loopback address stands for another client). */
function get(
  url: string,
  path: string,
  localAddress = '127.0.0.1',
): Promise<{ status: number; body: string; ms: number }> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}${path}`, { localAddress, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - t }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('GET timed out')));
  });
}

interface Slow {
  socket: net.Socket;
  closed: Promise<{ answer: string; afterMs: number }>;
}

/** A slowloris client: headers that never end, one more header line every 200 ms. */
function slowloris(url: string, localAddress = '127.0.0.1'): Slow {
  const { hostname, port } = new URL(url);
  const socket = net.connect({ host: hostname, port: Number(port), localAddress });
  const t = performance.now();
  let answer = '';
  let timer: NodeJS.Timeout | undefined;
  socket.on('connect', () => {
    socket.write('GET /api/v0/height HTTP/1.1\r\nHost: x\r\n');
    timer = setInterval(() => socket.writable && socket.write(`X-${Math.random().toString(36).slice(2)}: 1\r\n`), 200);
  });
  socket.on('data', (d) => (answer += d));
  socket.on('error', () => {});
  const closed = new Promise<{ answer: string; afterMs: number }>((resolve) =>
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, afterMs: performance.now() - t });
    }),
  );
  return { socket, closed };
}

function suite(name: string, start: () => Promise<{ url: string; path: string; close(): Promise<void> }>) {
  describe(name, () => {
    let s: Awaited<ReturnType<typeof start>>;
    before(async () => {
      s = await start();
    });
    after(async () => {
      await s.close();
    });

    it('30 slowloris connections from one client: 10 refused at once (429), 20 timed out, others served meanwhile', async () => {
      const slow: Slow[] = [];
      for (let i = 0; i < 30; i++) {
        slow.push(slowloris(s.url));
        await new Promise((r) => slow[i].socket.once('connect', r));
      }
      // Another client is served while the 20 are held open; this client is told why it is not.
      const other = await get(s.url, s.path, '127.0.0.2');
      assert.equal(other.status, 200);
      assert.ok(other.ms < 1000, `another client waited ${other.ms} ms`);
      const mine = await get(s.url, s.path);
      assert.equal(mine.status, 429);
      assert.equal(JSON.parse(mine.body).error_code, 'TOO_MANY_CONNECTIONS_FROM_CLIENT');
      const ends = await Promise.all(slow.map((x) => x.closed));
      const refused = ends.filter((e) => e.answer.startsWith('HTTP/1.1 429'));
      assert.equal(refused.length, 10);
      for (const e of refused) assert.ok(e.afterMs < 1000, `a refused connection stayed ${e.afterMs} ms`);
      const timedOut = ends.filter((e) => !e.answer.startsWith('HTTP/1.1 429'));
      for (const e of timedOut) {
        assert.ok(
          e.afterMs >= 1400 && e.afterMs < 4000,
          `a slowloris connection was closed after ${e.afterMs.toFixed(0)} ms`,
        );
        assert.doesNotMatch(e.answer, /HTTP\/1.1 200/);
        // Answered (when the client was still there to read it), and closed without the error's stack.
        if (e.answer) assert.match(e.answer, /^HTTP\/1.1 408 Request Timeout\r\n[\s\S]*"error_code":"REQUEST_TIMEOUT"/);
      }
      // Its slots are free again.
      assert.equal((await get(s.url, s.path)).status, 200);
    });

    it('a malformed request is answered 400 REQUEST_MALFORMED and closed; the server keeps serving', async () => {
      const { hostname, port } = new URL(s.url);
      const socket = net.connect({ host: hostname, port: Number(port) });
      let answer = '';
      socket.on('data', (d) => (answer += d));
      socket.on('error', () => {});
      await new Promise((r) => socket.once('connect', r));
      socket.write('GET / HTTP/1.1\r\nHost x\r\n\r\n');
      await new Promise((r) => socket.once('close', r));
      assert.match(answer, /^HTTP\/1.1 400 Bad Request\r\n[\s\S]*"error_code":"REQUEST_MALFORMED"/);
      assert.equal((await get(s.url, s.path)).status, 200);
    });

    it('a body dribbled a byte at a time is cut at requestTimeout', async () => {
      const { hostname, port } = new URL(s.url);
      const socket = net.connect({ host: hostname, port: Number(port) });
      await new Promise((r) => socket.once('connect', r));
      socket.write(
        `POST ${s.path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`,
      );
      const timer = setInterval(() => socket.writable && socket.write(' '), 100);
      const t = performance.now();
      socket.on('error', () => {});
      await new Promise((r) => socket.once('close', r));
      clearInterval(timer);
      const ms = performance.now() - t;
      assert.ok(ms >= 2000 && ms < 5000, `closed after ${ms.toFixed(0)} ms`);
      assert.equal((await get(s.url, s.path)).status, 200);
    });

    it('an idle keep-alive connection is closed after keepAliveTimeout', async () => {
      const { hostname, port } = new URL(s.url);
      const socket = net.connect({ host: hostname, port: Number(port) });
      let answer = '';
      let answeredAt = 0;
      socket.on('data', (d) => {
        answer += d;
        answeredAt ||= performance.now();
      });
      socket.on('error', () => {});
      await new Promise((r) => socket.once('connect', r));
      socket.write(`GET ${s.path} HTTP/1.1\r\nHost: x\r\n\r\n`);
      await new Promise((r) => socket.once('close', r));
      const idle = performance.now() - answeredAt;
      assert.match(answer, /^HTTP\/1.1 200/);
      assert.match(answer, /keep-alive/i);
      assert.ok(idle >= 900 && idle < 3000, `idle connection kept ${idle.toFixed(0)} ms`);
    });

    it('a client over its cap that is still sending reads its 429, not a reset', async () => {
      const held: Slow[] = [];
      for (let i = 0; i < 20; i++) {
        held.push(slowloris(s.url, '127.0.5.1'));
        await new Promise((r) => held[i].socket.once('connect', r));
      }
      const answer = await readAfterSending(s.url, `POST ${s.path} HTTP/1.1`, '127.0.5.1');
      assert.match(answer, /^HTTP\/1\.1 429 /, answer.slice(0, 200));
      assert.match(answer, /TOO_MANY_CONNECTIONS_FROM_CLIENT/);
      for (const h of held) h.socket.destroy();
      await Promise.all(held.map((h) => h.closed));
    });

    it('a malformed request followed by more bytes is answered 400, not reset', async () => {
      const answer = await readAfterSending(s.url, 'GET / HTTP/1.1\r\nHost x', '127.0.6.1');
      assert.match(
        answer,
        /^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*"error_code":"REQUEST_MALFORMED"/,
        answer.slice(0, 200),
      );
      assert.equal((await get(s.url, s.path, '127.0.6.1')).status, 200);
    });

    it('caps connections in total (503) whatever the client', async () => {
      const held: Slow[] = [];
      for (let i = 0; i < 40; i++) {
        held.push(slowloris(s.url, `127.0.2.${1 + Math.floor(i / 10)}`));
        await new Promise((r) => held[i].socket.once('connect', r));
      }
      const extra = await get(s.url, s.path, '127.0.3.1');
      assert.equal(extra.status, 503);
      assert.equal(JSON.parse(extra.body).error_code, 'TOO_MANY_CONNECTIONS');
      for (const h of held) h.socket.destroy();
      await Promise.all(held.map((h) => h.closed));
      const deadline = Date.now() + 3000;
      let status = 0;
      while (status !== 200 && Date.now() < deadline) status = (await get(s.url, s.path, '127.0.3.1')).status;
      assert.equal(status, 200);
    });
  });
}

suite('core node: connection timeouts and caps', async () => {
  const home = mkdtempSync(join(tmpdir(), 'aleph-guard-'));
  const node: RunningNode = await createNode({ home, port: 0, signatureWorkers: 0, server: limits });
  return {
    url: node.url,
    path: '/api/v0/height',
    close: async () => {
      await node.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
});

suite('compute node: connection timeouts and caps', async () => {
  const home = mkdtempSync(join(tmpdir(), 'aleph-guard-'));
  const node = await createNode({ home: join(home, 'node'), port: 0, signatureWorkers: 0 });
  const compute: ComputeNode = await createComputeNode({
    apiUrl: node.url,
    home: join(home, 'compute'),
    port: 0,
    server: limits,
  });
  return {
    url: compute.url,
    path: '/about',
    close: async () => {
      await compute.close();
      await node.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
});
