import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, TMP } from './proc';

export const RESULTS_DIR = path.join(ROOT, 'tools/bench/results');

/** A Markdown table (readable as is in a terminal, pasted as is into docs/benchmarks.md). */
export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (c ?? '').padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

export function fmt(n: number): string {
  if (Number.isNaN(n)) return '–';
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
}

export function pct(ratio: number): string {
  return Number.isFinite(ratio) ? `${Math.round(ratio * 100)}%` : '–';
}

/** A string with the workspace's absolute path taken out of it. */
function relativeToRoot(value: string): string {
  return value.split(`${ROOT}${path.sep}`).join('');
}

/** Writes the scenario's JSON twice: the latest under tools/bench/results, a dated copy under tmp/bench. */
export function writeResult(scenario: string, data: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  mkdirSync(TMP, { recursive: true });
  // Paths inside the workspace are written relative to it: the results say nothing of the machine's layout.
  const json = `${JSON.stringify(data, (_key, value: unknown) => (typeof value === 'string' ? relativeToRoot(value) : value), 2)}\n`;
  const latest = path.join(RESULTS_DIR, `${scenario}.json`);
  writeFileSync(latest, json);
  writeFileSync(path.join(TMP, `${scenario}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), json);
  return latest;
}
