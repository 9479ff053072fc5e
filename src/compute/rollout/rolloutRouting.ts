import { createHash } from 'node:crypto';
import type http from 'node:http';
import { AlephError } from '../../errors.js';
import { rolloutPercentAt, type RolloutView } from '../../protocol/index.js';

/** Requests and failures (5xx, crash, timeout) one edition had during a rollout on this compute node. */
export interface EditionCounts {
  edition: number;
  requests: number;
  errors: number;
}

/** What the compute node signs when the candidate goes over its error budget (POST `aleph-rollout-abort`). */
export interface RolloutAbort {
  program_id: string;
  edition: number;
  requests: number;
  errors: number;
  error_rate: number;
  reason: string;
}

/** Golden-ratio steps: a deterministic sequence whose share below p tracks p closely over any number of steps. */
const PHI = 0.6180339887498949;
/**
 * Unkeyed requests go to one edition in runs of ROLLOUT_RUN, the runs' editions following the weighted sequence: each
 * edition's process then serves bursts it reads in few wakeups, not every other request. Interleaved one by one,
 * the two processes each woke for every request: program CPU per request 19 -> 36 µs and the rollout at 0.89 of one
 * program (npm run bench -- rollout); in runs of 16, 21 µs and 0.97. The share stays within 1.4 points of the plan
 * over any 2,000 requests (32 would be 2.8).
 */
export const ROLLOUT_RUN = 16;

/** A sticky key's place in [0, 100): the same key always lands in the same place, whatever the step. */
export function stickyBucket(key: string): number {
  return (createHash('sha256').update(key).digest().readUInt32BE(0) / 0x1_0000_0000) * 100;
}

/** A pin (`x-aleph-edition`) to an edition that does not serve now: 409, naming those that do. */
/** The edition a request pins with `x-aleph-edition` (its first value), or undefined. */
export function editionPin(headers: http.IncomingHttpHeaders): string | undefined {
  const h = headers['x-aleph-edition'];
  return Array.isArray(h) ? h[0] : h;
}

export function notServing(programId: string, pin: string | undefined, serving: number[]): AlephError {
  const s = String(pin).slice(0, 20);
  return new AlephError(
    'COMPUTE_EDITION_NOT_SERVING',
    `edition ${s} is not serving: ${serving.join(' and ')} ${serving.length > 1 ? 'are' : 'is'}`,
    {
      hint: 'x-aleph-edition pins a request to an edition that serves now (see `aleph program rollout ID`)',
      details: { program_id: programId, edition: s, serving },
    },
  );
}

/**
 * One program's split between its candidate edition and the previous one, on this compute node (DESIGN §9): per
 * request by a weighted deterministic sequence (in runs of ROLLOUT_RUN), sticky by `x-aleph-rollout-key`, pinned by `x-aleph-edition`. It
 * counts each edition's requests and failures, and once the candidate has `min_requests` with an error rate over
 * `max_error_rate` it sends everything back to the previous edition, at once, and hands back the abort to publish.
 */
export class RolloutRouting {
  private seq = 0;
  private run = 0;
  private readonly counts = new Map<number, EditionCounts>();
  /** Aborted here or on the core node: nothing more reaches the candidate. */
  aborted = false;
  private abortSent = false;

  constructor(
    private plan: RolloutView,
    readonly candidate: number,
    readonly previous: number,
    private readonly now: () => number = () => Date.now() / 1000,
  ) {
    for (const e of [candidate, previous]) this.counts.set(e, { edition: e, requests: 0, errors: 0 });
  }

  /** The node's newer view of the same rollout (a promote or abort ends it elsewhere). */
  update(plan: RolloutView): void {
    this.plan = plan;
    if (plan.status === 'aborted') this.aborted = true;
  }

  /** The candidate's share now, in percent. */
  percent(): number {
    if (this.aborted) return 0;
    const started = this.plan.started_time;
    return started === null ? (this.plan.plan.steps[0] ?? 100) : rolloutPercentAt(this.plan.plan, started, this.now());
  }

  /** Which edition serves this request; a pin to an edition not serving is refused (409) naming those that are. */
  choose(headers: http.IncomingHttpHeaders): 'candidate' | 'previous' {
    const s = editionPin(headers);
    if (s !== undefined) {
      const serving = this.aborted ? [this.previous] : [this.previous, this.candidate];
      const n = /^\d{1,5}$/.test(s ?? '') ? Number(s) : NaN;
      if (n === this.candidate && !this.aborted) return 'candidate';
      if (n === this.previous) return 'previous';
      throw notServing(this.plan.program_id, s, serving);
    }
    const p = this.percent();
    if (p >= 100) return 'candidate';
    if (p <= 0) return 'previous';
    const key = headers['x-aleph-rollout-key'];
    if (typeof key === 'string' && key !== '') return stickyBucket(key) < p ? 'candidate' : 'previous';
    if (this.run++ % ROLLOUT_RUN === 0) this.seq = (this.seq + PHI) % 1;
    return this.seq * 100 < p ? 'candidate' : 'previous';
  }

  /** Counts one answer; returns the abort to publish the first time the candidate goes over its budget. */
  record(edition: number, failed: boolean): RolloutAbort | null {
    const c = this.counts.get(edition);
    if (!c) return null;
    c.requests++;
    if (failed) c.errors++;
    if (edition !== this.candidate || this.aborted || this.abortSent) return null;
    const { min_requests, max_error_rate } = this.plan.plan;
    const rate = c.errors / c.requests;
    if (c.requests < min_requests || rate <= max_error_rate) return null;
    this.aborted = true;
    this.abortSent = true;
    return {
      program_id: this.plan.program_id,
      edition,
      requests: c.requests,
      errors: c.errors,
      error_rate: Number(rate.toFixed(4)),
      reason: `error rate ${Number(rate.toFixed(4))} > ${max_error_rate} after ${c.requests} requests`,
    };
  }

  /** Requests and errors per edition so far (for logs and `aleph program rollout`). */
  stats(): EditionCounts[] {
    return [...this.counts.values()].map((c) => ({ ...c }));
  }
}
