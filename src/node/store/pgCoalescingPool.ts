import type pg from 'pg';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/**
 * The pool Kysely sees on PostgreSQL, which saves the writer round trips: every statement is one, and the
 * writer waits an event-loop turn for each, so under load they (not the server's work) bound a batch.
 *  - A transaction's `begin`, `savepoint x` and `release savepoint x` are held back and sent in front of the
 *    connection's next statement when that one is a simple query (no parameters: PostgreSQL's simple protocol
 *    takes several statements in one message). In front of a statement with parameters they are sent alone
 *    first, as before. Nothing else runs on the connection in between, so the order is the same; an error of a
 *    held statement is the error of the statement it rode with.
 *  - A simple query of several statements answers as its last statement that returns rows (pg answers an
 *    array, which Kysely would read as no rows), so `select …; select …` reads like one query.
 *  - A simple query whose last statement is `commit` (the writer's batch end rides on it) has ended the
 *    transaction: the `commit` Kysely then sends to close it is answered here without a round trip.
 * Each statement still runs on its own snapshot (read committed), in order, and an error in one skips the
 * rest of its message, so what the server does is what the separate statements did.
 */
export function coalescingPool(pool: pg.Pool): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let w = wrapped.get(client);
      if (!w) {
        w = coalescingClient(client);
        wrapped.set(client, w);
      }
      return w;
    },
    end: () => pool.end(),
  };
}

type Result = pg.QueryResult<Record<string, unknown>>;

/** The control statements that answer nothing the caller reads (the writer's; Kysely's `begin`). */
const HELD = /^(begin|savepoint \w+|release savepoint \w+)$/i;

function coalescingClient(client: pg.PoolClient): PostgresPoolClient {
  let held = '';
  let committed = false;
  /** What is held, handed over once (to be sent in front of the next statement). */
  const takeHeld = () => {
    const before = held;
    held = '';
    return before;
  };
  const send = async (text: string, params: readonly unknown[]): Promise<Result> => {
    const r = (await client.query(text, params as unknown[])) as Result | Result[];
    if (!Array.isArray(r)) return r;
    const last = r[r.length - 1]!;
    if (last.command === 'COMMIT') committed = true;
    for (let i = r.length - 1; i >= 0; i--) if (r[i]!.fields.length) return r[i]!;
    return last;
  };
  const query = async (text: string, params: readonly unknown[]): Promise<Result> => {
    const control = text.trim().toLowerCase();
    if (params.length === 0 && HELD.test(control)) {
      if (control === 'begin') committed = false;
      held += `${control}; `;
      return EMPTY;
    }
    if (committed && (control === 'commit' || control === 'rollback')) {
      // The transaction ended with the statement that carried its commit. A rollback after it would be a
      // caller that did not see that statement succeed: it did, so there is nothing left to undo.
      committed = false;
      return EMPTY;
    }
    const before = takeHeld();
    if (before) {
      if (params.length === 0) return send(before + text, params);
      await client.query(before);
    }
    return send(text, params);
  };
  return {
    query: ((textOrCursor: unknown, params?: readonly unknown[]) => {
      if (typeof textOrCursor !== 'string') {
        // A cursor (a streamed read) answers synchronously: what is held goes first, queued in order by pg (an
        // error there fails the cursor's own statement, the transaction being aborted).
        const before = takeHeld();
        if (before) client.query(before).catch(() => undefined);
        return client.query(textOrCursor as never);
      }
      return query(textOrCursor, params ?? []) as Promise<PostgresQueryResult<unknown>>;
    }) as PostgresPoolClient['query'],
    release() {
      takeHeld();
      committed = false;
      client.release();
    },
  };
}

const EMPTY = { command: 'SELECT', rowCount: 0, rows: [], fields: [], oid: 0 } as unknown as Result;
