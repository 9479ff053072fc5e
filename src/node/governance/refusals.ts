import { AlephError, type AlephErrorCode } from '../../errors.js';
import { policyError, type PolicyErrorCode, type RejectedVerdict } from '../../policy/index.js';
import type { Db } from '../store/queries.js';
import type { CauseMessage } from './judgeUpgrade.js';

/** A refused deployment or upgrade, as kept on the program's history. */
export interface RefusalRecord {
  programId: string;
  message: CauseMessage;
  causeKind: string;
  errorCode: string;
  rule: string;
  /** Includes `message`, the human sentence. */
  details: Record<string, unknown>;
  checksum: string | null;
  height: number;
}

/**
 * Builds the refusal of a verdict.
 *
 * @example
 * const r = refusalOfVerdict(verdict, { programId, message, causeKind: 'amend', checksum, height });
 */
export function refusalOfVerdict(
  v: RejectedVerdict,
  at: Omit<RefusalRecord, 'errorCode' | 'rule' | 'details'>,
): RefusalRecord {
  return { ...at, errorCode: v.error_code, rule: v.rule, details: v.details };
}

/**
 * Builds the refusal of an error thrown while judging (an unknown ref in a replacement, say): the
 * program's history shows every refused attempt, not only those the policy engine refused.
 */
export function refusalOfError(
  e: AlephError,
  at: Omit<RefusalRecord, 'errorCode' | 'rule' | 'details'>,
): RefusalRecord {
  return {
    ...at,
    errorCode: e.code,
    rule: 'message: the message must be valid and authorized',
    details: { message: e.message, ...e.details },
  };
}

/** Appends a refusal to the program's history. */
export async function insertRefusal(db: Db, r: RefusalRecord): Promise<void> {
  await db
    .insertInto('program_refusals')
    .values({
      program_id: r.programId,
      message_hash: r.message.hash,
      cause_kind: r.causeKind,
      error_code: r.errorCode,
      rule: r.rule,
      details: JSON.stringify(r.details),
      checksum: r.checksum,
      sender: r.message.sender,
      time: r.message.time,
      height: r.height,
    })
    .execute();
}

/**
 * A PROGRAM refused by governance: the message is rejected (422, `{error_code, details}`) and its
 * savepoint rolled back, so the writer records `refusal` on the program's history only afterwards
 * (ApplyQueue), where the rollback cannot undo it.
 */
export class ProgramRefusedError extends AlephError {
  readonly refusal: RefusalRecord;

  constructor(refusal: RefusalRecord, cause?: unknown) {
    const { message, ...details } = refusal.details as { message?: unknown };
    const text = typeof message === 'string' ? message : refusal.errorCode;
    const hint =
      cause instanceof AlephError ? cause.hint : policyError(refusal.errorCode as PolicyErrorCode, text).hint;
    super(refusal.errorCode as AlephErrorCode, text, {
      hint,
      details: {
        ...details,
        rule: refusal.rule,
        program_id: refusal.programId,
        ...(refusal.checksum ? { checksum: refusal.checksum } : {}),
      },
      ...(cause === undefined ? {} : { cause }),
    });
    this.refusal = refusal;
  }
}
