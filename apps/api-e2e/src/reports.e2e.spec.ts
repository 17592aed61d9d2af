import { ErrorCode, REPORT_CSV_COLUMNS, type Report, ReportSchema } from '@parley/contracts';
import { Client } from 'pg';
import { adminToken, claimThread, createApiKey, newAgent, newVisitor, postMessage, startThread } from './support/actors';
import { call, expectProblem, expectStatus, http } from './support/http';
import { e2e } from './support/state';

/** Today in UTC as YYYY-MM-DD, read around the requests: a test spanning midnight asks for both days. */
const utcDay = (ms = Date.now()) => new Date(ms).toISOString().slice(0, 10);

async function report(query: Record<string, string>, token = adminToken()): Promise<Report> {
  const res = await http('get', '/api/v1/reports', { token, query });
  expectStatus(res, 200);
  return ReportSchema.parse(res.body);
}

async function csv(query: Record<string, string>, token = adminToken()) {
  const res = await http('get', '/api/v1/reports/threads.csv', { token, query }).buffer(true).parse((r, done) => {
    let text = '';
    r.setEncoding('utf8');
    r.on('data', (c: string) => (text += c));
    r.on('end', () => done(null, text));
  });
  return res;
}

/** A tiny CSV reader for the export's own output (quoted cells with doubled quotes, CRLF lines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endCell();
    else if (c === '\r' && text[i + 1] === '\n') {
      endCell();
      rows.push(row);
      row = [];
      i++;
    } else cell += c;
  }
  return rows;
}

/**
 * A fixture built through the API by one new agent: three conversations claimed and answered, two
 * closed and rated 5 and 2, one still open; a visitor whose name a spreadsheet would run.
 * Messages per conversation (no system notes): 3, 2, 1.
 */
async function fixture() {
  const startedAt = Date.now();
  const agent = await newAgent('agent', 'Rhea Reports');
  const made: { id: string; bounds: { created: [number, number]; claimed: number } }[] = [];
  for (const [i, name] of ['=cmd|calc', 'Plain Paula', '@Sum Sam'].entries()) {
    const visitor = await newVisitor(name);
    const before = Date.now();
    const thread = await startThread(visitor.token);
    const created = Date.now();
    await postMessage(visitor.token, thread.id, `question ${i}`);
    await claimThread(agent.token, thread.id);
    const claimed = Date.now();
    if (i === 0) {
      await postMessage(agent.token, thread.id, 'answer');
      await postMessage(visitor.token, thread.id, 'thanks');
    }
    if (i === 1) await postMessage(agent.token, thread.id, 'answer');
    if (i < 2) {
      expectStatus(await call('post /threads/{id}/close', { params: { id: thread.id }, token: agent.token }), 200);
      expectStatus(await call('post /threads/{id}/rating', { params: { id: thread.id }, token: visitor.token, body: { score: i === 0 ? 5 : 2 } }), 201);
    }
    made.push({ id: thread.id, bounds: { created: [before, created], claimed } });
  }
  return { agent, threads: made, days: { from: utcDay(startedAt), to: utcDay() } };
}

describe('reports', () => {
  let fx: Awaited<ReturnType<typeof fixture>>;
  beforeAll(async () => {
    fx = await fixture();
  });

  it("gives the agent's figures for the conversations built through the API", async () => {
    const r = await report({ from: fx.days.from, to: fx.days.to, timeZone: 'UTC' });
    expect(r).toMatchObject({ from: fx.days.from, to: fx.days.to, timeZone: 'UTC' });
    const mine = r.agents.find((a) => a.agent.id === fx.agent.agent.id);
    expect(mine).toMatchObject({
      agent: { id: fx.agent.agent.id, name: 'Rhea Reports' },
      conversations: 3,
      closed: 2,
      // (3 + 2 + 1) / 3
      messagesPerConversation: 2,
      csat: { average: 3.5, responses: 2, responseRate: 1 },
    });
    // Only two were answered by an agent; all three waited no longer than from their start to their claim.
    const longest = Math.max(...fx.threads.map((t) => t.bounds.claimed - t.bounds.created[0])) / 1000;
    for (const d of [mine?.waitSeconds, mine?.firstResponseSeconds, mine?.resolutionSeconds]) {
      expect(d?.median).toEqual(expect.any(Number));
      expect(d?.median).toBeLessThanOrEqual(d?.p90 ?? -1);
    }
    expect(mine?.waitSeconds.p90).toBeLessThanOrEqual(longest + 0.001);
    // Overall includes every conversation of those days, ours among them.
    expect(r.overall.conversations).toBeGreaterThanOrEqual(3);
    expect(r.busiestHours.flat().reduce((a, b) => a + b, 0)).toBe(r.overall.conversations);
    const hour = new Date(fx.threads[0].bounds.created[1]).getUTCHours();
    const dow = (new Date(fx.threads[0].bounds.created[1]).getUTCDay() + 6) % 7;
    expect(r.busiestHours[dow][hour]).toBeGreaterThanOrEqual(1);
  });

  it('defaults to the last 7 days in UTC, and takes any IANA zone', async () => {
    const r = await report({});
    expect(r.timeZone).toBe('UTC');
    expect(Date.parse(`${r.to}T00:00:00Z`) - Date.parse(`${r.from}T00:00:00Z`)).toBe(6 * 86_400_000);
    const tokyo = await report({ timeZone: 'Asia/Tokyo', from: '2026-01-01', to: '2026-12-31' });
    expect(tokyo).toMatchObject({ timeZone: 'Asia/Tokyo', from: '2026-01-01', to: '2026-12-31' });
    expect(tokyo.busiestHours).toHaveLength(7);
  });

  it('exports one CSV row per conversation, streamed, with formula-like cells kept as text', async () => {
    const res = await csv({ from: fx.days.from, to: fx.days.to });
    expectStatus(res, 200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="parley-conversations-${fx.days.from}-to-${fx.days.to}.csv"`);
    // Written as it is read: chunked, with no length known in advance.
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['content-length']).toBeUndefined();
    const [header, ...rows] = parseCsv(res.body as string);
    expect(header).toEqual([...REPORT_CSV_COLUMNS]);
    const col = (name: (typeof REPORT_CSV_COLUMNS)[number]) => REPORT_CSV_COLUMNS.indexOf(name);
    const ours = fx.threads.map((t) => rows.find((r) => r[col('thread_id')] === t.id));
    expect(ours.map((r) => [r?.[col('visitor_name')], r?.[col('status')], r?.[col('agent_name')], r?.[col('messages')], r?.[col('rating')]])).toEqual([
      ["'=cmd|calc", 'closed', 'Rhea Reports', '3', '5'],
      ['Plain Paula', 'closed', 'Rhea Reports', '2', '2'],
      ["'@Sum Sam", 'active', 'Rhea Reports', '1', ''],
    ]);
    expect(ours[2]?.[col('first_response_seconds')]).toBe('');
    expect(Number(ours[0]?.[col('first_response_seconds')])).toBeGreaterThanOrEqual(0);
    // In start order, each once.
    const ids = rows.map((r) => r[col('thread_id')]);
    expect(new Set(ids).size).toBe(ids.length);
    const created = rows.map((r) => r[col('created_at')]);
    expect([...created].sort()).toEqual(created);
  });

  it('serves API keys with reports:read, and refuses others', async () => {
    const reader = await createApiKey({ scopes: ['reports:read'] });
    expectStatus(await http('get', '/api/v1/reports', { token: reader.key }), 200);
    expectStatus(await csv({}, reader.key), 200);
    const other = await createApiKey({ scopes: ['threads:read'] });
    expectProblem(await http('get', '/api/v1/reports', { token: other.key }), ErrorCode.InsufficientScope);
    expectProblem(await http('get', '/api/v1/reports/threads.csv', { token: other.key }), ErrorCode.InsufficientScope);
  });

  it('is for admins: an agent and a visitor get 403, no token 401', async () => {
    const agent = await newAgent();
    const visitor = await newVisitor();
    for (const path of ['/api/v1/reports', '/api/v1/reports/threads.csv']) {
      expectProblem(await http('get', path, { token: agent.token }), ErrorCode.Forbidden);
      expectProblem(await http('get', path, { token: visitor.token }), ErrorCode.Forbidden);
      expectProblem(await http('get', path), ErrorCode.Unauthenticated);
    }
  });

  it('refuses from after to, a range over 366 days, an unknown zone, a day that does not exist and unknown parameters (400, for both routes)', async () => {
    const bad: Record<string, string>[] = [
      { from: '2026-03-08', to: '2026-03-02' },
      { from: '2025-01-01', to: '2026-01-02' },
      { timeZone: 'Mars/Olympus_Mons' },
      { timeZone: '' },
      { from: '2026-02-30', to: '2026-03-02' },
      { from: '2026-3-2' },
      { from: "2026-03-02'; DROP TABLE threads; --" },
      { group: 'team' },
    ];
    for (const query of bad) {
      expectProblem(await http('get', '/api/v1/reports', { token: adminToken(), query }), ErrorCode.ValidationFailed);
      const res = await http('get', '/api/v1/reports/threads.csv', { token: adminToken(), query });
      expectProblem(res, ErrorCode.ValidationFailed);
    }
    // 366 days is the most: accepted.
    expectStatus(await http('get', '/api/v1/reports', { token: adminToken(), query: { from: '2025-01-01', to: '2026-01-01' } }), 200);
  });

  // PostgreSQL only: the test moves the fixture's timestamps to known values in the server's
  // database, then checks the figures by hand. The same queries are checked against a fixed fixture
  // on both back ends by reports.integration.spec.
  if (e2e().backend === 'postgres') {
    it('matches figures worked out by hand once the timestamps are known (a day in Europe/Paris)', async () => {
      const db = new Client({ connectionString: e2e().databaseUrl });
      await db.connect();
      try {
        // Monday 2 February 2026, 10:00 in Paris (09:00Z), a day no other test uses; t0 + n s.
        const t0 = Date.parse('2026-02-02T09:00:00Z');
        const at = (s: number) => new Date(t0 + s * 1000).toISOString();
        const plan = [
          // created, first visitor message, assigned, first response, closed
          [0, 10, 60, 100, 600],
          [900, 905, 1020, 1080, 2100],
          [1800, 1830, 1840, null, null],
        ] as const;
        for (const [i, t] of fx.threads.entries()) {
          const [c, v, a, f, x] = plan[i];
          await db.query(
            `UPDATE threads SET created_at = $2, assigned_at = $3, first_response_at = $4, closed_at = $5, rated_at = COALESCE($5, rated_at) WHERE id = $1`,
            [t.id, at(c), at(a), f === null ? null : at(f), x === null ? null : at(x)],
          );
          await db.query(`UPDATE messages SET created_at = $2 WHERE thread_id = $1 AND seq = (SELECT min(seq) FROM messages WHERE thread_id = $1 AND author_type = 'visitor')`, [t.id, at(v)]);
        }
      } finally {
        await db.end();
      }
      const r = await report({ from: '2026-02-02', to: '2026-02-02', timeZone: 'Europe/Paris' });
      // Waits 60, 120, 40: median 60, p90 60 + 0.8 × 60. First responses 90, 175. Resolutions 600, 1200.
      const figures = {
        conversations: 3,
        closed: 2,
        waitSeconds: { median: 60, p90: 108 },
        firstResponseSeconds: { median: 132.5, p90: 166.5 },
        resolutionSeconds: { median: 900, p90: 1140 },
        messagesPerConversation: 2,
        csat: { average: 3.5, responses: 2, responseRate: 1 },
      };
      expect(r.overall).toEqual(figures);
      expect(r.agents).toEqual([{ agent: { id: fx.agent.agent.id, name: 'Rhea Reports' }, ...figures }]);
      // 10:00, 10:15 and 10:30 on a Monday in Paris.
      expect(r.busiestHours[0][10]).toBe(3);
      expect(r.busiestHours.flat().reduce((a, b) => a + b, 0)).toBe(3);
      const rows = parseCsv((await csv({ from: '2026-02-02', to: '2026-02-02', timeZone: 'Europe/Paris' })).body as string);
      expect(rows.slice(1).map((row) => row.slice(10, 13))).toEqual([
        ['60', '90', '600'],
        ['120', '175', '1200'],
        ['40', '', ''],
      ]);
      expect(rows[1][1]).toBe('2026-02-02 10:00:00');
    });
  }
});
