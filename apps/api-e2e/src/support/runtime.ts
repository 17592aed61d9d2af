import type { TestDatabase } from './database';
import type { ServerHandle } from './server';

/** Handles global-setup leaves for global-teardown (jest runs both in the same context). */
export interface RuntimeHandles {
  tempDir: string;
  database?: TestDatabase;
  server?: ServerHandle;
}

export const RUNTIME_KEY = '__PARLEY_E2E_RUNTIME__';
