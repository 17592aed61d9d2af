import { rmSync } from 'node:fs';
import { dropDatabase } from './database';
import { type RuntimeHandles, RUNTIME_KEY } from './runtime';
import { stopServer } from './server';

export default async function globalTeardown(): Promise<void> {
  const runtime = (globalThis as Record<string, unknown>)[RUNTIME_KEY] as RuntimeHandles | undefined;
  if (!runtime) return;
  const server = runtime.server;
  if (server) {
    const { exitCode, signalCode } = server.child;
    if (exitCode !== null || signalCode !== null) {
      console.warn(
        `[api-e2e] the API server died during the run (${exitCode ?? signalCode}); see ${server.logFile}`,
      );
    }
    await stopServer(server.child);
  }
  try {
    if (runtime.database) await dropDatabase(runtime.database.name);
  } finally {
    rmSync(runtime.tempDir, { recursive: true, force: true });
  }
}
