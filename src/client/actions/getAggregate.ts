import { aggregateAnswerSchema, type AggregateAnswer } from '../../protocol/api/index.js';
import { readAnswer, request } from '../transport/request.js';
import type { ClientConfig } from '../transport/clientConfig.js';

/**
 * Parameters of {@link getAggregate}.
 * @example
 * await getAggregate(config, { address: me, keys: ['security'] });
 */
export interface GetAggregateParameters {
  address: string;
  /** Only these keys (default: all). */
  keys?: string[];
}

/**
 * Reads the aggregates of an address (`GET /api/v0/aggregates/{address}.json`): `{key: merged content}`.
 * Throws AGGREGATE_NOT_FOUND when the address has none; the answer is parsed with the contract.
 * @example
 * const data = await getAggregate(config, { address: dao, keys: ['approved_checksum'] });
 * console.log(data.approved_checksum);
 */
export async function getAggregate(
  config: ClientConfig,
  params: GetAggregateParameters,
): Promise<AggregateAnswer['data']> {
  const res = await request(config.apiUrl, `/api/v0/aggregates/${encodeURIComponent(params.address)}.json`, {
    query: { keys: params.keys },
  });
  return (await readAnswer(res, aggregateAnswerSchema)).data;
}
