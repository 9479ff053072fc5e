import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestStore, testPgServer } from '../node/testing/testStore.js';
import { runCli } from './testing/runCli.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'aleph.js');

/** `aleph node …` until it prints its URL; returns the URL and a stop that sends SIGTERM and awaits the exit code. */
async function startNodeCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, 'node', ...args], {
    env: { ...process.env, ALEPH_FROM_SOURCE: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number>((r) => child.once('exit', (c) => r(c ?? 128)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /API: (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exited.then((c) => reject(new Error(`aleph node exited ${c}: ${err}`)));
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

describe('aleph node: one core node alone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aleph-node-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('starts on SQLite, prints its URL, answers, and stops on SIGTERM', async () => {
    const node = await startNodeCli(['--home', join(dir, 'a'), '--api-port', '0']);
    const r = await fetch(`${node.url}/api/v0/height`);
    assert.equal(r.status, 200);
    assert.equal(await node.stop(), 0);
  });

  it('an unreachable --store fails with STORE_UNREACHABLE naming it (no password) and exit code 1', async () => {
    const r = await runCli(
      ['node', '--home', join(dir, 'b'), '--api-port', '0', '--store', 'postgres://u:pw@127.0.0.1:1/db'],
      {
        timeoutMs: 30_000,
      },
    );
    assert.equal(r.code, 1);
    assert.match(r.stderr, /STORE_UNREACHABLE/);
    assert.match(r.stderr, /127\.0\.0\.1:1/);
    assert.doesNotMatch(r.stderr, /:pw@/);
  });

  const server = testPgServer();
  it('two nodes on one PostgreSQL (ALEPH_STORE_URL for one, --store for the other) answer the same height', {
    skip: !server && 'ALEPH_TEST_PG not set',
  }, async () => {
    const store = await createTestStore();
    try {
      const a = await startNodeCli(['--home', join(dir, 'c'), '--api-port', '0'], { ALEPH_STORE_URL: store.url! });
      const b = await startNodeCli(['--home', join(dir, 'd'), '--api-port', '0', '--store', store.url!]);
      const [ha, hb] = await Promise.all(
        [a, b].map(async (n) => ((await (await fetch(`${n.url}/api/v0/height`)).json()) as { height: number }).height),
      );
      assert.ok(Math.abs(ha! - hb!) <= 1, `${ha} vs ${hb}`);
      assert.deepEqual(await Promise.all([a.stop(), b.stop()]), [0, 0]);
    } finally {
      await store.drop();
    }
  });
});
