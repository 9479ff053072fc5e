import { z } from 'zod';

/**
 * The compute fleet (DESIGN §8): compute nodes register and heartbeat with the core node, signed by their own key,
 * and read back the live set over which each program is placed. Heartbeats are not messages: they never enter the
 * ordered log, so a fleet beating every second never moves `block.height` (which `@timelock` counts).
 */

/** A compute node's name as operators read it: printable, no line breaks (it is part of the signed text). */
const name = z
  .string()
  .max(64)
  .regex(/^[\x20-\x7e]*$/, 'printable ASCII only');

/** Where the other compute nodes reach this one: an http(s) origin, no credentials, path or query. */
const computeUrl = z
  .string()
  .max(256)
  .regex(/^https?:\/\/[A-Za-z0-9.\-[\]:]+(:\d{1,5})?$/, 'an http(s) origin such as http://10.0.0.5:4020');

const ethAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, '0x followed by 40 hex characters');

/** What a heartbeat says (its signed part): who, where, and when (unix seconds, the compute node's clock). */
export const computeHeartbeatSchema = z
  .object({ address: ethAddress, url: computeUrl, name, time: z.number().finite().min(0) })
  .strict();
export type ComputeHeartbeat = z.infer<typeof computeHeartbeatSchema>;

/** `POST /api/v0/compute/heartbeat`: the heartbeat and its EIP-191 signature over {@link heartbeatText}. */
export const computeHeartbeatRequestSchema = computeHeartbeatSchema
  .extend({ signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, '0x followed by 130 hex characters') })
  .strict();
export type ComputeHeartbeatRequest = z.infer<typeof computeHeartbeatRequestSchema>;

/**
 * The exact text a compute node personal_signs (EIP-191) for a heartbeat. Its first line keeps it from ever
 * reading as a message's verification buffer (`{chain}\n{sender}\n…`) or a forwarding marker; `time` is written as
 * JSON writes the number.
 *
 * @example
 * heartbeatText({ address: '0xAb…', url: 'http://10.0.0.5:4020', name: 'c1', time: 1700000000.5 });
 * // 'aleph-compute-heartbeat\n0xAb…\nhttp://10.0.0.5:4020\nc1\n1700000000.5'
 */
export function heartbeatText(h: ComputeHeartbeat): string {
  return `aleph-compute-heartbeat\n${h.address}\n${h.url}\n${h.name}\n${JSON.stringify(h.time)}`;
}

/** One registered compute node; `last_seen` is the core node's clock (unix s), `live` = seen within `live_seconds`. */
export const computeNodeSchema = z.object({
  address: ethAddress,
  url: computeUrl,
  name,
  first_seen: z.number(),
  last_seen: z.number(),
  live: z.boolean(),
});
export type ComputeNodeEntry = z.infer<typeof computeNodeSchema>;

/** `GET /api/v0/compute/nodes`: every registered compute node, ordered by address, with the liveness window. */
export const computeNodesAnswerSchema = z.object({
  nodes: z.array(computeNodeSchema),
  live_seconds: z.number().positive(),
});
export type ComputeNodesAnswer = z.infer<typeof computeNodesAnswerSchema>;

/** `POST /api/v0/compute/heartbeat`: the sender's registration as stored, and the fleet (one round trip a beat). */
export const computeHeartbeatAnswerSchema = computeNodesAnswerSchema.extend({ node: computeNodeSchema });
export type ComputeHeartbeatAnswer = z.infer<typeof computeHeartbeatAnswerSchema>;
