import { MAX_JSON_DEPTH_CEILING, parseJsonWithin, type ProgramState } from '../../protocol/index.js';
import type { FileStore } from '../files/fileStore.js';
import type { Db } from '../store/queries.js';
import type { ProgramRefsTable, ProgramsTable } from '../store/tables.js';
import { nextEditionNumber } from '../governance/editionRecords.js';
import { servingView } from './computeReports.js';
import { governanceView } from './governanceView.js';
import { latestRollout } from './rolloutView.js';

/** A program by its id or by the hash of any of its versions (a replacement's own hash routes to it). */
export async function findProgram(db: Db, idOrHash: string): Promise<ProgramsTable | undefined> {
  const direct = await db.selectFrom('programs').selectAll().where('id', '=', idOrHash).executeTakeFirst();
  if (direct) return direct;
  const msg = await db
    .selectFrom('messages')
    .select(['ref', 'type'])
    .where('item_hash', '=', idOrHash)
    .executeTakeFirst();
  if (msg?.type !== 'PROGRAM' || !msg.ref) return undefined;
  return db.selectFrom('programs').selectAll().where('id', '=', msg.ref).executeTakeFirst();
}

/** A listing reads the current contents and refs of a whole page in two queries, not two per program. */
export interface PreloadedView {
  content: string | null;
  refs: ProgramRefsTable[];
  /** Whether any rollout plan names the program: a listing reads rollouts only for those that have one. */
  hasRollout: boolean;
}

export async function preloadViews(db: Db, programs: ProgramsTable[]): Promise<Map<string, PreloadedView>> {
  const out = new Map<string, PreloadedView>();
  if (programs.length === 0) return out;
  const contents = await db
    .selectFrom('messages')
    .select(['item_hash', 'content'])
    .where(
      'item_hash',
      'in',
      programs.map((p) => p.current_hash),
    )
    .execute();
  const byHash = new Map(contents.map((c) => [c.item_hash, c.content]));
  const refs = await db
    .selectFrom('program_refs')
    .selectAll()
    .where(
      'program_id',
      'in',
      programs.map((p) => p.id),
    )
    .orderBy('kind')
    .orderBy('mount')
    .execute();
  const planned = await db
    .selectFrom('program_rollouts')
    .select('program_id')
    .distinct()
    .where(
      'program_id',
      'in',
      programs.map((p) => p.id),
    )
    .execute();
  const withRollout = new Set(planned.map((r) => r.program_id));
  for (const p of programs)
    out.set(p.id, {
      content: byHash.get(p.current_hash) ?? null,
      refs: refs.filter((r) => r.program_id === p.id),
      hasRollout: withRollout.has(p.id),
    });
  return out;
}

/**
 * What the API and the compute node see of a program: the version in force and its resolved refs (the
 * fields the compute node and the CLI rely on), then its governance (DESIGN §4 "Endpoints for governance").
 */
export async function programView(
  node: { db: Db; files: FileStore },
  p: ProgramsTable,
  preloaded?: PreloadedView,
): Promise<ProgramState> {
  const { db } = node;
  const msg = preloaded
    ? { content: preloaded.content }
    : await db.selectFrom('messages').select(['content']).where('item_hash', '=', p.current_hash).executeTakeFirst();
  const refs =
    preloaded?.refs ??
    (await db
      .selectFrom('program_refs')
      .selectAll()
      .where('program_id', '=', p.id)
      .orderBy('kind')
      .orderBy('mount')
      .execute());
  return {
    id: p.id,
    owner: p.owner,
    status: p.status,
    edition: p.edition,
    current_hash: p.current_hash,
    updated_height: p.updated_height,
    // A store from an older node may hold content too deep to serialize again (metadata is free-form).
    // Stored as accepted (parsed with programContent at ingest): the contract's type, not re-parsed per answer.
    content: parseJsonWithin(msg?.content, MAX_JSON_DEPTH_CEILING) as ProgramState['content'],
    resolved: refs.map((r) => ({
      kind: r.kind,
      mount: r.mount || null,
      ref: r.ref,
      version: r.version,
      file_hash: r.file_hash,
      use_latest: r.use_latest === 1,
    })),
    ...(await governanceView(node, p)),
    // What the compute node says it runs: an accepted edition that failed to start shows here.
    serving: await servingView(db, p.id),
    rollout: preloaded?.hasRollout === false ? null : await latestRollout(db, p.id, Date.now() / 1000),
    // Only an aborted rollout leaves a gap: a listed program without a plan skips the query.
    next_edition: preloaded?.hasRollout === false ? p.edition + 1 : await nextEditionNumber(db, p),
  };
}
