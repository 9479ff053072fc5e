import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { buildPost } from '../../client/messages/buildPost.js';
import { createNode, type RunningNode } from '../createNode.js';
import { newAccount, sign } from '../testing/nodeHarness.js';
import { databaseUrl, testPgServer } from '../testing/testStore.js';
import { freePort } from '../testing/freePort.js';

// Its own PostgreSQL (restarting the shared test server would break the other tests); only in the PostgreSQL run.
const skip = (!testPgServer() || !existsSync('/usr/lib/postgresql')) && 'needs ALEPH_TEST_PG and PostgreSQL binaries';

const pgctl = (...args: string[]) => {
  const r = spawnSync('bash', ['scripts/postgres.sh', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
};

describe('PostgreSQL restarted under load (a real server)', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'aleph-pg-restart-'));
  let data = '';
  let port = 0;
  let node: RunningNode | undefined;
  before(async () => {
    chmodSync(dir, 0o755);
    data = join(dir, 'data');
    port = await freePort();
    const server = pgctl('start', data, String(port));
    const c = new pg.Client({ connectionString: server });
    await c.connect();
    await c.query('create database aleph');
    await c.end();
    node = await createNode({
      home: join(dir, 'home'),
      port: 0,
      store: databaseUrl(server, 'aleph'),
      signatureWorkers: 0,
    });
  });
  after(async () => {
    await node?.close();
    spawnSync('bash', ['scripts/postgres.sh', 'stop', data]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the node reconnects by itself: 200s before and after, only 503 (with Retry-After) between, every 200 stored once', async () => {
    const account = newAccount();
    const acked: string[] = [];
    const statuses = new Map<number, number>();
    let i = 0;
    let restarted = false;
    let ackedAfterRestart = 0;
    const client = async () => {
      const deadline = Date.now() + 60_000;
      while (ackedAfterRestart < 20 && Date.now() < deadline) {
        const m = await sign(account, buildPost({ sender: account.address, type: 'restart', content: { i: i++ } }));
        const r = await fetch(`${node!.url}/api/v0/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ message: m, sync: true }),
        });
        await r.arrayBuffer();
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status === 503) assert.ok(r.headers.get('retry-after'));
        if (r.status === 200) {
          acked.push(m.item_hash);
          if (restarted) ackedAfterRestart++;
        } else if (r.status !== 503) assert.fail(`status ${r.status}`);
        else await new Promise((res) => setTimeout(res, 50)); // a client honouring Retry-After, shortened
      }
    };
    const clients = [client(), client(), client()];
    const until = Date.now() + 60_000;
    while (acked.length < 30) {
      assert.ok(Date.now() < until, 'no 30 acknowledgements before the restart');
      await new Promise((r) => setImmediate(r));
    }
    pgctl('stop', data);
    pgctl('start', data, String(port));
    restarted = true;
    await Promise.all(clients);
    assert.ok(ackedAfterRestart >= 20, `only ${ackedAfterRestart} acknowledged after the restart`);
    assert.ok(!statuses.has(500), JSON.stringify([...statuses]));
    const rows = await node!.reads
      .selectFrom('messages')
      .select(['item_hash', 'status', 'height'])
      .where('item_hash', 'in', acked)
      .execute();
    assert.equal(rows.length, new Set(acked).size, 'nothing acknowledged is lost');
    assert.ok(rows.every((r) => r.status === 'processed'));
    assert.equal(new Set(rows.map((r) => r.height)).size, rows.length);
  });
});
