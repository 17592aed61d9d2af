import { SERVER_ENTRY } from '@parley/test-support';
import { parseArgs } from './lib/args';
import { context } from './scenarios/common';
import { smoke, smokeProblems } from './scenarios/smoke';

describe('load generator smoke run against Parley', () => {
  it('acks, delivers once and stores every message it sends', async () => {
    const lines: string[] = [];
    const ctx = context(parseArgs([]).args, (line) => lines.push(line));
    ctx.serverEntry = SERVER_ENTRY;
    const result = await smoke(ctx);
    const m = result.run;
    expect(m.sent).toBeGreaterThan(100);
    expect(smokeProblems(result)).toEqual([]);
    expect(m.lost).toBe(0);
    expect(m.duplicates).toBe(0);
    expect(m.stored).toBe(m.acked);
    expect(m.latency.count).toBe(m.sent);
    console.log(`[bench smoke on ${result.backend}] ${lines.join('\n')}`);
  });
});
