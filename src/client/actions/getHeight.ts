import { heightSchema } from '../../protocol/api/index.js';
import { readAnswer, request } from '../transport/request.js';
import type { ClientConfig } from '../transport/clientConfig.js';

/**
 * The node's current block height (`block.height` in constructors): block intervals elapsed since the
 * network's genesis (one a second by default), not a count of messages.
 * @example
 * const height = await getHeight(config);
 */
export async function getHeight(config: ClientConfig): Promise<number> {
  return (await readAnswer(await request(config.apiUrl, '/api/v0/height'), heightSchema)).height;
}
