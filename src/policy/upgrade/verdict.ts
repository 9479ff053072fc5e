import type { PolicyErrorCode } from '../errors.js';
import type { Manifest } from '../types.js';

/** The edition was accepted; the caller applies it. */
export interface AcceptedVerdict {
  accepted: true;
  edition: number;
  checksum: string;
  /** What changed: code, runtime, volumes, environment, resources, variables, persistent, http, policy, interface, imports, owner. */
  changes: string[];
  /** The candidate's manifest (parsed, when text was given), or null for a plain program. */
  manifest: Manifest | null;
}

/** A `@timelock` upgrade was announced: record it, and apply it once height >= effectiveHeight. */
export interface PendingVerdict {
  accepted: false;
  pending: true;
  edition: number;
  checksum: string;
  changes: string[];
  announcedHeight: number;
  effectiveHeight: number;
  rule: string;
}

/** Refused, with the stable code and the rule that refused it. */
export interface RejectedVerdict {
  accepted: false;
  pending?: false;
  error_code: PolicyErrorCode;
  details: Record<string, unknown>;
  rule: string;
}

/** The engine's answer for a deployment or an upgrade. */
export type Verdict = AcceptedVerdict | PendingVerdict | RejectedVerdict;

/**
 * Builds a refusal; `details.message` carries the human sentence so the node can return it as is.
 *
 * @example
 * reject('UPGRADE_IMMUTABLE', 'upgrade policy: an immutable program accepts no upgrade', 'program abc is immutable');
 */
export function reject(
  error_code: PolicyErrorCode,
  rule: string,
  message: string,
  details: Record<string, unknown> = {},
): RejectedVerdict {
  return { accepted: false, error_code, rule, details: { message, ...details } };
}

/**
 * Narrows a verdict to the time-locked form.
 *
 * @example
 * if (isPendingVerdict(v)) store.recordPending(v.checksum, v.effectiveHeight);
 */
export function isPendingVerdict(v: Verdict): v is PendingVerdict {
  return v.accepted === false && v.pending === true;
}

/**
 * Whether a recorded time-locked upgrade may now be applied. When true, re-run
 * `evaluateUpgrade` with `announcedHeight` set: state may have moved since the announcement.
 *
 * @example
 * timelockDue({ effectiveHeight: 1300 }, 1299); // false
 * timelockDue({ effectiveHeight: 1300 }, 1300); // true
 */
export function timelockDue(pending: Pick<PendingVerdict, 'effectiveHeight'>, height: number): boolean {
  return height >= pending.effectiveHeight;
}
