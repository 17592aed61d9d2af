import { type ErrorCode, type FieldError } from '@parley/contracts';

/** A REST call that failed: the problem document's code, or NETWORK when no answer came. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'NETWORK' | 'UNKNOWN',
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

/** A message fit to show a person, whatever was thrown. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'NETWORK') return 'Cannot reach the server. Check your connection and try again.';
    return err.message;
  }
  if (err instanceof Error && err.message) return err.message;
  return 'Something went wrong. Please try again.';
}
