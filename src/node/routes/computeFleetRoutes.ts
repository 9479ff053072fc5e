import type { FastifyInstance } from 'fastify';
import { computeHeartbeatRequestSchema, parseRequestBody, type ComputeHeartbeatAnswer } from '../../protocol/index.js';
import { checkHeartbeat, listComputeNodes, recordHeartbeat, type ComputeFleetSettings } from '../fleet/computeFleet.js';
import type { NodeContext } from '../nodeContext.js';

/**
 * The compute fleet (DESIGN §8): `POST /api/v0/compute/heartbeat` registers or refreshes a compute node (signed by
 * its own key, on the allow-list) and answers the fleet; `GET /api/v0/compute/nodes` lists it. Registrations live
 * in the store every core node of a cluster shares, so a compute node may beat through any of them.
 */
export function computeFleetRoutes(app: FastifyInstance, node: NodeContext, s: ComputeFleetSettings): void {
  app.post('/api/v0/compute/heartbeat', { bodyLimit: 4096 }, async (req): Promise<ComputeHeartbeatAnswer> => {
    const hb = parseRequestBody(computeHeartbeatRequestSchema, req.body);
    const now = Date.now() / 1000;
    const address = checkHeartbeat(hb, s, now);
    await recordHeartbeat(node.db, address, hb, now);
    const fleet = await listComputeNodes(node.db, s.liveSeconds, now);
    const self = fleet.nodes.find((n) => n.address === address);
    // Found unless 1,000 others sort before it: then the sender still learns its own row.
    return {
      ...fleet,
      node: self ?? { address, url: hb.url, name: hb.name, first_seen: now, last_seen: now, live: true },
    };
  });

  app.get('/api/v0/compute/nodes', () => listComputeNodes(node.reads, s.liveSeconds, Date.now() / 1000));
}
