import { computeNodesAnswerSchema, type ComputeNodesAnswer } from '../../protocol/api/fleetSchemas.js';
import { readAnswer, request } from '../transport/request.js';
import type { ClientConfig } from '../transport/clientConfig.js';

/**
 * The compute nodes registered with the core node (`GET /api/v0/compute/nodes`): each one's address, url, name,
 * when the core node last heard its heartbeat, and whether it is live (programs are placed over the live ones).
 * @example
 * const { nodes } = await listComputeNodes(config);
 * const live = nodes.filter((n) => n.live).map((n) => n.url);
 */
export async function listComputeNodes(config: Pick<ClientConfig, 'apiUrl'>): Promise<ComputeNodesAnswer> {
  return readAnswer(await request(config.apiUrl, '/api/v0/compute/nodes'), computeNodesAnswerSchema);
}
