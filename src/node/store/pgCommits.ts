import type { EventEmitter } from 'node:events';
import pg from 'pg';
import { coreNodeApplicationName } from './pgStore.js';
import type { Db } from './queries.js';

/** The channel on which every writer of a PostgreSQL store announces its commits (in the transaction: on commit). */
export const COMMITS_CHANNEL = 'aleph_commits';

/** What one notification says: writer `n` committed heights (f, t] and these events. PostgreSQL caps a payload at 8000 bytes. */
interface Announcement {
  n: string;
  f: number;
  t: number;
  e: object[];
}

const EVENTS_PER_NOTIFICATION = 40;

/** The notifications of one batch: its height range in the first, its events in as many as they need. */
export function announcements(node: string, from: number, to: number, events: readonly object[]): string[] {
  const out: string[] = [];
  for (let i = 0; i === 0 || i < events.length; i += EVENTS_PER_NOTIFICATION)
    out.push(
      JSON.stringify({ n: node, f: i === 0 ? from : to, t: to, e: events.slice(i, i + EVENTS_PER_NOTIFICATION) }),
    );
  return out;
}

export interface CommitFollower {
  /** Settles once the first connection listens (or failed: it is retried in the background). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Makes every core node on one store stream what any of them commits: the other writers' announcements are
 * read back as the rows they name and emitted on this node's bus ('message' hash height, 'event' e), as its
 * own commits are. A lost connection (a server restart) is retried; on return, the heights committed
 * meanwhile are caught up from the store, except those this node committed (and emitted) itself.
 */
export function followCommits(url: string, self: string, db: Db, bus: EventEmitter): CommitFollower {
  let client: pg.Client | null = null;
  let closed = false;
  let streamed = 0; // the highest height emitted here, from either side
  let localSince: Set<string> | null = null; // hashes this node emitted while not following
  let caughtUpTo = 0; // heights at or below it were read back after a reconnection
  let chain = Promise.resolve();
  let emitting = false;

  const onLocal = (hash: string, height: number) => {
    if (emitting) return;
    if (height > streamed) streamed = height;
    localSince?.add(hash);
  };
  bus.on('message', onLocal);

  const emitRange = async (from: number, to: number, skip: Set<string> | null) => {
    const rows = await db
      .selectFrom('messages')
      .select(['item_hash', 'height'])
      .where('height', '>', from)
      .where('height', '<=', to)
      .where('status', '=', 'processed')
      .orderBy('height')
      .execute();
    emitting = true;
    try {
      for (const r of rows) if (!skip?.has(r.item_hash)) bus.emit('message', r.item_hash, r.height);
    } finally {
      emitting = false;
    }
    if (to > streamed) streamed = to;
  };

  const onNotification = (m: pg.Notification) => {
    let a: Announcement;
    try {
      a = JSON.parse(m.payload ?? '') as Announcement;
    } catch {
      return;
    }
    if (a.n === self) return;
    chain = chain
      .then(async () => {
        const f = Math.max(a.f, caughtUpTo);
        if (a.t > f) await emitRange(f, a.t, null);
        emitting = true;
        try {
          for (const e of a.e) bus.emit('event', e);
        } finally {
          emitting = false;
        }
      })
      .catch(() => undefined);
  };

  const connect = async (): Promise<void> => {
    if (closed) return;
    const c = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: 5000,
      keepAlive: true,
      // Held as long as the node runs: what shows the node connected to the store (otherCoreNodes).
      application_name: coreNodeApplicationName(self),
    });
    // At once, not once listening: a server shutting down can send its FATAL in the same read as the end of the
    // handshake, before any query is active, and pg emits that as 'error' — which, unheard, ends the process.
    c.on('error', () => undefined);
    const from = streamed;
    localSince = new Set();
    try {
      await c.connect();
      c.on('notification', onNotification);
      await c.query(`listen ${COMMITS_CHANNEL}`);
      c.on('end', () => {
        client = null;
        if (!closed) setTimeout(() => void connect(), 200).unref();
      });
      client = c;
      if (closed) return void (await c.end().catch(() => undefined));
      // Listening: whatever commits from now on is announced; what committed while not listening is read.
      const skip = localSince;
      chain = chain
        .then(async () => {
          const [h] = await db.selectFrom('meta').select('value').where('key', '=', 'height').execute();
          // At the first connection nothing was missed: the stream starts now.
          if (from > 0) {
            await emitRange(from, Number(h?.value ?? 0), skip);
            caughtUpTo = Number(h?.value ?? 0);
          } else if (Number(h?.value ?? 0) > streamed) streamed = Number(h?.value ?? 0);
        })
        .catch(() => undefined)
        .finally(() => {
          if (localSince === skip) localSince = null;
        });
    } catch {
      await c.end().catch(() => undefined);
      if (!closed) setTimeout(() => void connect(), 500).unref();
    }
  };
  const ready = connect();

  return {
    ready,
    async close() {
      closed = true;
      bus.off('message', onLocal);
      await client?.end().catch(() => undefined);
      await chain;
    },
  };
}
