import { createHash } from 'node:crypto';

/** What placement needs of a compute node: its address (the key it signs with) names it. */
export interface Placeable {
  address: string;
}

/** The rendezvous weight of a program on a node: the first 8 bytes of sha256(lowercase address || program id). */
export function placementWeight(address: string, programId: string): bigint {
  return createHash('sha256').update(address.toLowerCase()).update(programId).digest().readBigUInt64BE(0);
}

/**
 * Rendezvous (highest-random-weight) hashing: the live node whose weight for the program is highest serves it.
 * Every compute node that sees the same live set computes the same answer with no coordination; when a node
 * leaves, only its own programs move (each to its runner-up), and when one joins, only the programs it now
 * wins move to it. Ties (never in practice) go to the lower address, so the answer is total. Null: no node.
 *
 * @example
 * placeProgram(programId, [{ address: '0xA…' }, { address: '0xB…' }]); // { address: '0xB…' }
 */
export function placeProgram<N extends Placeable>(programId: string, nodes: readonly N[]): N | null {
  let best: N | null = null;
  let bestWeight = -1n;
  for (const n of nodes) {
    const w = placementWeight(n.address, programId);
    if (w > bestWeight || (w === bestWeight && best !== null && n.address.toLowerCase() < best.address.toLowerCase())) {
      best = n;
      bestWeight = w;
    }
  }
  return best;
}
