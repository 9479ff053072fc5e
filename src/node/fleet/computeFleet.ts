import { AlephError, isAlephError } from '../../errors.js';
import {
  heartbeatText,
  recoverPersonalSigner,
  sameAddress,
  toChecksumAddress,
  type ComputeHeartbeatRequest,
  type ComputeNodeEntry,
  type ComputeNodesAnswer,
} from '../../protocol/index.js';
import type { Db } from '../store/queries.js';

/** The core node's side of the compute fleet: who may register, and how long a beat keeps a node live. */
export interface ComputeFleetSettings {
  /** Compute node addresses allowed to register (the node's trustedComputeAddresses). */
  allow: readonly string[];
  /** A node is live when its last accepted heartbeat is at most this old (core node clock). Default 3 s. */
  liveSeconds: number;
  /** A heartbeat's signed time may be at most this far from the core node's clock. Default 30 s. */
  maxSkewSeconds: number;
}

export const DEFAULT_COMPUTE_LIVE_SECONDS = 3;
export const DEFAULT_COMPUTE_MAX_SKEW_SECONDS = 30;

/**
 * Checks a parsed heartbeat, cheapest refusal first that tells the sender the truth: the signature must be the
 * address's own (401, whoever signed), the address on the allow-list (403), the time near ours (401, a replay or
 * a clock far off). Returns the checksummed address. Nothing is written before this passes.
 *
 * @example
 * const address = checkHeartbeat(body, settings, Date.now() / 1000);
 */
export function checkHeartbeat(hb: ComputeHeartbeatRequest, s: ComputeFleetSettings, now: number): string {
  const address = toChecksumAddress(hb.address);
  let recovered: string | null = null;
  try {
    recovered = recoverPersonalSigner(heartbeatText(hb), hb.signature);
  } catch (e) {
    if (!isAlephError(e)) throw e;
  }
  if (recovered === null || !sameAddress(recovered, address)) {
    throw new AlephError('COMPUTE_HEARTBEAT_SIGNATURE_INVALID', `the heartbeat of ${address} is not signed by it`, {
      hint: 'a compute node signs heartbeatText(heartbeat) with its own key (compute.key, EIP-191)',
      details: { address, recovered },
    });
  }
  if (!s.allow.some((a) => sameAddress(a, address))) {
    throw new AlephError('COMPUTE_NODE_UNKNOWN', `${address} is not a compute node this network allows`, {
      hint: "the operator lists compute node addresses in the core node's --compute-allow (ALEPH_COMPUTE_ALLOW)",
      details: { address },
    });
  }
  if (Math.abs(hb.time - now) > s.maxSkewSeconds) {
    throw new AlephError(
      'COMPUTE_HEARTBEAT_STALE',
      `the heartbeat of ${address} is dated ${Math.round(hb.time - now)} s from the core node's clock`,
      {
        hint: `heartbeats are fresh (within ${s.maxSkewSeconds} s): check the compute node's clock`,
        details: { time: hb.time, now, max_skew_s: s.maxSkewSeconds },
      },
    );
  }
  return address;
}

/**
 * Records an accepted heartbeat: inserts the node, or updates its url, name and last_seen when this beat is newer
 * than the last one stored (an older one, replayed, changes nothing but is not an error).
 */
export async function recordHeartbeat(db: Db, address: string, hb: ComputeHeartbeatRequest, now: number) {
  await db
    .insertInto('compute_nodes')
    .values({ address, url: hb.url, name: hb.name, signed_time: hb.time, first_seen: now, last_seen: now })
    .onConflict((oc) =>
      oc
        .column('address')
        .doUpdateSet({ url: hb.url, name: hb.name, signed_time: hb.time, last_seen: now })
        .where('compute_nodes.signed_time', '<', hb.time),
    )
    .execute();
}

/** Every registered compute node (at most 1,000, by address) with its liveness by the core node's clock. */
export async function listComputeNodes(db: Db, liveSeconds: number, now: number): Promise<ComputeNodesAnswer> {
  const rows = await db
    .selectFrom('compute_nodes')
    .select(['address', 'url', 'name', 'first_seen', 'last_seen'])
    .orderBy('address')
    .limit(1000)
    .execute();
  const nodes: ComputeNodeEntry[] = rows.map((r) => ({
    ...r,
    first_seen: Number(r.first_seen),
    last_seen: Number(r.last_seen),
    live: now - Number(r.last_seen) <= liveSeconds,
  }));
  return { nodes, live_seconds: liveSeconds };
}
