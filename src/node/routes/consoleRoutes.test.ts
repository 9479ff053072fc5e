import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gzipSync } from 'node:zlib';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { createHash } from 'node:crypto';
import { createNode, type RunningNode } from '../createNode.js';
import { heartbeatText, type ComputeHeartbeat } from '../../protocol/api/fleetSchemas.js';

/** A GET with the path sent byte for byte (fetch would normalize `..` away before the node ever saw it). */
function rawGet(
  url: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('latin1') }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const SECRET = 'secret-outside-the-console-dir';
const INDEX = '<!doctype html><title>console</title><script>boot()</script><style>b{}</style><div id="app"></div>';
/** A compute node the console's node allows: its registered URL is one the page may connect to. */
const compute = privateKeyToAccount(generatePrivateKey());
let root: string;
let node: RunningNode;
let bare: RunningNode;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'aleph-console-'));
  const dir = join(root, 'console');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'console-ABC.js'), 'console.log(1)');
  writeFileSync(join(dir, 'assets', 'console-ABC.js.gz'), gzipSync('console.log(1)'));
  writeFileSync(join(dir, 'assets', 'console-ABC.js.br'), brotliCompressSync('console.log(1)'));
  writeFileSync(join(dir, 'assets', 'console-ABC.css'), 'body{}');
  writeFileSync(join(dir, '.env'), SECRET);
  writeFileSync(join(root, 'secret.txt'), SECRET);
  node = await createNode({
    home: join(root, 'node'),
    port: 0,
    signatureWorkers: 0,
    consoleDir: dir,
    trustedComputeAddresses: [compute.address],
  });
  bare = await createNode({ home: join(root, 'bare'), port: 0, signatureWorkers: 0, consoleDir: join(root, 'none') });
});
after(async () => {
  await node.close();
  await bare.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the console under /console/', () => {
  it('/ redirects to /console/, which is the page, revalidated on each load, with a same-origin CSP', async () => {
    const home = await rawGet(node.url, '/');
    assert.equal(home.status, 302);
    assert.equal(home.headers.location, '/console/');
    const page = await rawGet(node.url, '/console/');
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.equal(page.headers['cache-control'], 'no-cache');
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/);
    // The inline boot script and stylesheet, and no other, by their hashes.
    const boot = createHash('sha256').update('boot()').digest('base64');
    assert.match(csp, new RegExp(`script-src 'self' 'sha256-${boot.replace(/[+/]/g, '\\$&')}';`));
    const style = createHash('sha256').update('b{}').digest('base64');
    assert.match(csp, new RegExp(`style-src 'self' 'sha256-${style.replace(/[+/]/g, '\\$&')}';`));
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(page.body, INDEX);
  });

  it("serves the app at each page's own URL, and at an unknown console path with 404", async () => {
    const id = 'a'.repeat(64);
    for (const p of [
      `/console/programs/${id}`,
      `/console/messages/${id}`,
      '/console/addresses/0xabc',
      '/console/programs?search=x',
    ]) {
      const r = await rawGet(node.url, p);
      assert.equal(r.status, 200, p);
      assert.equal(r.body, INDEX, p);
    }
    const unknown = await rawGet(node.url, '/console/nowhere/at/all');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body, INDEX, 'the app renders its not-found page');
  });

  it('serves hashed assets with their content type, cached for good, brotli or gzip when asked', async () => {
    const js = await rawGet(node.url, '/console/assets/console-ABC.js');
    assert.equal(js.status, 200);
    assert.match(String(js.headers['content-type']), /javascript/);
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(js.headers['x-content-type-options'], 'nosniff');
    assert.equal(js.body, 'console.log(1)');
    const css = await rawGet(node.url, '/console/assets/console-ABC.css');
    assert.match(String(css.headers['content-type']), /^text\/css/);
    const gz = await rawGet(node.url, '/console/assets/console-ABC.js', { 'accept-encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    const br = await rawGet(node.url, '/console/assets/console-ABC.js', { 'accept-encoding': 'br, gzip' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.match(String(br.headers['content-type']), /javascript/);
    assert.equal(brotliDecompressSync(Buffer.from(br.body, 'latin1')).toString(), 'console.log(1)');
  });

  it('answers a missing asset 404 CONSOLE_FILE_NOT_FOUND, never the page', async () => {
    const r = await rawGet(node.url, '/console/assets/console-OLD.js');
    assert.equal(r.status, 404);
    assert.equal(JSON.parse(r.body).error_code, 'CONSOLE_FILE_NOT_FOUND');
  });

  it('never serves a file outside its directory, nor a dotfile, however the path is written', async () => {
    const attacks = [
      '/console/../secret.txt',
      '/console/%2e%2e/secret.txt',
      '/console/assets/..%2f..%2fsecret.txt',
      '/console/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/console/..%5csecret.txt',
      '/console/%252e%252e/secret.txt',
      '/console/.env',
      '/console/assets/../.env',
      '/console/%00/../secret.txt',
    ];
    for (const p of attacks) {
      const r = await rawGet(node.url, p);
      assert.ok(!r.body.includes(SECRET), `${p} leaked the file (status ${r.status})`);
      assert.ok(r.status !== 200 || r.body === INDEX, `${p} answered 200 with something else than the page`);
    }
    // And the node still answers.
    assert.equal((await rawGet(node.url, '/api/v0/height')).status, 200);
  });

  it('lets the page connect to its node and to the registered compute nodes only (their counts are read there)', async () => {
    const connect = async () =>
      /connect-src ([^;]*)/.exec(
        String((await rawGet(node.url, '/console/programs/x')).headers['content-security-policy']),
      )?.[1];
    const hb: ComputeHeartbeat = {
      address: compute.address,
      url: 'http://10.9.8.7:4020',
      name: 'c1',
      time: Date.now() / 1000,
    };
    const signature = await compute.signMessage({ message: heartbeatText(hb) });
    const beat = await fetch(`${node.url}/api/v0/compute/heartbeat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...hb, signature }),
    });
    assert.equal(beat.status, 200, await beat.text());
    // The fleet is read at most every 2 s: the page asked now may predate the beat, never the one after.
    const deadline = Date.now() + 5000;
    let got = await connect();
    while (got !== "'self' http://10.9.8.7:4020" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      got = await connect();
    }
    assert.equal(got, "'self' http://10.9.8.7:4020");
  });

  it('without a build answers 503 CONSOLE_NOT_BUILT naming the command, and the API is unaffected', async () => {
    const r = await rawGet(bare.url, '/console/programs');
    assert.equal(r.status, 503);
    const body = JSON.parse(r.body);
    assert.equal(body.error_code, 'CONSOLE_NOT_BUILT');
    assert.match(body.details.hint, /npm run build:console/);
    assert.equal((await rawGet(bare.url, '/api/v0/height')).status, 200);
  });
});
