import type { ApiServer } from '@parley/test-support';

/** What global-setup leaves for global-teardown (jest runs both in the same context). */
export interface RuntimeHandles {
  tempDir: string;
  server?: ApiServer;
}

export const RUNTIME_KEY = '__PARLEY_CONSOLE_E2E_RUNTIME__';
