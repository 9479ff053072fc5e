import { AlephError, isAlephError } from '../../../../errors.js';
import type { DryRunResult, ProgramVerdict } from '../../../../client/index.js';
import { POLICY_ERROR_CODES, policyError, type PolicyErrorCode } from '../../../../policy/index.js';
import { printFields } from '../../../output.js';

/** The governance endpoints may be missing on an older node: say so instead of a bare 404. */
export async function governed<T>(id: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (isAlephError(e) && e.code === 'NOT_FOUND') {
      // The node's own PROGRAM_NOT_FOUND passes through; a bare 404 means the endpoint itself is missing.
      throw new AlephError(
        'NODE_NO_GOVERNANCE',
        `this node does not serve ${String(e.details.url ?? 'the governance endpoints')}`,
        {
          hint: 'use an aleph-ts node that serves /api/v0/programs (pick it with --api-url), or upgrade this one',
          details: { id },
          cause: e,
        },
      );
    }
    throw e;
  }
}

/** The fields people read first in a verdict: outcome, checksum, edition, and the rule when refused. */
export function verdictFields(v: DryRunResult | ProgramVerdict): [string, unknown][] {
  const outcome = v.verdict;
  const fields: [string, unknown][] = [
    ['Verdict', outcome],
    ['Checksum', v.checksum],
  ];
  if (v.edition !== undefined) fields.push([outcome === 'refused' ? 'Edition (refused)' : 'Edition', v.edition]);
  if (v.effective_height !== undefined) fields.push(['Takes effect at height', v.effective_height]);
  if (v.rule) fields.push(['Rule', v.rule]);
  return fields;
}

/** The hint for a refusal: the node's own, else the policy code's standard one. */
function hintOf(v: DryRunResult | ProgramVerdict): string {
  if (typeof v.details?.hint === 'string' && v.details.hint) return v.details.hint;
  return v.error_code && (POLICY_ERROR_CODES as readonly string[]).includes(v.error_code)
    ? policyError(v.error_code as PolicyErrorCode, '').hint
    : '';
}

/** Prints a verdict for people; a refusal ends with `Refused [CODE]: message` and the hint. */
export function printVerdict(id: string, v: DryRunResult | ProgramVerdict): void {
  printFields([['Program', id], ...verdictFields(v)]);
  if (!isRefusal(v)) return;
  process.stdout.write(
    `Refused [${v.error_code ?? 'REFUSED'}]: ${String(v.details?.message ?? v.rule ?? 'the program refused the update')}\n`,
  );
  const hint = hintOf(v);
  if (hint) process.stdout.write(`Hint: ${hint}\n`);
}

/** Whether a verdict refuses (the CLI then exits 1 so scripts can tell). */
export function isRefusal(v: DryRunResult | ProgramVerdict): boolean {
  return v.verdict === 'refused';
}

/**
 * Publishes and collects the programs' verdicts. A PROGRAM replacement its policy refuses is rejected by
 * the node (422 carrying `rule` and `program_id`): that refusal becomes the program's verdict instead of an
 * error, so every update command reports it the same way. Other errors pass through.
 *
 * @example
 * const { result, verdicts } = await judged(() => client.setProgramPersistence({ hash, persistent: true }));
 */
export async function judged<T extends { program_verdicts: ProgramVerdict[] }>(
  publish: () => Promise<T>,
): Promise<{ result?: T; verdicts: ProgramVerdict[]; rejected?: AlephError }> {
  try {
    const result = await publish();
    return { result, verdicts: result.program_verdicts };
  } catch (e) {
    const d = isAlephError(e) ? e.details : {};
    if (!isAlephError(e) || typeof d.rule !== 'string' || typeof d.program_id !== 'string') throw e;
    const { rule, program_id, checksum, item_hash: _hash, ...details } = d as Record<string, unknown>;
    const verdict: ProgramVerdict = {
      program_id: program_id as string,
      verdict: 'refused',
      error_code: e.code,
      rule: rule as string,
      checksum: typeof checksum === 'string' ? checksum : null,
      details: { ...details, message: e.message, ...(e.hint ? { hint: e.hint } : {}) },
    };
    return { verdicts: [verdict], rejected: e };
  }
}

/** How an update command prints: for people (every verdict), quietly (`--no-verbose`: refusals on stderr), or JSON (nothing here). */
export type VerdictOutput = 'verbose' | 'quiet' | 'json';

/**
 * The output mode of an update command from its options.
 * @example
 * const mode = outputMode(opts); // 'verbose' unless --json or --no-verbose
 */
export function outputMode(opts: { json?: boolean; verbose?: boolean }): VerdictOutput {
  return opts.json ? 'json' : opts.verbose === false ? 'quiet' : 'verbose';
}

/**
 * Reports what an update did to programs: each verdict (the target's first), a note when the node has none
 * yet, and exit code 1 when the target program refused — even though the message itself may be accepted
 * (a STORE amend is, whatever the programs using it decide). `target` undefined: no program is targeted
 * (amending a STORE directly), refusals are shown but do not fail the command.
 *
 * @example
 * const verdict = reportVerdicts(id, r.program_verdicts, outputMode(opts));
 */
export function reportVerdicts(
  target: string | undefined,
  verdicts: ProgramVerdict[],
  mode: VerdictOutput,
): ProgramVerdict | undefined {
  const mine = target === undefined ? undefined : verdicts.find((v) => v.program_id === target);
  if (mine && isRefusal(mine)) process.exitCode = 1;
  if (mode === 'quiet') {
    for (const v of verdicts.filter(isRefusal))
      process.stderr.write(
        `Refused [${v.error_code ?? 'REFUSED'}] by ${v.program_id}: ${String(v.details?.message ?? v.rule)}\n`,
      );
  }
  if (mode !== 'verbose') return mine;
  const ordered = mine ? [mine, ...verdicts.filter((v) => v !== mine)] : verdicts;
  for (const v of ordered) {
    process.stdout.write('\n');
    printVerdict(v.program_id, v);
  }
  if (target !== undefined && !mine)
    process.stdout.write(`\nNo verdict from ${target} yet: see \`aleph program history ${target}\`.\n`);
  return mine;
}
