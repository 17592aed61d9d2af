import { readFileSync } from 'node:fs';
import type { AxeResults, ElementContext, Result, RunOptions } from 'axe-core';
import type { Frame, Page } from 'playwright-core';

let source: string | undefined;
/** axe-core's browser build, read once. */
function axeSource(): string {
  source ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return source;
}

export interface AxeCheck {
  /** What the page shows, for the failure message: 'console: inbox with a thread open'. */
  label: string;
  /** Where to look (default: the whole document). Shadow roots are searched, other frames are not (check each frame on its own). */
  context?: ElementContext;
  /** Rules to leave out, each with a reason in the caller. */
  disableRules?: string[];
}

/**
 * Runs axe-core in `target` (a page, or a frame such as the widget's iframe) and resolves with its
 * violations. The source is evaluated through the driver, not added as a script element, so the
 * page's Content-Security-Policy (no inline script) is neither broken nor loosened.
 */
export async function axeViolations(target: Page | Frame, check: Omit<AxeCheck, 'label'> = {}): Promise<Result[]> {
  const hasAxe = await target.evaluate(() => typeof (globalThis as { axe?: unknown }).axe === 'object');
  if (!hasAxe) await target.evaluate(axeSource());
  const options: RunOptions = {
    // Each frame is checked on its own: a frame without axe in it would stall the run.
    iframes: false,
    resultTypes: ['violations'],
    rules: Object.fromEntries((check.disableRules ?? []).map((id) => [id, { enabled: false }])),
  };
  const results = await target.evaluate(
    ([context, opts]) => {
      const page = globalThis as unknown as { axe: { run(c: unknown, o: unknown): Promise<AxeResults> }; document: unknown };
      return page.axe.run(context ?? page.document, opts);
    },
    [check.context ?? null, options] as const,
  );
  return results.violations;
}

/** A violation as one readable line per element: rule, impact, what is wrong, and where. */
export function describeViolations(violations: Result[]): string {
  return violations
    .map((v) =>
      [
        `${v.id} (${v.impact}): ${v.help}`,
        ...v.nodes.map((n) => {
          const related = [...n.any, ...n.all, ...n.none].flatMap((c) => c.relatedNodes ?? []).map((r) => r.target.join(' '));
          return `    ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}${related.length ? ` (related: ${related.join(', ')})` : ''}\n      ${n.html.slice(0, 200)}`;
        }),
      ].join('\n'),
    )
    .join('\n');
}

/** Fails, listing every violation, unless axe-core finds none in `target`. */
export async function expectNoAxeViolations(target: Page | Frame, check: AxeCheck): Promise<void> {
  const violations = await axeViolations(target, check);
  if (violations.length) throw new Error(`axe-core found ${violations.length} accessibility violation(s) on ${check.label}:\n${describeViolations(violations)}`);
}
