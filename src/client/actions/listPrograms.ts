import { readJson, request } from '../transport/request.js';
import type { ClientConfig } from '../transport/clientConfig.js';
import type { ProgramState } from './programs.js';

/**
 * Parameters of {@link listPrograms}.
 * @example
 * await listPrograms(config, { owners: [address], pagination: 50, page: 2 });
 */
export interface ListProgramsParameters {
  /** Owner addresses (content.address of the programs). */
  owners?: string[];
  /** Programs per page (the node's default: all it serves in one answer). */
  pagination?: number;
  page?: number;
}

/**
 * One page of `GET /api/v0/programs`: live programs with their edition in force, in creation order.
 * @example
 * const { programs, pagination_total }: ListProgramsReturnType = await listPrograms(config, { owners: [me] });
 */
export interface ListProgramsReturnType {
  programs: ProgramState[];
  pagination_page?: number;
  pagination_total?: number;
  pagination_per_page?: number;
}

/**
 * Lists live programs (forgotten ones are gone, replacements are folded into their program): one request
 * per page, each program with its current content, edition and policy — no request per program.
 * @example
 * const { programs } = await listPrograms(config, { owners: [account.address], pagination: 100 });
 * for (const p of programs) console.log(p.id, p.edition, p.upgrade_policy);
 */
export async function listPrograms(
  config: ClientConfig,
  params: ListProgramsParameters = {},
): Promise<ListProgramsReturnType> {
  const res = await request(config.apiUrl, '/api/v0/programs', {
    query: { owners: params.owners, pagination: params.pagination, page: params.page },
  });
  return readJson<ListProgramsReturnType>(res);
}

/**
 * Every live program matching the filters, page after page (`aleph program list`).
 * @example
 * const all = await listAllPrograms(config, { owners: [me] });
 */
export async function listAllPrograms(
  config: ClientConfig,
  params: Omit<ListProgramsParameters, 'page'> = {},
): Promise<ProgramState[]> {
  const per = params.pagination ?? 100;
  const out: ProgramState[] = [];
  for (let page = 1; ; page++) {
    const r = await listPrograms(config, { ...params, pagination: per, page });
    out.push(...r.programs);
    if (r.programs.length < per || out.length >= (r.pagination_total ?? out.length)) return out;
  }
}
