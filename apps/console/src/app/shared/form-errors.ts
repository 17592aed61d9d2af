import type { z } from 'zod';
import { ApiError } from '../core/api/api-error';

export type FieldErrors = Readonly<Record<string, string>>;

/** Field errors from a contract schema, keyed by path (`email`, `greetingLines.1`): the first one each. */
export function schemaErrors(result: z.ZodSafeParseResult<unknown>): FieldErrors {
  if (result.success) return {};
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const path = issue.path.map(String).join('.') || '(root)';
    errors[path] ??= friendly(issue);
  }
  return errors;
}

/** zod's messages are written for developers; say the same to a person. */
function friendly(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'Required.' : `At least ${issue.minimum} characters.`;
      return issue.message;
    case 'too_big':
      if (issue.origin === 'string') return `At most ${issue.maximum} characters.`;
      if (issue.origin === 'array') return `At most ${issue.maximum}.`;
      return issue.message;
    case 'invalid_format':
      return issue.format === 'email' ? 'Enter a valid email address.' : issue.message;
    default:
      return issue.message;
  }
}

/** Field errors the server reported (a VALIDATION_FAILED problem), in the same shape. */
export function serverErrors(err: unknown): FieldErrors {
  if (!(err instanceof ApiError)) return {};
  const errors: Record<string, string> = {};
  for (const e of err.errors) errors[e.path] ??= e.message;
  return errors;
}
