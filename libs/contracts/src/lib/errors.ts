import { z } from 'zod';

import { ErrorCode } from './constants';

/** The HTTP status each code maps to (a socket ack carries the code alone). */
export const ERROR_HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHENTICATED: 401,
  TOKEN_EXPIRED: 401,
  ACCOUNT_DEACTIVATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  THREAD_NOT_FOUND: 404,
  ATTACHMENT_NOT_FOUND: 404,
  THREAD_CLOSED: 409,
  THREAD_ALREADY_CLAIMED: 409,
  AGENT_NOT_FOUND: 404,
  API_KEY_NOT_FOUND: 404,
  EMAIL_TAKEN: 409,
  INVALID_CREDENTIALS: 401,
  // Not 401: the session is fine, only the current password typed into a form is wrong.
  WRONG_PASSWORD: 403,
  SETUP_ALREADY_DONE: 409,
  RATE_LIMITED: 429,
  INSUFFICIENT_SCOPE: 403,
  API_KEY_EXPIRED: 401,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_REQUEST_IN_PROGRESS: 409,
  ORIGIN_NOT_ALLOWED: 403,
  WEBHOOK_NOT_FOUND: 404,
  WEBHOOK_DELIVERY_NOT_FOUND: 404,
  WEBHOOK_URL_NOT_ALLOWED: 400,
  WEBHOOK_LIMIT_REACHED: 409,
  IDENTITY_TOKEN_EXPIRED: 401,
  IDENTITY_TOKEN_INVALID: 401,
  IDENTITY_CLAIMS_INVALID: 400,
  IDENTITY_NOT_CONFIGURED: 409,
  IDENTITY_REQUIRED: 403,
  CANNED_RESPONSE_NOT_FOUND: 404,
  SHORTCUT_TAKEN: 409,
  TAG_NOT_FOUND: 404,
  VISITOR_NOT_FOUND: 404,
  TAG_NAME_TAKEN: 409,
  MENTION_NOT_FOUND: 404,
  THREAD_NOT_CLOSED: 409,
  RATING_LOCKED: 409,
  AGENT_AT_CAPACITY: 409,
  AGENT_UNAVAILABLE: 409,
  TEAM_NOT_FOUND: 404,
  TEAM_NAME_TAKEN: 409,
  NOT_TEAM_MEMBER: 409,
  EMAIL_DISABLED: 409,
  EMAIL_MISSING: 409,
  LINK_INVALID: 410,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export const ErrorCodeSchema = z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]);

export const FieldErrorSchema = z.object({ path: z.string(), message: z.string() });
export type FieldError = z.infer<typeof FieldErrorSchema>;

/** RFC 9457 problem document, served as application/problem+json. */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  code: ErrorCodeSchema,
  errors: z.array(FieldErrorSchema).optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface AckError {
  code: ErrorCode;
  message: string;
  errors?: FieldError[];
  /** With RATE_LIMITED: how long until the same request can succeed. */
  retryAfterMs?: number;
}
export type AckFailure = { ok: false; error: AckError };
/** Every socket ack: `{ok: true, ...data}` or `{ok: false, error}`. */
export type Ack<T extends object = object> = ({ ok: true } & T) | AckFailure;
