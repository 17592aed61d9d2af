import { type ErrorCode, type FieldError } from '@parley/contracts';

/** The one error type services throw; transports map its code to a problem document or an error ack. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors?: FieldError[],
    /** With RATE_LIMITED: when the same request can succeed again. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }
}
