import { rmSync } from 'node:fs';
import { type RuntimeHandles, RUNTIME_KEY } from './runtime';

export default async function globalTeardown(): Promise<void> {
  const runtime = (globalThis as Record<string, unknown>)[RUNTIME_KEY] as RuntimeHandles | undefined;
  if (!runtime) return;
  if (runtime.server) {
    if (!runtime.server.proc.running) {
      const { code, signal } = await runtime.server.proc.exited;
      console.warn(`[console-e2e] the API server died during the run (${code ?? signal}); see ${runtime.server.logFile}`);
    }
    await runtime.server.proc.stop();
  }
  rmSync(runtime.tempDir, { recursive: true, force: true });
}
