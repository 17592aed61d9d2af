import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `probe` until it gives something other than `undefined` or `false`, and resolves with it;
 * after `timeoutMs` fails naming `what`. The bound is on liveness, never a measure of speed.
 * (The e2e suites have the same in `@parley/test-support`, which the API's own specs may not import.)
 */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
