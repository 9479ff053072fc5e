import { sql } from 'kysely';
import {
  MAX_JSON_DEPTH_CEILING,
  parseJsonWithin,
  type ProgramSummariesQuery,
  type ProgramSummaryPage,
  type ProgramSummary,
} from '../../protocol/index.js';
import type { NodeLimits } from '../nodeLimits.js';
import type { Page } from '../routes/listPage.js';
import type { Db } from '../store/queries.js';

/** Rows of a summaries page when the client names no size: what a console table shows at once. */
export const DEFAULT_SUMMARIES_PER_PAGE = 50;

/** `%` and `_` in a search are letters, not LIKE wildcards. */
const likeEscaped = (s: string) => s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * One page of program summaries (`GET /api/v0/programs/summaries`) in three queries however many programs the page
 * holds: the count, the page's ids, then their editions in force and current contents — the full view
 * (`/api/v0/programs`) costs several queries per program. A search is matched in SQL (lower-cased LIKE, the same on
 * SQLite and PostgreSQL), so 10,000 programs are never read into memory to be filtered.
 */
export async function programSummaries(
  db: Db,
  q: Pick<ProgramSummariesQuery, 'search'> & { owners: string[] | undefined; page: Page },
  limits: NodeLimits,
): Promise<ProgramSummaryPage> {
  const { page, owners } = q;
  const take = page.perPage === 0 ? limits.maxListRows : page.perPage;
  // The page's ids first, then the page's editions and contents: joining all 10,000 rows before sorting them cost
  // 5x the whole page. A left join on the messages' primary key that no column uses is dropped by SQLite and
  // PostgreSQL alike, so without a search the count and the ids read the programs table alone.
  let base = db
    .selectFrom('programs as p')
    .leftJoin('messages as m', 'm.item_hash', 'p.current_hash')
    .where('p.status', '=', 'live');
  if (owners?.length) base = base.where('p.owner', 'in', owners);
  if (q.search) {
    const word = likeEscaped(q.search);
    base = base.where((eb) =>
      eb.or([
        sql<boolean>`${sql.ref('p.id')} like ${`${word}%`} escape '\\'`,
        sql<boolean>`${sql.ref('p.current_hash')} like ${`${word}%`} escape '\\'`,
        sql<boolean>`lower(${sql.ref('p.owner')}) like ${`%${word}%`} escape '\\'`,
        sql<boolean>`lower(${sql.ref('m.content')}) like ${`%${word}%`} escape '\\'`,
      ]),
    );
  }
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const ids = (
    await base
      .select(['p.id', 'p.created_height'])
      .orderBy('p.created_height', 'desc')
      .orderBy('p.id')
      .limit(take)
      .offset(page.perPage === 0 ? 0 : (page.page - 1) * take)
      .execute()
  ).map((r) => r.id);
  const rows =
    ids.length === 0
      ? []
      : await db
          .selectFrom('programs as p')
          .leftJoin('program_editions as e', (j) =>
            j.onRef('e.program_id', '=', 'p.id').onRef('e.edition', '=', 'p.edition'),
          )
          .leftJoin('messages as m', 'm.item_hash', 'p.current_hash')
          .where('p.id', 'in', ids)
          .select([
            'p.id',
            'p.owner',
            'p.status',
            'p.edition',
            'p.current_hash',
            'p.created_height',
            'p.updated_height',
            'e.checksum',
            'e.upgrade_policy',
            'e.time',
            'e.manifest',
            'm.content',
          ])
          .orderBy('p.created_height', 'desc')
          .orderBy('p.id')
          .execute();
  return {
    programs: rows.map(summaryOf),
    pagination_page: page.page,
    pagination_total: Number(total.n),
    pagination_per_page: page.perPage,
    pagination_item: 'programs',
  };
}

interface SummaryRow {
  id: string;
  owner: string;
  status: 'live' | 'forgotten';
  edition: number;
  current_hash: string;
  created_height: number;
  updated_height: number;
  checksum: string | null;
  upgrade_policy: string | null;
  time: number | null;
  manifest: string | null;
  content: string | null;
}

type Json = Record<string, unknown> | null;
const objectAt = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null);

function summaryOf(r: SummaryRow): ProgramSummary {
  // Stored as accepted (parsed with its schema at ingest); read defensively all the same: metadata is free-form.
  const content = objectAt(parseJsonWithin(r.content, MAX_JSON_DEPTH_CEILING));
  const manifest = objectAt(parseJsonWithin(r.manifest, MAX_JSON_DEPTH_CEILING));
  const metaName = objectAt(content?.metadata)?.name;
  const manifestName = manifest?.name;
  const name = typeof metaName === 'string' ? metaName : typeof manifestName === 'string' ? manifestName : null;
  const policy = r.upgrade_policy === 'immutable' || r.upgrade_policy === 'compatible' ? r.upgrade_policy : null;
  return {
    id: r.id,
    name,
    owner: r.owner,
    status: r.status,
    edition: r.edition,
    current_hash: r.current_hash,
    checksum: r.checksum,
    governed: manifest !== null,
    upgrade_policy: policy,
    persistent: objectAt(content?.on)?.persistent === true,
    created_height: r.created_height,
    updated_height: r.updated_height,
    updated_time: r.time,
  };
}
