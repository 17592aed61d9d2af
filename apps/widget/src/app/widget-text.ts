import { ErrorCode, type Thread } from '@parley/contracts';
import { ApiError } from '@parley/rest-client';
import type { Messages } from './i18n/en';

/** `m:ss`, or `h:mm:ss` past an hour. */
export function formatWait(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** What to tell the visitor when a REST call failed, in the visitor's language (never the server's English). */
export function problemText(err: unknown, t: Messages): string {
  if (!(err instanceof ApiError)) return t.somethingWrong;
  switch (err.code) {
    case 'NETWORK':
      return t.unreachable;
    case ErrorCode.RateLimited:
      return t.tooManyAttempts;
    case ErrorCode.ValidationFailed:
      return err.errors.some((e) => e.path === 'email') ? t.checkEmail : t.checkDetails;
    default:
      return t.somethingWrong;
  }
}

/** Who closed a closed thread, in the visitor's words; null while it is open. */
export function closedText(thread: Thread | null, t: Messages): string | null {
  if (thread?.status !== 'closed') return null;
  if (thread.closedBy?.type === 'visitor') return t.youEnded;
  if (thread.closedBy?.type === 'agent') return t.agentClosed(thread.assignedAgent?.name ?? null);
  return t.wasClosed;
}

/** Why a file was not sent, with its name, in the visitor's language. */
export function fileProblem(err: unknown, name: string, t: Messages): string {
  switch (err instanceof ApiError ? err.code : 'UNKNOWN') {
    case ErrorCode.PayloadTooLarge:
      return err instanceof ApiError && err.status === 413 && /thread/i.test(err.message) ? t.fileTooMany(name) : t.fileTooLarge(name);
    case ErrorCode.UnsupportedMediaType:
      return t.fileType(name);
    case ErrorCode.RateLimited:
      return t.fileRateLimited(name);
    case ErrorCode.ThreadClosed:
      return t.fileClosed(name);
    case 'NETWORK':
      return t.fileNetwork(name);
    default:
      return t.fileFailed(name);
  }
}
