import { rmSync } from 'node:fs';
import { type RuntimeHandles, RUNTIME_KEY } from './runtime';
import { stopServer } from './server';

export default async function globalTeardown(): Promise<void> {
  const runtime = (globalThis as Record<string, unknown>)[RUNTIME_KEY] as RuntimeHandles | undefined;
  if (!runtime) return;
  if (runtime.server) {
    const { exitCode, signalCode } = runtime.server.child;
    if (exitCode !== null || signalCode !== null) {
      console.warn(`[console-e2e] the API server died during the run (${exitCode ?? signalCode}); see ${runtime.server.logFile}`);
    }
    await stopServer(runtime.server.child);
  }
  rmSync(runtime.tempDir, { recursive: true, force: true });
}
