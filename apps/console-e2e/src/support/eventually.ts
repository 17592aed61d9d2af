/**
 * Retries an assertion until it passes or the time is up, then throws its last failure: the
 * browser's state settles a moment after the event that causes it, and a test must wait for it
 * (bounded) rather than sleep.
 */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
