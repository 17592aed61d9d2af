import type { ErrorCode, FieldError } from '@parley/contracts';

/** What a client reports when no problem document came: the server was not reached, or answered something else. */
export type ClientErrorCode = 'NETWORK' | 'UNKNOWN' | 'ABORTED';

/** A REST call that failed: the problem document's code, or NETWORK when no answer came. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | ClientErrorCode,
    message: string,
    readonly errors: readonly FieldError[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The first error reported for a field (`email`, `greetingLines.1`), if any. */
  fieldError(path: string): string | null {
    return this.errors.find((e) => e.path === path)?.message ?? null;
  }
}
