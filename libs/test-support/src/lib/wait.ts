// Every bounded wait of the e2e suites and the bench goes through `eventually`. A timeout is a bound
// on liveness, never a measure of speed: a busy machine must not fail a test that would pass.

export { setTimeout as sleep } from 'node:timers/promises';

/** Thrown by a check to stop waiting at once: what it waits for can no longer happen (a process died). */
export class StopWaiting extends Error {
  override readonly name = 'StopWaiting';
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Retries `check` until it returns without throwing, and resolves with what it returned; after
 * `timeoutMs` throws its last failure. Made for assertions: the state a test looks at settles a
 * moment after the event that causes it, and the test waits for it (bounded) rather than sleeping.
 */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (err instanceof StopWaiting || Date.now() > deadline) throw err;
      await pause(intervalMs);
    }
  }
}

/**
 * Polls `probe` until it gives something other than `undefined` or `false`, and resolves with that.
 * A probe that throws counts as "not yet". After `timeoutMs` fails naming `what` and the last
 * failure seen, so a timeout says what never happened.
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  intervalMs = 50,
): Promise<T> {
  let last: unknown = 'nothing yet';
  const notYet = new Error('not yet');
  try {
    return await eventually(
      async () => {
        let value: T | undefined | false;
        try {
          value = await probe();
        } catch (err) {
          if (err instanceof StopWaiting) throw err;
          last = err instanceof Error ? err.message : err;
          throw notYet;
        }
        if (value === undefined || value === false) throw notYet;
        return value;
      },
      timeoutMs,
      intervalMs,
    );
  } catch (err) {
    if (err instanceof StopWaiting) throw err;
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`);
  }
}
