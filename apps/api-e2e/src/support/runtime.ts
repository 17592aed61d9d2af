import type { ApiServer, TestDatabase } from '@parley/test-support';

/** Handles global-setup leaves for global-teardown (jest runs both in the same context). */
export interface RuntimeHandles {
  tempDir: string;
  database?: TestDatabase;
  server?: ApiServer;
}

export const RUNTIME_KEY = '__PARLEY_E2E_RUNTIME__';
