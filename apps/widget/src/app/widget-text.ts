import { ErrorCode, type Thread } from '@parley/contracts';
import { ApiError } from '@parley/rest-client';

/** `m:ss`, or `h:mm:ss` past an hour. */
export function formatWait(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** What to tell the visitor when a REST call failed. */
export function problemText(err: unknown): string {
  if (!(err instanceof ApiError)) return 'Something went wrong. Please try again.';
  switch (err.code) {
    case 'NETWORK':
      return err.message;
    case ErrorCode.RateLimited:
      return 'Too many attempts. Please wait a minute and try again.';
    case ErrorCode.ValidationFailed:
      return err.errors.some((e) => e.path === 'email') ? 'Please check your email address.' : 'Please check your details.';
    default:
      return 'Something went wrong. Please try again.';
  }
}

/** Who closed a closed thread, in the visitor's words; null while it is open. */
export function closedText(t: Thread | null): string | null {
  if (t?.status !== 'closed') return null;
  if (t.closedBy?.type === 'visitor') return 'You ended the conversation.';
  if (t.closedBy?.type === 'agent') return `${t.assignedAgent?.name ?? 'The agent'} closed the conversation.`;
  return 'This conversation was closed.';
}
