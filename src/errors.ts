/**
 * One error type for the whole project: a stable `code` (never renumbered or reused), a one-line
 * `hint` for people, and a typed `details` object that the node returns as `{error_code, details}`.
 */
export class AlephError<C extends string = string> extends Error {
  readonly code: C;
  readonly hint: string;
  readonly details: Record<string, unknown>;
  /** HTTP status the node answers with when this error reaches the API. */
  readonly status: number;

  constructor(code: C, message: string, opts: { hint?: string; details?: Record<string, unknown>; status?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AlephError';
    this.code = code;
    this.hint = opts.hint ?? '';
    this.details = opts.details ?? {};
    this.status = opts.status ?? 422;
  }

  /** The wire form the node answers with: `{error_code, details}`. */
  toJSON(): { error_code: C; details: Record<string, unknown> & { message: string } } {
    return { error_code: this.code, details: { message: this.message, ...(this.hint ? { hint: this.hint } : {}), ...this.details } };
  }
}

export function isAlephError(e: unknown): e is AlephError {
  return e instanceof AlephError;
}
