import { z } from 'zod';
import { itemHashRef } from '../content/baseContent.js';

/** An open JSON object: a refusal's facts (they differ by rule), a constructor's params, an aggregate's content. */
export const jsonObject = z.record(z.string(), z.unknown());

const checksum = z.string().regex(/^[0-9a-f]{64}$/, 'expected a 64-hex checksum');

/**
 * The one shape of a verdict on the wire (DESIGN §4): what a program decided about a message or a candidate.
 * `verdict` says which; the policy engine's own `Verdict` is turned into it by `verdictView`.
 * - `accepted`: the edition it became (or would become) and what changed;
 * - `pending`: a `@timelock` upgrade announced, applied at `effective_height` unless cancelled;
 * - `refused`: the stable `error_code`, the `rule` that refused it and its facts in `details`;
 * - `applied` / `cancelled`: how a pending upgrade was settled (program_verdicts of the announcing message).
 */
export const verdictSchema = z.object({
  verdict: z.enum(['accepted', 'pending', 'refused', 'applied', 'cancelled']),
  edition: z.number().int().min(0).optional(),
  checksum: checksum.nullable().optional(),
  changes: z.array(z.string()).optional(),
  error_code: z.string().optional(),
  rule: z.string().optional(),
  details: jsonObject.optional(),
  announced_height: z.number().int().optional(),
  effective_height: z.number().int().optional(),
  height: z.number().int().optional(),
});
export type VerdictView = z.infer<typeof verdictSchema>;

/** One program's verdict on a message (`program_verdicts` on publication, upload and message lookups). */
export const programVerdictSchema = verdictSchema.extend({ program_id: itemHashRef });
export type ProgramVerdict = z.infer<typeof programVerdictSchema>;
export const programVerdictsSchema = z.array(programVerdictSchema);
