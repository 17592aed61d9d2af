import { SERVER_ENTRY } from '@parley/test-support';
import { parseArgs } from './lib/args';
import { context } from './scenarios/common';
import { postgresProblem } from '@parley/test-support';
import { postgres } from './lib/postgres';
import { smoke, smokeProblems } from './scenarios/smoke';
import { uploads } from './scenarios/uploads';

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

describe('upload benchmark smoke run against Parley', () => {
  it('stores every file of several clients uploading at once, and measures the server while they do', async () => {
    const lines: string[] = [];
    const ctx = context(parseArgs(['--clients', '3', '--bytes', '1000000', '--rounds', '1']).args, (line) => lines.push(line));
    ctx.serverEntry = SERVER_ENTRY;
    // As the conversation smoke run: PostgreSQL when reachable (required under CI=true), else the embedded default.
    if ((await postgresProblem(postgres())) !== null) {
      if (process.env.CI === 'true') throw new Error('PostgreSQL is not reachable, and under CI=true the smoke run must use it');
      console.log('SKIPPED PostgreSQL (not reachable): the upload smoke run uses the embedded PGlite');
      ctx.embedded = true;
    }
    const result = await uploads(ctx, { write: false });
    expect(result.failures).toEqual([]);
    expect(result.clients).toBe(3);
    // Sampled figures, not verdicts: they are there and finite.
    expect(Number.isFinite(result.peakOverIdle)).toBe(true);
    expect(result.heapAfterGcMb.after).toBeGreaterThan(0);
    console.log(`[bench uploads smoke] ${lines.join('\n')}`);
  });
});
