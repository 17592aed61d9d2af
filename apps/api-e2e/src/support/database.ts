import type { PostgresOptions } from '@parley/test-support';

function adminUrl(): string {
  const user = encodeURIComponent(process.env.E2E_PG_USER ?? 'postgres');
  const password = process.env.E2E_PG_PASSWORD;
  const auth = password ? `${user}:${encodeURIComponent(password)}` : user;
  return `postgres://${auth}@${process.env.E2E_PG_HOST ?? '127.0.0.1'}:${Number(process.env.E2E_PG_PORT ?? 5432)}/postgres`;
}

/**
 * The machine's PostgreSQL; E2E_PG_HOST, _PORT, _USER and _PASSWORD override the defaults
 * (127.0.0.1:5432, user postgres, trust auth), as in run-e2e.cjs. Each run makes databases `parley_e2e_*`.
 */
export const PG: PostgresOptions = { adminUrl: adminUrl(), connectTimeoutMs: 3000, queryTimeoutMs: 10_000 };
export const DATABASE_PREFIX = 'parley_e2e';
