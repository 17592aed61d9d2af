/** What global-setup hands to the test files (through an environment variable: jest runs them in other contexts). */
export interface E2eState {
  baseUrl: string;
  /** The server's JWT secret, so a test can mint an expired agent token. */
  jwtSecret: string;
  chromiumPath: string;
}

export const STATE_ENV = 'PARLEY_CONSOLE_E2E_STATE';

/** The first admin, created through the first-run page by 01-first-run. */
export const ADMIN = { name: 'Ada Admin', email: 'ada@console.test', password: 'ada-password-123' } as const;
/** A second agent (created by the admin over the API) for the claim race. */
export const AGENT_BO = { name: 'Bo Agent', email: 'bo@console.test', password: 'bo-password-1234', role: 'agent' } as const;

export function e2e(): E2eState {
  const raw = process.env[STATE_ENV];
  if (!raw) throw new Error(`${STATE_ENV} is not set: run the browser tests through their jest config`);
  return JSON.parse(raw) as E2eState;
}
