import type { Command } from 'commander';
import { AlephError } from '../../../../errors.js';
import { rolloutPlanOf, type AlephClient, type PreparedCode, type RolloutPlan } from '../../../../client/index.js';
import { uploadProgress } from '../../../output.js';

/** `--canary` and friends, on `aleph program upgrade` and `aleph program update`. */
export interface RolloutOptions {
  canary?: string;
  steps?: string;
  stepSeconds?: string;
  maxErrorRate?: string;
  minRequests?: string;
}

/**
 * Adds the rollout options to a command (DESIGN §9).
 *
 * @example
 * withRolloutOptions(program.command('upgrade'));
 */
export function withRolloutOptions(cmd: Command): Command {
  return cmd
    .option(
      '--canary <percent>',
      'Roll the upgrade out: the new edition first serves this share of requests (0 < p ≤ 100)',
    )
    .option('--steps <list>', 'With --canary: the shares of each step, increasing to 100 [default: CANARY,100]')
    .option('--step-seconds <s>', 'With --canary: seconds between steps', '60')
    .option('--max-error-rate <r>', 'With --canary: abort over this rate of 5xx, crashes and timeouts', '0.02')
    .option('--min-requests <n>', 'With --canary: requests the new edition serves before its error rate counts', '50');
}

const num = (v: string | undefined) => (v === undefined || v.trim() === '' ? Number.NaN : Number(v));

/** The plan the options ask for, checked before anything is uploaded or signed; null without --canary. */
export function planOfOptions(opts: RolloutOptions): RolloutPlan | null {
  if (opts.canary === undefined) return null;
  return rolloutPlanOf({
    canary: num(opts.canary),
    steps: opts.steps ? opts.steps.split(',').map(num) : undefined,
    stepSeconds: num(opts.stepSeconds ?? '60'),
    maxErrorRate: num(opts.maxErrorRate ?? '0.02'),
    minRequests: num(opts.minRequests ?? '50'),
  });
}

/**
 * Before the upgrade: the node's verdict on the candidate (a program that refuses it gets no plan: nothing is
 * published, ROLLOUT_UPGRADE_REFUSED with the rule), then the signed plan naming the candidate's checksum.
 *
 * @example
 * const plan = planOfOptions(opts); if (plan) await publishPlan(client, id, code, plan);
 */
export async function publishPlan(
  client: AlephClient,
  id: string,
  code: PreparedCode,
  plan: RolloutPlan,
): Promise<string> {
  const progress = uploadProgress(code.bytes.length, 'Uploading candidate');
  const { hash } = await client.uploadFile({ file: code.bytes, store: false, onProgress: progress.onProgress });
  progress.done();
  const sender = client.account?.address;
  // The plan names the program by its id; the command may have been given a replacement's hash.
  const programId = (await client.getProgram({ id })).id;
  const v = await client.dryRunProgram({
    id: programId,
    candidate: { code_hash: hash, ...(sender ? { sender } : {}) },
  });
  if (v.verdict === 'refused' || !v.checksum) {
    throw new AlephError(
      'ROLLOUT_UPGRADE_REFUSED',
      `program ${id} would refuse this upgrade [${v.error_code ?? 'REFUSED'}]: ${String(v.details?.message ?? v.rule ?? '')}`,
      {
        hint: 'nothing was published; `aleph program upgrade ID PATH --dry-run` shows the verdict',
        details: { program_id: id, error_code: v.error_code ?? 'REFUSED' },
      },
    );
  }
  await client.planRollout({
    id: programId,
    checksum: v.checksum,
    canary: plan.canary,
    steps: plan.steps,
    stepSeconds: plan.step_seconds,
    maxErrorRate: plan.max_error_rate,
    minRequests: plan.min_requests,
  });
  process.stderr.write(
    `Rollout planned for ${v.checksum}: ${plan.steps.join(' → ')} %, every ${plan.step_seconds} s\n`,
  );
  return v.checksum;
}
