import { sql, type SelectQueryBuilder } from 'kysely';
import { AlephError } from '../../errors.js';
import { fairTurn } from '../fairTurn.js';
import type { NodeLimits } from '../nodeLimits.js';
import { MESSAGE_COLUMNS } from '../store/hotStatements.js';
import type { Db } from '../store/queries.js';
import type { Database, MessagesTable } from '../store/tables.js';

export interface Page {
  /** Rows asked for; 0 = "no limit" (pyaleph), which this node bounds by limits.maxListRows. */
  perPage: number;
  page: number;
}

/**
 * Pages of at most this many rows are ordinary reads: their steps go before bulk work (fairTurn), so a page of
 * large messages is not queued behind every history and `pagination=0` answer at each step.
 */
const ORDINARY_PAGE_ROWS = 200;

export const isOrdinaryPage = (p: Page): boolean => p.perPage > 0 && p.perPage <= ORDINARY_PAGE_ROWS;

/** pyaleph's pagination (default 20 per page, page 1), with a larger page size than the node serves refused. */
export function pageOf(
  q: { pagination?: number | undefined; page?: number | undefined },
  limits: NodeLimits,
  defaultPerPage = 20,
): Page {
  const perPage = q.pagination ?? defaultPerPage;
  if (perPage > limits.maxListRows) {
    throw new AlephError(
      'REQUEST_QUERY_INVALID',
      `query parameter "pagination": at most ${limits.maxListRows} per page on this node`,
      {
        hint: `ask for pages of at most ${limits.maxListRows}, or pagination=0 for as many as the node serves`,
        details: { field: 'pagination', value: perPage, max: limits.maxListRows },
      },
    );
  }
  return { perPage, page: q.page ?? 1 };
}

// Every column of a message but its content, which chunkRows reads once for inline messages.
const ROW_COLUMNS = MESSAGE_COLUMNS.filter((c) => c !== 'content');

type MessagesQuery = SelectQueryBuilder<Database, 'messages', object>;

/** Row and byte bounds of one read of a listing: each is a short synchronous query and a short formatting step. */
const CHUNK_ROWS = 50;
const CHUNK_BYTES = 64 * 1024;
/**
 * Keys (hash, size) read per query of a page. SQLite runs on the event loop, and a message row is read whole up to
 * its `status` and `size` (past its content, in overflow pages): 10,000 keys at once held the loop ~60 ms.
 */
const KEY_SLICE = 500;

/** How a listing is ordered: its columns, most significant first (item_hash last, so the order is total). */
export interface ListOrder {
  columns: ('time' | 'height' | 'item_hash')[];
  dir: 'asc' | 'desc';
  /** Columns compared unindexed (`+time`), so SQLite keeps the filter's own index (see messagesRoutes). */
  unindexed?: 'time'[];
}

type KeyRow = { item_hash: string; size: number; time: number; height: number | null };

function ordered(base: MessagesQuery, order: ListOrder): MessagesQuery {
  let q = base;
  for (const c of order.columns)
    q = q.orderBy(order.unindexed?.includes(c as 'time') ? sql`+${sql.ref(c)}` : sql.ref(c), order.dir);
  return q;
}

/** The rows strictly after `last` in `order` (a row value comparison: both SQLite and PostgreSQL have them). */
function after(q: MessagesQuery, order: ListOrder, last: KeyRow): MessagesQuery {
  const cols = sql.join(
    order.columns.map((c) => (order.unindexed?.includes(c as 'time') ? sql`+${sql.ref(c)}` : sql.ref(c))),
  );
  const values = sql.join(order.columns.map((c) => last[c]));
  return q.where(order.dir === 'desc' ? sql<boolean>`(${cols}) < (${values})` : sql<boolean>`(${cols}) > (${values})`);
}

/**
 * The hashes of one page, within the node's bounds (at most maxListRows rows and maxListBytes of content), in
 * chunks to read one at a time. Sizes are read first (no content), so an answer too large is known before any
 * content is loaded; they are read KEY_SLICE at a time, each slice after the last key of the one before, with a
 * turn of the event loop between. A page that asked for a size and does not fit is refused (silently short pages
 * would make offset paging skip rows); a "no limit" answer stops at the bound, and pagination_total says how many
 * there were.
 */
export async function pageChunks(
  base: MessagesQuery,
  order: ListOrder,
  page: Page,
  limits: NodeLimits,
  keySlice = KEY_SLICE,
): Promise<string[][]> {
  const take = page.perPage === 0 ? limits.maxListRows : page.perPage;
  const offset = page.perPage === 0 ? 0 : (page.page - 1) * page.perPage;
  const chunks: string[][] = [];
  let chunk: string[] = [];
  let chunkBytes = 0;
  let bytes = 0;
  let read = 0;
  let last: KeyRow | undefined;
  while (read < take) {
    if (last) await fairTurn({ ordinary: isOrdinaryPage(page) });
    const n = Math.min(keySlice, take - read);
    const q = ordered(last ? after(base, order, last) : base, order)
      .select(['item_hash', 'size', 'time', 'height'])
      .limit(n);
    const keys: KeyRow[] = await (last ? q : q.offset(offset)).execute();
    read += keys.length;
    for (const k of keys) {
      bytes += k.size;
      if (bytes > limits.maxListBytes && (chunks.length > 0 || chunk.length > 0)) {
        if (page.perPage === 0) return [...chunks, ...(chunk.length ? [chunk] : [])];
        throw new AlephError('LIST_TOO_LARGE', `this page holds more than ${limits.maxListBytes} bytes of content`, {
          hint: 'ask for smaller pages (a lower pagination)',
          details: { field: 'pagination', value: page.perPage, max_bytes: limits.maxListBytes },
        });
      }
      if (chunk.length >= CHUNK_ROWS || (chunk.length > 0 && chunkBytes + k.size > CHUNK_BYTES)) {
        chunks.push(chunk);
        chunk = [];
        chunkBytes = 0;
      }
      chunk.push(k.item_hash);
      chunkBytes += k.size;
    }
    if (keys.length < n) break;
    last = keys[keys.length - 1];
  }
  if (chunk.length) chunks.push(chunk);
  return chunks;
}

/** The rows of one chunk of hashes, in the chunk's order (rows gone since the page was cut are left out). */
export async function chunkRows(db: Db, hashes: string[]): Promise<MessagesTable[]> {
  // An inline message's content column is its item_content again: read the text once, not twice.
  const rows = await db
    .selectFrom('messages')
    .select([
      ...ROW_COLUMNS,
      sql<string | null>`case when item_type = 'inline' then null else content end`.as('content'),
    ])
    .where('item_hash', 'in', hashes)
    .execute();
  const byHash = new Map<string, MessagesTable>();
  for (const r of rows)
    byHash.set(r.item_hash, { ...r, content: r.content ?? (r.item_type === 'inline' ? r.item_content : null) });
  return hashes.map((h) => byHash.get(h)).filter((r): r is MessagesTable => r !== undefined);
}
