// What global-setup hands to the test files (through process.env, which jest copies into each
// test environment). No @parley/contracts import here: global-setup loads this file outside
// jest's module mapper.

export type Backend = 'postgres' | 'pglite';

export interface RecordedResponse {
  status: number;
  contentType: string | null;
  body: unknown;
}

export interface E2eState {
  /** The back end the server really runs on (postgres falls back to pglite off CI). */
  backend: Backend;
  requestedBackend: Backend;
  baseUrl: string;
  /** The server's PostgreSQL database (postgres runs only): a test may hold its locks. */
  databaseUrl?: string;
  jwtSecret: string;
  allowedOrigin: string;
  admin: { id: string; email: string; name: string; password: string; token: string };
  /** The first-run setup exchange global-setup made on the fresh database. */
  firstRun: { status: RecordedResponse; setup: RecordedResponse };
}

export const STATE_ENV = 'PARLEY_E2E_STATE';
export const ALLOWED_ORIGIN = 'http://allowed.test';
export const API_V1 = '/api/v1';

let cached: E2eState | undefined;

/** Points this test file's helpers at another server, one started with settings of its own. */
export function useServer(baseUrl: string, admin: E2eState['admin']): void {
  cached = { ...e2e(), baseUrl, admin };
}

export function e2e(): E2eState {
  if (cached) return cached;
  const raw = process.env[STATE_ENV];
  if (!raw) throw new Error(`${STATE_ENV} is not set: run the suite through apps/api-e2e/jest.config.cjs`);
  cached = JSON.parse(raw) as E2eState;
  return cached;
}
