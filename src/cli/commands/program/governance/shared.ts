import { AlephError, isAlephError } from '../../../../errors.js';
import type { DryRunResult } from '../../../../client/index.js';
import { printFields } from '../../../output.js';

/** The governance endpoints may be missing on an older node: say so instead of a bare 404. */
export async function governed<T>(id: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (isAlephError(e) && e.code === 'NOT_FOUND') {
      // The node's own PROGRAM_NOT_FOUND passes through; a bare 404 means the endpoint itself is missing.
      throw new AlephError('NODE_NO_GOVERNANCE', `this node does not serve ${String(e.details.url ?? 'the governance endpoints')}`, {
        hint: 'use an aleph-ts node that serves /api/v0/programs (pick it with --api-url), or upgrade this one',
        details: { id },
        cause: e,
      });
    }
    throw e;
  }
}

/** One program's verdict on a message, as the node reports it (`program_verdicts`). */
export interface ProgramVerdict {
  program_id: string;
  verdict: 'accepted' | 'pending' | 'refused' | string;
  edition?: number;
  checksum?: string | null;
  error_code?: string;
  rule?: string;
  details?: Record<string, unknown>;
  effective_height?: number;
}

/** The fields people read first in a verdict: outcome, checksum, edition, and the rule when refused. */
export function verdictFields(v: DryRunResult | ProgramVerdict): [string, unknown][] {
  const outcome = 'verdict' in v ? v.verdict : v.accepted ? 'accepted' : v.pending ? 'pending' : 'refused';
  const fields: [string, unknown][] = [['Verdict', outcome], ['Checksum', v.checksum]];
  if (v.edition !== undefined) fields.push([outcome === 'refused' ? 'Edition (refused)' : 'Edition', v.edition]);
  if (v.effective_height !== undefined) fields.push(['Takes effect at height', v.effective_height]);
  if (v.error_code) fields.push(['Error', `${v.error_code}: ${String(v.details?.message ?? '')}`]);
  if (v.rule) fields.push(['Rule', v.rule]);
  return fields;
}

/** Prints a verdict for people. */
export function printVerdict(id: string, v: DryRunResult | ProgramVerdict): void {
  printFields([['Program', id], ...verdictFields(v)]);
}

/** Whether a verdict refuses (the CLI then exits 1 so scripts can tell). */
export function isRefusal(v: DryRunResult | ProgramVerdict): boolean {
  return 'verdict' in v ? v.verdict === 'refused' : !v.accepted && !v.pending;
}
