import { rmSync } from 'node:fs';
import type { Runtime } from './global-setup';
import { RUNTIME_KEY } from './state';

export default async function globalTeardown(): Promise<void> {
  const runtime = (globalThis as Record<string, unknown>)[RUNTIME_KEY] as Runtime | undefined;
  if (!runtime) return;
  await Promise.all(runtime.sites.map((s) => new Promise((r) => (s.closeAllConnections(), s.close(r)))));
  if (runtime.api) await runtime.api.proc.stop();
  rmSync(runtime.tempDir, { recursive: true, force: true });
}
