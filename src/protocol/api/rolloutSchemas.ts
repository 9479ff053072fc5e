import { z } from 'zod';
import { AlephError } from '../../errors.js';
import { itemHashRef } from '../content/baseContent.js';

/**
 * Rollouts (DESIGN §9, issue 10). A plan travels as its own signed POST `aleph-rollout` naming the program and
 * the candidate's checksum, published just before the upgrade: the checksum covers only what decides behaviour,
 * so a plan inside the content would make a rollback unable to reproduce an edition's checksum. The plan binds to
 * the first edition accepted after it, if that edition has the named checksum.
 */
export const ROLLOUT_PLAN_POST_TYPE = 'aleph-rollout';
/** The owner ends a rollout early: `{program_id, edition}`. */
export const ROLLOUT_PROMOTE_POST_TYPE = 'aleph-rollout-promote';
/** The owner, or a trusted compute node over budget: `{program_id, edition, reason?, requests?, errors?, error_rate?}`. */
export const ROLLOUT_ABORT_POST_TYPE = 'aleph-rollout-abort';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex');
/** A program id is its first PROGRAM message's item hash: 64 hex or an IPFS CID, as elsewhere in the contract. */
const programId = itemHashRef;
const edition = z.number().int().min(0).max(0xffff);
const MAX_STEPS = 20;
/** A step longer than 30 days is a typo, not a plan. */
export const MAX_STEP_SECONDS = 30 * 86400;

/** What the owner chooses: the candidate's share at each step (percent), one step every `step_seconds`. */
export const rolloutPlanSchema = z.strictObject({
  canary: z.number(),
  steps: z.array(z.number()).max(MAX_STEPS),
  step_seconds: z.number().int().min(1).max(MAX_STEP_SECONDS),
  max_error_rate: z.number().min(0).max(1),
  min_requests: z.number().int().min(1).max(1_000_000),
});
export type RolloutPlan = z.infer<typeof rolloutPlanSchema>;

/** Content of an `aleph-rollout` POST. */
export const rolloutPlanPostSchema = rolloutPlanSchema.extend({ program_id: programId, checksum: hex64 });
export type RolloutPlanPost = z.infer<typeof rolloutPlanPostSchema>;

/** Content of `aleph-rollout-promote` and `aleph-rollout-abort` POSTs. */
export const rolloutEndPostSchema = z.strictObject({
  program_id: programId,
  edition,
  reason: z.string().max(500).optional(),
  requests: z.number().int().min(0).optional(),
  errors: z.number().int().min(0).optional(),
  error_rate: z.number().min(0).max(1).optional(),
});
export type RolloutEndPost = z.infer<typeof rolloutEndPostSchema>;

/**
 * The plan as every part checks it (the CLI before signing, the node before recording): a canary in (0, 100], steps
 * strictly increasing from the canary to 100 (a missing final 100 is added), numbers in range. Throws a coded error.
 *
 * @example
 * checkRolloutPlan({ canary: 10, steps: [10, 50], step_seconds: 60, max_error_rate: 0.02, min_requests: 50 }).steps; // [10, 50, 100]
 */
export function checkRolloutPlan(putative: unknown): RolloutPlan {
  const o = putative && typeof putative === 'object' ? (putative as Record<string, unknown>) : {};
  const canary = o.canary;
  if (typeof canary !== 'number' || !Number.isFinite(canary) || canary <= 0 || canary > 100) {
    throw new AlephError(
      'ROLLOUT_CANARY_INVALID',
      `the canary must be a percentage in (0, 100], not ${String(canary)}`,
      {
        hint: 'e.g. --canary 10: the new edition first serves 10 % of requests',
        details: { field: 'canary' },
      },
    );
  }
  const given = Array.isArray(o.steps) && o.steps.length > 0 ? (o.steps as unknown[]) : [canary];
  const steps = given[0] === canary ? [...given] : [canary, ...given];
  if (steps.at(-1) !== 100) steps.push(100);
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    const prev = i === 0 ? 0 : (steps[i - 1] as number);
    if (typeof s !== 'number' || !Number.isFinite(s) || s <= prev || s > 100) {
      throw new AlephError(
        'ROLLOUT_STEPS_INVALID',
        `rollout steps must increase strictly from the canary to 100: ${steps.map(String).join(',')}`,
        { hint: 'e.g. --canary 10 --steps 10,50,100', details: { field: 'steps' } },
      );
    }
  }
  const r = rolloutPlanSchema.safeParse({
    canary,
    steps,
    step_seconds: o.step_seconds,
    max_error_rate: o.max_error_rate,
    min_requests: o.min_requests,
  });
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = issue?.path.map(String).join('.') || '(plan)';
    throw new AlephError('ROLLOUT_PLAN_INVALID', `rollout plan field "${field}": ${issue?.message ?? 'invalid'}`, {
      hint: 'step_seconds ≥ 1, max_error_rate in [0, 1], min_requests ≥ 1',
      details: { field },
    });
  }
  return r.data;
}

/**
 * The candidate's share (percent) at `now` (unix seconds) of a rollout started at `startedTime`: step k holds from
 * `startedTime + k * step_seconds`; past the last step, 100.
 */
export function rolloutPercentAt(plan: RolloutPlan, startedTime: number, now: number): number {
  const k = Math.floor(Math.max(0, now - startedTime) / plan.step_seconds);
  return plan.steps[Math.min(k, plan.steps.length - 1)] ?? 100;
}

/** One event of a rollout, as `/history` and `aleph program history` show it. */
export const rolloutEventSchema = z.object({
  kind: z.enum(['planned', 'started', 'step', 'promoted', 'aborted']),
  time: z.number(),
  height: z.number().int().nullable(),
  percent: z.number().nullable(),
  by: z.string().nullable(),
  message_hash: z.string().nullable(),
  summary: z.string(),
});
export type RolloutEvent = z.infer<typeof rolloutEventSchema>;

/**
 * A rollout as the node derives it: `planned` (no edition yet), `void` (the next edition had another checksum, or a
 * later plan replaced it), `active`, `promoted` (by the owner or the schedule reaching 100 %) or `aborted`.
 */
export const rolloutViewSchema = z.object({
  program_id: programId,
  checksum: hex64,
  plan: rolloutPlanSchema,
  status: z.enum(['planned', 'void', 'active', 'promoted', 'aborted']),
  edition: edition.nullable(),
  previous_edition: edition.nullable(),
  planned_by: z.string(),
  message_hash: z.string(),
  started_time: z.number().nullable(),
  started_height: z.number().int().nullable(),
  /** The candidate's share now (the node's clock); 0 once aborted, 100 once promoted. */
  percent: z.number(),
  ended: z
    .object({
      kind: z.enum(['promoted', 'aborted']),
      by: z.string().nullable(),
      reason: z.string().nullable(),
      requests: z.number().int().nullable(),
      errors: z.number().int().nullable(),
      error_rate: z.number().nullable(),
      message_hash: z.string().nullable(),
      time: z.number(),
      height: z.number().int().nullable(),
    })
    .nullable(),
  events: z.array(rolloutEventSchema),
});
export type RolloutView = z.infer<typeof rolloutViewSchema>;

/** `GET /api/v0/programs/{id}/rollout`: the latest rollout of the program, or null. */
export const rolloutAnswerSchema = z.object({ program_id: programId, rollout: rolloutViewSchema.nullable() });
export type RolloutAnswer = z.infer<typeof rolloutAnswerSchema>;

/**
 * `GET /control/machine/{id}/rollout` on a compute node: what this compute node counted for the program's running
 * rollout (requests and failures per edition, the candidate's share now); `rollout: null` when none runs here.
 */
export const computeRolloutSchema = z.object({
  program_id: programId,
  rollout: z
    .object({
      candidate: edition,
      previous: edition,
      percent: z.number(),
      aborted: z.boolean(),
      editions: z.array(z.object({ edition, requests: z.number().int(), errors: z.number().int() })),
    })
    .nullable(),
});
export type ComputeRollout = z.infer<typeof computeRolloutSchema>;
