/** What the global setup started, handed to the test files through the environment. */
export interface Stack {
  /** Parley: the built server, e.g. http://127.0.0.1:41234 */
  api: string;
  /** A customer's site on another origin, in the widget's allowed origins. */
  host: string;
  /** Another site, not allowed. */
  blocked: string;
  admin: { id: string; token: string };
  /** Where the server sends mail: the email test starts an SMTP server here. */
  smtpPort: number;
  settings: { title: string; greetingLines: string[]; color: string };
  /** Where screenshots go (docs/screenshots with the `screenshots` configuration). */
  screenshots: string;
  serverLog: string;
}

export const STATE_ENV = 'PARLEY_WIDGET_E2E';
export const RUNTIME_KEY = '__PARLEY_WIDGET_E2E__';

export function stack(): Stack {
  const raw = process.env[STATE_ENV];
  if (!raw) throw new Error('the widget e2e global setup did not run');
  return JSON.parse(raw) as Stack;
}
