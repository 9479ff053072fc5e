import type { WebSocket } from 'ws';
import { sql } from 'kysely';
import { fairTurn } from '../fairTurn.js';
import type { Db } from '../store/queries.js';
import type { MessagesTable } from '../store/tables.js';
import type { FrameCache } from './frameCache.js';
import { matches } from './matchFilters.js';
import type { Filters } from './wsQuery.js';
import { closeWith, CLOSE_POLICY, type WsLimits } from './subscribers.js';

const SCAN_CHUNK = 250;
const SEND_CHUNK = 20;
const FILTER_COLUMNS = ['item_hash', 'sender', 'owner', 'channel', 'chain', 'ref', 'type', 'subtype'] as const;

/**
 * At most `n` history queries waiting on the store at once. The store runs one query at a time, in order: 200
 * subscribers asking for history at once would otherwise queue hundreds of queries ahead of every ordinary read.
 */
export class QueryGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly n: number) {}

  async run<T>(query: () => Promise<T>): Promise<T> {
    if (this.running >= this.n) await new Promise<void>((r) => this.waiting.push(r));
    else this.running++;
    try {
      return await query();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/**
 * The newest `history` processed messages matching `filters`, oldest first, as their hashes. Reads only the
 * filter columns, at most `historyScanRows` rows, in chunks with a turn of the event loop between them, so
 * hundreds of history requests at once share the node with ordinary reads instead of freezing it.
 */
export async function historyHashes(
  db: Db,
  gate: QueryGate,
  filters: Filters,
  history: number,
  limits: WsLimits,
  alive: () => boolean,
): Promise<string[]> {
  const found: string[] = [];
  for (let offset = 0; offset < limits.historyScanRows && found.length < history && alive(); offset += SCAN_CHUNK) {
    await fairTurn();
    // `+status`: walk messages_height newest first; `status = ?` made SQLite take (status, type) and sort every
    // processed message for each chunk of each history.
    const rows = await gate.run(() =>
      db
        .selectFrom('messages')
        .select(FILTER_COLUMNS)
        .where(sql`+status`, '=', 'processed')
        .orderBy('height', 'desc')
        .limit(Math.min(SCAN_CHUNK, limits.historyScanRows - offset))
        .offset(offset)
        .execute(),
    );
    for (const r of rows) if (found.length < history && matches(filters, r)) found.push(r.item_hash);
    if (rows.length < SCAN_CHUNK) break;
  }
  return found.reverse();
}

/**
 * Resolves true once ws has handed `frame` to the kernel, false if the socket failed or closed first. It never
 * rejects: only the batch's last send is awaited, and an earlier rejection nobody awaits would be an unhandled
 * rejection, which ends the process (a client closing mid-history did exactly that in the fuzz run).
 */
function sendAndFlush(ws: WebSocket, frame: Buffer): Promise<boolean> {
  return new Promise((done) => ws.send(frame, { binary: false }, (err) => done(!err)));
}

/**
 * Sends the history a few frames at a time, waiting for each batch to leave before reading the next, so its
 * content is never held in memory all at once; a client that does not read it within `historyTimeoutMs` is closed.
 * Returns the hashes sent (so live messages that arrived meanwhile are not sent twice), or null if it gave up.
 */
export async function sendHistory(
  db: Db,
  gate: QueryGate,
  frames: FrameCache,
  ws: WebSocket,
  hashes: string[],
  limits: WsLimits,
): Promise<Set<string> | null> {
  const sent = new Set<string>();
  const deadline = Date.now() + limits.historyTimeoutMs;
  for (let i = 0; i < hashes.length; i += SEND_CHUNK) {
    await fairTurn();
    if (ws.readyState !== ws.OPEN) return null;
    const batch = hashes.slice(i, i + SEND_CHUNK);
    // Statuses first (a message may have been forgotten since), then whole rows only for frames not cached.
    const statuses = await gate.run(() =>
      db.selectFrom('messages').select(['item_hash', 'status']).where('item_hash', 'in', batch).execute(),
    );
    const processed = new Set(statuses.filter((r) => r.status === 'processed').map((r) => r.item_hash));
    const missing = batch.filter((h) => processed.has(h) && !frames.has(h));
    const rows = missing.length
      ? await gate.run(() => db.selectFrom('messages').selectAll().where('item_hash', 'in', missing).execute())
      : [];
    const byHash = new Map(rows.map((r) => [r.item_hash, r as MessagesTable]));
    let last: Promise<boolean> = Promise.resolve(true);
    for (const h of batch) {
      if (!processed.has(h)) continue;
      const row = byHash.get(h);
      const frame = row ? (row.status === 'processed' ? frames.frameOf(row) : undefined) : frames.get(h);
      if (!frame) continue;
      last = sendAndFlush(ws, frame);
      sent.add(h);
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      last.then((flushed) => !flushed),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(true), Math.max(0, deadline - Date.now()));
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      closeWith(ws, CLOSE_POLICY, 'WS_SLOW_SUBSCRIBER', `history not read within ${limits.historyTimeoutMs} ms`);
      return null;
    }
  }
  return sent;
}
