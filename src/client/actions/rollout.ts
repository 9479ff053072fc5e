import {
  checkRolloutPlan,
  editionDetailSchema,
  rolloutAnswerSchema,
  ROLLOUT_ABORT_POST_TYPE,
  ROLLOUT_PLAN_POST_TYPE,
  ROLLOUT_PROMOTE_POST_TYPE,
  type EditionDetail,
  type RolloutAnswer,
  type RolloutPlan,
} from '../../protocol/api/index.js';
import { buildPost } from '../messages/buildPost.js';
import { readAnswer, request } from '../transport/request.js';
import { requireAccount, type ClientConfig } from '../transport/clientConfig.js';
import { publishMessage, type PublishMessageReturnType } from './publishMessage.js';

export type { EditionDetail, RolloutAnswer, RolloutPlan, RolloutView } from '../../protocol/api/index.js';

/**
 * What the owner chooses for a rollout; `steps` defaults to [canary, 100], the rest to the CLI's defaults.
 * @example
 * const p: PlanRolloutParameters = { id, checksum, canary: 10, steps: [10, 50, 100], stepSeconds: 60 };
 */
export interface PlanRolloutParameters {
  id: string;
  /** The candidate's checksum (from a dry run): the plan binds to the next edition only if it has this checksum. */
  checksum: string;
  canary: number;
  steps?: number[] | undefined;
  stepSeconds?: number | undefined;
  maxErrorRate?: number | undefined;
  minRequests?: number | undefined;
}

/**
 * The plan as {@link planRollout} would sign it (checked: ROLLOUT_CANARY_INVALID, ROLLOUT_STEPS_INVALID, …).
 * @example
 * rolloutPlanOf({ canary: 10 }).steps; // [10, 100]
 */
export function rolloutPlanOf(p: Omit<PlanRolloutParameters, 'id' | 'checksum'>): RolloutPlan {
  return checkRolloutPlan({
    canary: p.canary,
    steps: p.steps ?? [],
    step_seconds: p.stepSeconds ?? 60,
    max_error_rate: p.maxErrorRate ?? 0.02,
    min_requests: p.minRequests ?? 50,
  });
}

/**
 * Publishes a rollout plan (POST `aleph-rollout`) for the candidate with `checksum`: publish it just before the
 * upgrade, which the program's policy then judges as always; once accepted the new edition serves the canary
 * share, then each step every `stepSeconds`, unless a compute node aborts it over `maxErrorRate`.
 * @example
 * await planRollout(config, { id, checksum: dry.checksum!, canary: 10, steps: [10, 50, 100], stepSeconds: 60 });
 */
export async function planRollout(
  config: ClientConfig,
  p: PlanRolloutParameters,
): Promise<{ plan: RolloutPlan; published: PublishMessageReturnType }> {
  const plan = rolloutPlanOf(p);
  const sender = requireAccount(config).address;
  const message = buildPost({
    sender,
    type: ROLLOUT_PLAN_POST_TYPE,
    ref: p.id,
    content: { program_id: p.id, checksum: p.checksum, ...plan },
  });
  return { plan, published: await publishMessage(config, { message }) };
}

/**
 * Ends the active rollout of `edition` early, signed by the owner: `promote` (all traffic to the new edition) or
 * `abort` (all back to the previous one; the edition in force does not change).
 * @example
 * await endRollout(config, { id, edition: 2, action: 'abort', reason: 'latency' });
 */
export async function endRollout(
  config: ClientConfig,
  p: { id: string; edition: number; action: 'promote' | 'abort'; reason?: string | undefined },
): Promise<PublishMessageReturnType> {
  const sender = requireAccount(config).address;
  const message = buildPost({
    sender,
    type: p.action === 'promote' ? ROLLOUT_PROMOTE_POST_TYPE : ROLLOUT_ABORT_POST_TYPE,
    ref: p.id,
    content: { program_id: p.id, edition: p.edition, ...(p.reason ? { reason: p.reason } : {}) },
  });
  return publishMessage(config, { message });
}

/**
 * The program's latest rollout (`GET /api/v0/programs/{id}/rollout`): plan, status, current share, events.
 * @example
 * const { rollout } = await getRollout(config, { id }); // rollout?.percent === 10
 */
export async function getRollout(config: ClientConfig, p: { id: string }): Promise<RolloutAnswer> {
  return readAnswer(
    await request(config.apiUrl, `/api/v0/programs/${encodeURIComponent(p.id)}/rollout`),
    rolloutAnswerSchema,
  );
}

/**
 * One edition's exact resolved content and the PROGRAM content in force then (`GET …/editions/{n}`).
 * @example
 * const e = await getEdition(config, { id, edition: 1 }); // e.checksum, e.resolved_edition.code.file_hash
 */
export async function getEdition(config: ClientConfig, p: { id: string; edition: number }): Promise<EditionDetail> {
  return readAnswer(
    await request(config.apiUrl, `/api/v0/programs/${encodeURIComponent(p.id)}/editions/${p.edition}`),
    editionDetailSchema,
  );
}
