/**
 * Types lines out letter by letter, one after the other (the original widget's intro), with
 * timers only: each step is a few microseconds of work, so the host page never stalls. Returns a
 * function that stops it. With `instant` (reduced motion) the lines appear at once.
 */
export function typeLines(targets: readonly HTMLElement[], lines: readonly string[], instant: boolean, charMs = 20, pauseMs = 100): () => void {
  const timers: ReturnType<typeof setTimeout>[] = [];
  targets.forEach((t, i) => (t.textContent = instant ? (lines[i] ?? '') : ''));
  if (instant) return () => undefined;
  let line = 0;
  let char = 0;
  const step = (): void => {
    const text = lines[line] ?? '';
    const target = targets[line];
    if (!target) return;
    if (char < text.length) {
      target.textContent = text.slice(0, ++char);
      timers.push(setTimeout(step, charMs));
    } else if (++line < targets.length) {
      char = 0;
      timers.push(setTimeout(step, pauseMs));
    }
  };
  timers.push(setTimeout(step, 0));
  return () => timers.forEach(clearTimeout);
}
