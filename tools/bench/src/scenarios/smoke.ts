import { postgresProblem } from '@parley/test-support';
import { num } from '../lib/args';
import { postgres } from '../lib/postgres';
import { type Context, describeRun, type Measured, measure, runParams, withTarget } from './common';

export interface SmokeResult {
  backend: 'postgres' | 'pglite';
  run: Measured;
}

/**
 * A few seconds of conversation against a started Parley (PostgreSQL when reachable, else the
 * embedded default): the generator end to end, for `npm test`. Not a measurement. Under CI=true
 * PostgreSQL must be there: a fallback would report the PostgreSQL run as passed without running it.
 */
export async function smoke(ctx: Context): Promise<SmokeResult> {
  const reachable = ctx.embedded || (await postgresProblem(postgres())) === null;
  if (!reachable && process.env.CI === 'true') throw new Error('PostgreSQL is not reachable, and under CI=true the smoke run must use it');
  const backend = ctx.embedded || !reachable ? 'pglite' : 'postgres';
  if (backend === 'pglite' && !ctx.embedded) ctx.log('SKIPPED PostgreSQL (not reachable): the smoke run uses the embedded PGlite');
  const local: Context = { ...ctx, embedded: backend === 'pglite', workers: num(ctx.args, 'workers', 1) };
  const pairs = num(ctx.args, 'pairs', 20);
  return withTarget(
    local,
    'parley',
    { rooms: pairs, threadsPerAgent: 5, watchersPerRoom: 0, senders: 'both' },
    {},
    async (target, gen) => {
      const run = await measure(target, gen, runParams(local, num(ctx.args, 'rate', 100), num(ctx.args, 'duration', 3) * 1000));
      ctx.log(`smoke    ${describeRun('parley', run)}`);
      return { backend, run };
    },
  );
}

/** What the smoke run must show: every message acked, delivered once, and stored once. */
export function smokeProblems(r: SmokeResult): string[] {
  const m = r.run;
  const problems: string[] = [];
  if (m.sent === 0) problems.push('nothing was sent');
  if (m.acked !== m.sent) problems.push(`acked ${m.acked} of ${m.sent}`);
  if (Object.keys(m.errors).length > 0) problems.push(`errors ${JSON.stringify(m.errors)}`);
  if (m.lost !== 0) problems.push(`lost ${m.lost}`);
  if (m.duplicates !== 0) problems.push(`duplicated ${m.duplicates}`);
  if (m.delivered !== m.expectedDeliveries) problems.push(`delivered ${m.delivered} of ${m.expectedDeliveries}`);
  if (m.stored !== m.acked) problems.push(`rows stored ${m.stored} != acked ${m.acked}`);
  return problems;
}
