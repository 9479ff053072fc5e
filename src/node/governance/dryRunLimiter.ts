import { AlephError } from '../../errors.js';

/** Dry-runs one client may send at once, then how many a second: an honest CLI sends one per upgrade it plans. */
export const DRY_RUN_BURST = 10;
export const DRY_RUN_PER_SECOND = 2;
/** Clients remembered; past this the longest idle ones are forgotten (they would have a full bucket anyway). */
const MAX_CLIENTS = 10_000;

/**
 * A token bucket per client IP for the anonymous dry-run endpoint: each dry-run reads code and judges a candidate
 * in a transaction, so one client must not be able to queue them without end.
 * @example const limit = dryRunLimiter(); limit.take(req.ip); // throws DRY_RUN_RATE_LIMITED (429) when empty
 */
export function dryRunLimiter(burst = DRY_RUN_BURST, perSecond = DRY_RUN_PER_SECOND, now = () => Date.now()) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(client: string): void {
      const t = now();
      const b = buckets.get(client) ?? { tokens: burst, at: t };
      buckets.delete(client); // re-inserted last: the map's order is least recently used first
      b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * perSecond);
      b.at = t;
      if (b.tokens < 1) {
        buckets.set(client, b);
        const retryAfter = Math.ceil((1 - b.tokens) / perSecond);
        throw new AlephError(
          'DRY_RUN_RATE_LIMITED',
          `too many dry-runs from ${client}: at most ${burst} at once, then ${perSecond} a second`,
          {
            hint: `retry in ${retryAfter} s`,
            details: { retry_after_s: retryAfter, burst, per_second: perSecond },
          },
        );
      }
      b.tokens -= 1;
      buckets.set(client, b);
      if (buckets.size > MAX_CLIENTS) buckets.delete(buckets.keys().next().value!);
    },
  };
}
