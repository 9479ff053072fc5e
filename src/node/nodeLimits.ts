import { AlephError } from '../errors.js';
import { DRY_RUN_BURST, DRY_RUN_PER_SECOND } from './governance/dryRunLimiter.js';
import { DEFAULT_PARSE_LIMITS, MAX_JSON_DEPTH_CEILING, type ParseLimits } from '../protocol/index.js';

/** Operator settings that bound what one request or message may cost (NodeOptions.limits). */
export interface NodeLimits extends ParseLimits {
  /** Most rows one listing answers, also for `pagination=0` ("no limit"); a larger `pagination` is refused. */
  maxListRows: number;
  /**
   * Most characters of message content one listing gathers; a page past it is refused (ask a smaller page).
   * A listing holds several times this in memory while it is built (rows, parsed content, the JSON answer).
   */
  maxListBytes: number;
  /** Dry-runs one client IP may send at once, then `dryRunPerSecond` more each second (a token bucket). */
  dryRunBurst: number;
  dryRunPerSecond: number;
  /** Bytes of anonymous uploads (add_file without a signed STORE, add_json) one client IP may send per minute. */
  anonymousUploadBytesPerMinute: number;
  /** A message waiting for its file (pending) is dropped after this long with no such file arriving. */
  pendingExpirySeconds: number;
}

export const DEFAULT_NODE_LIMITS: NodeLimits = {
  ...DEFAULT_PARSE_LIMITS,
  maxListRows: 10_000,
  maxListBytes: 16 * 1024 * 1024,
  dryRunBurst: DRY_RUN_BURST,
  dryRunPerSecond: DRY_RUN_PER_SECOND,
  anonymousUploadBytesPerMinute: 100 * 1024 * 1024,
  pendingExpirySeconds: 24 * 3600,
};

/** The defaults with the operator's overrides, each checked: a bad setting stops the node at start. */
export function resolveNodeLimits(overrides: Partial<NodeLimits> = {}): NodeLimits {
  const limits = { ...DEFAULT_NODE_LIMITS, ...overrides };
  const check = (name: keyof NodeLimits, min: number, max: number) => {
    const v = limits[name];
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new AlephError(
        'NODE_SETTING_INVALID',
        `limits.${name} must be a whole number from ${min} to ${max}, not ${v}`,
        { details: { setting: name, value: v } },
      );
    }
  };
  check('maxJsonDepth', 2, MAX_JSON_DEPTH_CEILING);
  check('maxFutureSeconds', 0, 86_400);
  check('maxListRows', 1, 20_000);
  check('maxListBytes', 1024, 4 * 1024 * 1024 * 1024);
  check('dryRunBurst', 1, 10_000);
  check('dryRunPerSecond', 1, 10_000);
  check('anonymousUploadBytesPerMinute', 1024, 2 ** 40);
  check('pendingExpirySeconds', 1, 365 * 86_400);
  return limits;
}
