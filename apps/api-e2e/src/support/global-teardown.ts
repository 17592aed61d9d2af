import { rmSync } from 'node:fs';
import { dropDatabase } from '@parley/test-support';
import { PG } from './database';
import { type RuntimeHandles, RUNTIME_KEY } from './runtime';

export default async function globalTeardown(): Promise<void> {
  const runtime = (globalThis as Record<string, unknown>)[RUNTIME_KEY] as RuntimeHandles | undefined;
  if (!runtime) return;
  const server = runtime.server;
  if (server) {
    if (!server.proc.running) {
      const { code, signal } = await server.proc.exited;
      console.warn(`[api-e2e] the API server died during the run (${code ?? signal}); see ${server.logFile}`);
    }
    await server.proc.stop();
  }
  try {
    if (runtime.database) await dropDatabase(runtime.database.name, PG);
  } finally {
    rmSync(runtime.tempDir, { recursive: true, force: true });
  }
}
