import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { migrations } from './migrations.js';
import { openStore, storeThreadsExited } from './openStore.js';
import type { Database, MessagesTable } from './tables.js';

type Compilable = { compile(): { sql: string; parameters: readonly unknown[] } };

describe('0003_partial_indexes: ref and waiting_for indexes hold only the rows that have one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aleph-partial-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const row = (hash: string, extra: Partial<MessagesTable>): MessagesTable => ({
    item_hash: hash,
    type: 'POST',
    chain: 'ETH',
    sender: '0xA',
    owner: '0xA',
    channel: null,
    time: 1,
    item_type: 'inline',
    item_content: '{}',
    signature: '0x',
    content: '{}',
    status: 'processed',
    error_code: null,
    details: null,
    reception_time: 1,
    height: 1,
    forgotten_by: null,
    ref: null,
    subtype: null,
    size: 2,
    waiting_for: null,
    ...extra,
  });

  it('migrates a store made before it, keeps its rows, and every query on ref / waiting_for still uses an index', async () => {
    const path = join(dir, 'old.db');
    // A store as 0002 left it: full indexes, rows with and without ref / waiting_for.
    const old = new Kysely<Database>({ dialect: new SqliteDialect({ database: new BetterSqlite3(path) }) });
    const { error } = await new Migrator({ db: old, provider: { getMigrations: async () => migrations } }).migrateTo(
      '0002_governance',
    );
    assert.equal(error, undefined);
    await old
      .insertInto('messages')
      .values([
        row('h1', {}),
        row('h2', { subtype: 'amend', ref: 'h1', height: 2 }),
        row('h3', { status: 'pending', height: null, waiting_for: 'f1' }),
      ])
      .execute();
    await old.destroy();

    const db = await openStore(path);
    try {
      const raw = new BetterSqlite3(path, { readonly: true });
      const sqlOf = (name: string) =>
        (raw.prepare(`select sql from sqlite_master where name = ?`).pluck().get(name) as string).toLowerCase();
      assert.match(sqlOf('messages_ref'), /where "ref" is not null$/);
      assert.match(sqlOf('messages_waiting'), /where "waiting_for" is not null$/);
      const plan = (q: Compilable) => {
        const c = q.compile();
        return (
          raw.prepare(`explain query plan ${c.sql}`).all(...(c.parameters as unknown[])) as Array<{ detail: string }>
        )
          .map((r) => r.detail)
          .join(' | ');
      };
      // Pipeline.retryWaitingFor
      const waiting = db
        .selectFrom('messages')
        .selectAll()
        .where('status', '=', 'pending')
        .where('waiting_for', '=', 'f1')
        .orderBy('reception_time');
      assert.match(plan(waiting), /USING INDEX messages_waiting \(waiting_for=\?\)/);
      assert.deepEqual(
        (await waiting.execute()).map((r) => r.item_hash),
        ['h3'],
      );
      // posts.json: the latest amend of a post, and the refs filter.
      const amend = db
        .selectFrom('messages')
        .selectAll()
        .where('type', '=', 'POST')
        .where('status', '=', 'processed')
        .where('subtype', '=', 'amend')
        .where('ref', '=', 'h1')
        .orderBy('height', 'desc')
        .limit(1);
      assert.match(plan(amend), /USING INDEX messages_ref \(ref=\?\)/);
      assert.equal((await amend.executeTakeFirst())?.item_hash, 'h2');
      const postsRef = db
        .selectFrom('messages')
        .selectAll()
        .where('type', '=', 'POST')
        .where('status', '=', 'processed')
        .where('subtype', '!=', 'amend')
        .where('ref', 'in', ['h1'])
        .orderBy('height', 'desc');
      assert.match(plan(postsRef), /USING INDEX messages_ref \(ref=\?\)/);
      // With several refs SQLite's estimate prefers (status, type), as it did with the full index: an index still.
      assert.match(plan(postsRef.where('ref', 'in', ['h1', 'h9'])), /USING INDEX/);
      // messages.json refs filter: an index either way (status leads, as it did with the full index).
      const msgRefs = db
        .selectFrom('messages')
        .selectAll()
        .where('status', '=', 'processed')
        .where('ref', 'in', ['h1'])
        .orderBy('time', 'desc')
        .orderBy('height', 'desc');
      assert.match(plan(msgRefs), /USING INDEX/);
      assert.deepEqual(
        (await msgRefs.execute()).map((r) => r.item_hash),
        ['h2'],
      );
      raw.close();
    } finally {
      await db.destroy();
      // Its checkpoint thread closes its own connection after destroy(): wait, or removing the dir races its files.
      await storeThreadsExited(db);
    }
  });
});
