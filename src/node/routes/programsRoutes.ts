import type { FastifyInstance } from 'fastify';
import { AlephError } from '../../errors.js';
import { dryRunUpgrade, parseDryRunRequest } from '../governance/dryRun.js';
import { dryRunLimiter } from '../governance/dryRunLimiter.js';
import type { NodeContext } from '../nodeContext.js';
import { editionDetail } from '../programs/editionDetail.js';
import { historyView } from '../programs/historyView.js';
import { latestRollout } from '../programs/rolloutView.js';
import { findProgram, preloadViews, programView } from '../programs/programView.js';
import { pageOf } from './listPage.js';
import { DEFAULT_SUMMARIES_PER_PAGE, programSummaries } from '../programs/programSummaries.js';
import {
  itemHashParamSchema,
  parseRequestPart,
  programSummariesQuerySchema,
  programsQuerySchema,
} from '../../protocol/index.js';
import { z } from 'zod';

const editionParamSchema = z.coerce.number().int().min(0).max(0xffff);
import { checksummed } from './formatMessage.js';

const notFound = (id: string) =>
  new AlephError('PROGRAM_NOT_FOUND', 'no program with that id or version hash', { details: { program_id: id } });

const idOf = (params: unknown) => parseRequestPart(itemHashParamSchema, (params as { id: string }).id, 'path', 'id');

/**
 * Our additions (DESIGN §2, §4): a program by id or by any of its versions' hashes with its governance,
 * its history, a dry run of a candidate upgrade, and the list of programs.
 */
export function programsRoutes(app: FastifyInstance, node: NodeContext): void {
  app.get('/api/v0/programs', async (req) => {
    const q = parseRequestPart(programsQuerySchema, req.query, 'query');
    let query = node.reads.selectFrom('programs').where('status', '=', 'live');
    const owners = checksummed(q.owners ?? q.addresses);
    if (owners?.length) query = query.where('owner', 'in', owners);
    // Without `pagination` (the compute node's call): every live program, up to the node's bound, as before.
    const page = pageOf({ pagination: q.pagination ?? 0, page: q.page }, node.limits);
    const take = page.perPage === 0 ? node.limits.maxListRows : page.perPage;
    const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await query
      .selectAll()
      .orderBy('created_height')
      .orderBy('id')
      .limit(take)
      .offset(page.perPage === 0 ? 0 : (page.page - 1) * take)
      .execute();
    const preloaded = await preloadViews(node.reads, rows);
    return {
      programs: await Promise.all(rows.map((r) => programView(node, r, preloaded.get(r.id)))),
      pagination_page: page.page,
      pagination_total: Number(total.n),
      pagination_per_page: page.perPage,
      pagination_item: 'programs',
    };
  });

  // A static path: find-my-way matches it before `:id` (and "summaries" is no item hash anyway).
  app.get('/api/v0/programs/summaries', async (req) => {
    const q = parseRequestPart(programSummariesQuerySchema, req.query, 'query');
    const page = pageOf(q, node.limits, DEFAULT_SUMMARIES_PER_PAGE);
    return programSummaries(node.reads, { search: q.search, owners: checksummed(q.owners), page }, node.limits);
  });

  app.get('/api/v0/programs/:id', async (req) => {
    const id = idOf(req.params);
    const program = await findProgram(node.reads, id);
    if (!program) throw notFound(id);
    return programView(node, program);
  });

  app.get('/api/v0/programs/:id/history', async (req) => {
    const id = idOf(req.params);
    const program = await findProgram(node.reads, id);
    const history = await historyView(node.reads, program?.id ?? id);
    if (!history) throw notFound(id);
    return history;
  });

  app.get('/api/v0/programs/:id/rollout', async (req) => {
    const id = idOf(req.params);
    const program = await findProgram(node.reads, id);
    if (!program) throw notFound(id);
    return { program_id: program.id, rollout: await latestRollout(node.reads, program.id, Date.now() / 1000) };
  });

  app.get('/api/v0/programs/:id/editions/:edition', async (req) => {
    const id = idOf(req.params);
    const raw = (req.params as { edition: string }).edition;
    const n = parseRequestPart(editionParamSchema, raw, 'path', 'edition');
    const program = await findProgram(node.reads, id);
    if (!program) throw notFound(id);
    return editionDetail(node.reads, program.id, n);
  });

  const dryRunLimit = dryRunLimiter(node.limits.dryRunBurst, node.limits.dryRunPerSecond);
  app.post('/api/v0/programs/:id/dry-run', async (req) => {
    dryRunLimit.take(req.ip);
    const id = idOf(req.params);
    // The body first: a malformed request is refused as such whatever the id names.
    const candidate = parseDryRunRequest(req.body);
    const program = await findProgram(node.reads, id);
    if (!program) throw notFound(id);
    return dryRunUpgrade(node, program, candidate);
  });
}
