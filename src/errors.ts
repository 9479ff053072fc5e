import type { AlephErrorCode, ErrorContexts, OpenContext } from './errorCodes/index.js';

export type { AlephErrorCode, ErrorContexts, NoContext, OpenContext, RequestErrorCode } from './errorCodes/index.js';

/**
 * The typed `details` of a code (its registry entry); an open map when the code is not known statically (any
 * code, or one a newer node sent).
 */
export type ErrorContext<C extends string> = string extends C
  ? OpenContext
  : [AlephErrorCode] extends [C]
    ? OpenContext
    : C extends AlephErrorCode
      ? ErrorContexts[C]
      : OpenContext;

/** The wire form of an error, as the node and the compute node answer it: `{error_code, details}`. */
export interface ErrorBodyJson {
  error_code: string;
  details: { message: string; hint?: string; readonly [key: string]: unknown };
}

/**
 * One error type for the whole project: a stable `code` from one area's registry (src/errorCodes/, never
 * renamed or reused), a one-line `hint` for people, and the code's typed `details`. It carries no HTTP status:
 * the node and the compute node each map codes to statuses in one place (errorStatus.ts).
 *
 * @example
 * throw new AlephError('FILE_NOT_FOUND', `no file ${hash}`, { hint: 'upload it first', details: { hash } });
 */
// `D` is computed from `C` (never inferred from the details passed), so a throw site is checked against its code's
// context; it is a parameter of its own so that an error of one code is an AlephError of any code.
export class AlephError<C extends AlephErrorCode = AlephErrorCode, D = ErrorContext<C>> extends Error {
  readonly code: C;
  readonly hint: string;
  readonly details: D;

  constructor(code: C, message: string, opts: { hint?: string; details?: ErrorContext<C>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AlephError';
    this.code = code;
    this.hint = opts.hint ?? '';
    this.details = (opts.details ?? {}) as D;
  }

  /**
   * An error that crossed a boundary (a node's answer, a worker's message): its code is whatever the other side
   * sent, possibly one this version does not know, and its details are as sent.
   *
   * @example
   * throw AlephError.revive(body.error_code, body.details.message, { details: body.details });
   */
  static revive(
    code: string,
    message: string,
    opts: { hint?: string; details?: OpenContext; cause?: unknown } = {},
  ): AlephError {
    return new AlephError(code as AlephErrorCode, message, opts);
  }

  /** The wire form the node answers with: `{error_code, details}`. */
  toJSON(): ErrorBodyJson {
    return {
      error_code: this.code,
      details: { message: this.message, ...(this.hint ? { hint: this.hint } : {}), ...this.details },
    };
  }
}

/**
 * Whether `e` is an AlephError, and (given codes) one of those codes; narrows `details` to their context.
 *
 * @example
 * try { await publishMessage(config, { message }); }
 * catch (e) { if (isAlephError(e, 'UPGRADE_IMMUTABLE')) console.error(e.hint); else throw e; }
 */
export function isAlephError<C extends AlephErrorCode = AlephErrorCode>(e: unknown, ...codes: C[]): e is AlephError<C> {
  return e instanceof AlephError && (codes.length === 0 || (codes as string[]).includes(e.code));
}
