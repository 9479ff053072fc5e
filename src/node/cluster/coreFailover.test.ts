import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { buildPost } from '../../client/messages/buildPost.js';
import { newAccount, sign } from '../testing/nodeHarness.js';
import { createTestStore, testPgServer, type TestStore } from '../testing/testStore.js';

const skip = !testPgServer() && 'needs ALEPH_TEST_PG (several core nodes share one PostgreSQL)';
const SCRIPT = fileURLToPath(new URL('../testing/nodeProcess.ts', import.meta.url));

/** A core node in its own process on `store`; resolves with its URL once it listens. */
function coreProcess(home: string, store: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, home, '0'], {
    env: { ...process.env, ALEPH_STORE_URL: store, ALEPH_SIGNATURE_WORKERS: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve({ child, url: d.toString().trim() }));
    child.once('exit', (c) => reject(new Error(`core node exited ${c}`)));
  });
}

async function post(url: string, message: unknown): Promise<{ status: number; retryAfter: string | null } | null> {
  try {
    const r = await fetch(`${url}/api/v0/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message, sync: true }),
      signal: AbortSignal.timeout(20_000),
    });
    await r.arrayBuffer();
    return { status: r.status, retryAfter: r.headers.get('retry-after') };
  } catch {
    return null; // no answer (the node was killed): not acknowledged
  }
}

describe('kill -9 of a core node while clients post to both (real processes, real PostgreSQL)', { skip }, () => {
  let store: TestStore;
  const homes: string[] = [];
  const children: ChildProcess[] = [];
  before(async () => {
    store = await createTestStore();
  });
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await store?.drop();
    for (const h of homes) rmSync(h, { recursive: true, force: true });
  });

  it('every 200 is there once afterwards, on the survivor; the survivor answers 200 or 503 with Retry-After, never 500', async () => {
    const start = async () => {
      const home = mkdtempSync(join(tmpdir(), 'aleph-core-'));
      homes.push(home);
      const n = await coreProcess(home, store.url!);
      children.push(n.child);
      return n;
    };
    const a = await start();
    const b = await start();
    const account = newAccount();
    let i = 0;
    const acked: string[] = [];
    const survivorStatuses: number[] = [];
    let killed = false;
    let stop = false;
    const client = async (url: string, isSurvivor: boolean) => {
      while (!stop) {
        const m = await sign(account, buildPost({ sender: account.address, type: 'failover', content: { i: i++ } }));
        const r = await post(url, m);
        if (!r) {
          if (!isSurvivor) return; // the killed node
          continue;
        }
        if (isSurvivor) {
          survivorStatuses.push(r.status);
          if (r.status === 503) assert.ok(r.retryAfter, 'a 503 carries Retry-After');
        }
        if (r.status === 200) acked.push(m.item_hash);
        else assert.ok(r.status === 503, `unexpected ${r.status}`);
      }
    };
    const clients = [client(a.url, false), client(a.url, false), client(b.url, true), client(b.url, true)];
    // Kill once both have acknowledged some: A then holds work in flight, perhaps the order lock.
    const waitFor = async (n: number) => {
      const deadline = Date.now() + 60_000;
      while (acked.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${acked.length}/${n} acknowledged`);
        await new Promise((r) => setImmediate(r));
      }
    };
    await waitFor(60);
    a.child.kill('SIGKILL');
    killed = true;
    const afterKill = acked.length;
    await waitFor(afterKill + 40);
    stop = true;
    await Promise.all(clients);
    assert.ok(killed);
    assert.ok(!survivorStatuses.includes(500));

    const db = new pg.Client({ connectionString: store.url! });
    await db.connect();
    try {
      const { rows } = await db.query<{ item_hash: string; status: string; height: string }>(
        'select item_hash, status, height from messages where item_hash = any($1)',
        [acked],
      );
      assert.equal(rows.length, new Set(acked).size, 'every acknowledged message is stored');
      assert.ok(rows.every((r) => r.status === 'processed'));
      assert.equal(new Set(rows.map((r) => r.height)).size, rows.length, 'each at its own height');
    } finally {
      await db.end();
    }
    // And the survivor serves them.
    for (const h of acked.slice(-5)) assert.equal((await fetch(`${b.url}/api/v0/messages/${h}`)).status, 200);
  });
});
