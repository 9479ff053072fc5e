import type { Command } from 'commander';
import { AlephError } from '../../../../errors.js';
import { computeRolloutSchema, type ComputeRollout } from '../../../../protocol/api/rolloutSchemas.js';
import { readAnswer, type RolloutView } from '../../../../client/index.js';
import { clientOf, computeUrlOf, withKeyOptions, type CommonOptions } from '../../../context.js';
import { positiveInt } from '../../../optionParsers.js';
import { isoTime, printFields, printJson, printTable } from '../../../output.js';
import { computeGet } from '../computeRequest.js';
import { governed, printVerdict } from './shared.js';

type RolloutCliOptions = CommonOptions & { promote?: boolean; abort?: boolean; reason?: string; domain?: string };

/** The compute node's counts, when it can be reached: a view of the network must not fail because one node is down. */
async function countsOf(domain: string, id: string): Promise<ComputeRollout | null> {
  try {
    return await readAnswer(
      await computeGet(domain, `/control/machine/${id}/rollout`, 'rollout'),
      computeRolloutSchema,
    );
  } catch {
    return null;
  }
}

/** The rollout for people: plan, status, share now, per-edition counts, events. */
function printRollout(r: RolloutView, counts: ComputeRollout | null): void {
  const step = r.started_time === null ? null : r.plan.steps.indexOf(r.percent);
  printFields([
    ['Program', r.program_id],
    ['Status', r.status],
    [
      'Edition',
      r.edition === null
        ? `(the next edition with checksum ${r.checksum})`
        : `${r.edition} (previous: ${r.previous_edition})`,
    ],
    [
      'Plan',
      `${r.plan.steps.join(' → ')} %, every ${r.plan.step_seconds} s; abort over ${r.plan.max_error_rate} after ${r.plan.min_requests} requests`,
    ],
    [
      'Now',
      `${r.percent} % on the new edition${step !== null && step >= 0 && r.status === 'active' ? ` (step ${step + 1} of ${r.plan.steps.length})` : ''}`,
    ],
  ]);
  if (counts?.rollout) {
    process.stdout.write('\nOn the compute node:\n');
    printTable(
      ['EDITION', 'REQUESTS', 'ERRORS', 'ERROR RATE'],
      counts.rollout.editions.map((e) => [
        e.edition,
        e.requests,
        e.errors,
        e.requests ? (e.errors / e.requests).toFixed(4) : '-',
      ]),
    );
  }
  process.stdout.write('\nEvents:\n');
  printTable(
    ['WHEN', 'HEIGHT', 'EVENT'],
    r.events.map((e) => [isoTime(e.time), e.height, e.summary]),
  );
}

/**
 * `aleph program rollout ID [--promote|--abort]`: the program's rollout (plan, step, requests and errors per
 * edition), or, signed by the owner, its early end.
 */
export function registerRollout(program: Command): void {
  withKeyOptions(
    program
      .command('rollout')
      .description(
        "Show a program's rollout (plan, current step, requests and errors per edition); --promote or --abort ends it",
      )
      .argument('<ITEM_HASH>', 'Program id')
      .option('--promote', 'Send every request to the new edition now (owner-signed)')
      .option('--abort', 'Send every request back to the previous edition now (owner-signed)')
      .option('--reason <text>', 'With --abort: why, recorded in the history')
      .option(
        '--domain <url>',
        'Compute node to read the counts from [default: ALEPH_COMPUTE_URL or http://127.0.0.1:4020]',
      )
      .option('--json', 'Print as JSON'),
    null,
  ).action(async (id: string, opts: RolloutCliOptions, cmd: Command) => {
    const ending = opts.promote ? 'promote' : opts.abort ? 'abort' : null;
    if (opts.promote && opts.abort)
      throw new AlephError('OPTION_CONFLICT', 'give --promote or --abort, not both', {
        hint: 'aleph program rollout ID --abort',
      });
    const client = clientOf(cmd, ending !== null);
    const { program_id, rollout } = await governed(id, () => client.getRollout({ id }));
    if (ending) {
      if (rollout?.status !== 'active' || rollout.edition === null)
        throw new AlephError(
          'ROLLOUT_NOT_ACTIVE',
          `program ${program_id} has no active rollout${rollout ? ` (the latest is ${rollout.status})` : ''}`,
          {
            details: { program_id, edition: rollout?.edition ?? -1, status: rollout?.status ?? null },
          },
        );
      await client.endRollout({
        id: program_id,
        edition: rollout.edition,
        action: ending,
        ...(opts.reason ? { reason: opts.reason } : {}),
      });
      const after = (await client.getRollout({ id: program_id })).rollout;
      if (opts.json) return printJson({ program_id, rollout: after });
      process.stdout.write(`${after?.events.at(-1)?.summary ?? `rollout ${ending}d`}\n`);
      return;
    }
    const counts = await countsOf(computeUrlOf(opts.domain), program_id);
    if (opts.json) return printJson({ program_id, rollout, compute: counts?.rollout ?? null });
    if (!rollout) return void process.stdout.write(`Program ${program_id} has no rollout.\n`);
    printRollout(rollout, counts);
  });
}

/**
 * `aleph program rollback ID [--to N] [--dry-run]`: an upgrade whose candidate is exactly edition N's resolved
 * content, judged by the program's policy (the rule is printed when it refuses; --dry-run shows it before signing).
 */
export function registerRollback(program: Command): void {
  withKeyOptions(
    program
      .command('rollback')
      .description(
        "Publish an upgrade back to an earlier edition's exact content (same checksum), judged by the program's policy",
      )
      .argument('<ITEM_HASH>', 'Program id')
      .option(
        '--to <edition>',
        'The edition to reproduce [default: the newest earlier edition not aborted]',
        positiveIntOrZero,
      )
      .option('--dry-run', "Only show the program's verdict; sign nothing (exit code 1 if it would refuse)")
      .option('--json', 'Print as JSON'),
    null,
  ).action(async (id: string, opts: CommonOptions & { to?: number; dryRun?: boolean }, cmd: Command) => {
    const client = clientOf(cmd, !opts.dryRun);
    const r = await governed(id, () => client.rollbackProgram({ id, to: opts.to, dryRun: opts.dryRun }));
    if (opts.json)
      printJson({
        id: r.id,
        to: r.target.edition,
        checksum: r.target.checksum,
        kind: r.kind,
        dry_run: !!opts.dryRun,
        verdict: r.verdict,
        item_hash: r.published?.message.item_hash ?? null,
      });
    else {
      process.stdout.write(
        `Rollback of ${r.id} to edition ${r.target.edition} (checksum ${r.target.checksum}) as ${r.kind === 'amend' ? 'a STORE amend of its code' : 'a PROGRAM replacement'}\n`,
      );
      printVerdict(
        r.id,
        r.published
          ? { ...r.verdict, ...(r.published.program_verdicts.find((v) => v.program_id === r.id) ?? {}) }
          : r.verdict,
      );
      if (r.published) process.stdout.write(`Published ${r.published.message.item_hash}\n`);
    }
    if (r.verdict.verdict === 'refused') process.exitCode = 1;
  });
}

function positiveIntOrZero(v: string): number {
  if (v === '0') return 0;
  return positiveInt('--to')(v);
}
