import { sql, type SelectQueryBuilder } from 'kysely';
import { AlephError } from '../../errors.js';
import type { NodeLimits } from '../nodeLimits.js';
import { MESSAGE_COLUMNS } from '../store/hotStatements.js';
import type { Db } from '../store/queries.js';
import type { Database, MessagesTable } from '../store/tables.js';

export interface Page {
  /** Rows asked for; 0 = "no limit" (pyaleph), which this node bounds by limits.maxListRows. */
  perPage: number;
  page: number;
}

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
 * The hashes of one page, within the node's bounds (at most maxListRows rows and maxListBytes of content), in
 * chunks to read one at a time. Sizes are read first (no content), so an answer too large is known before any
 * content is loaded. A page that asked for a size and does not fit is refused (silently short pages would make
 * offset paging skip rows); a "no limit" answer stops at the bound, and pagination_total says how many there were.
 */
export async function pageChunks(ordered: MessagesQuery, page: Page, limits: NodeLimits): Promise<string[][]> {
  const take = page.perPage === 0 ? limits.maxListRows : page.perPage;
  const offset = page.perPage === 0 ? 0 : (page.page - 1) * page.perPage;
  const keys = await ordered.select(['item_hash', 'size']).limit(take).offset(offset).execute();
  const chunks: string[][] = [];
  let chunk: string[] = [];
  let chunkBytes = 0;
  let bytes = 0;
  for (const k of keys) {
    bytes += k.size;
    if (bytes > limits.maxListBytes && (chunks.length > 0 || chunk.length > 0)) {
      if (page.perPage === 0) break;
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
