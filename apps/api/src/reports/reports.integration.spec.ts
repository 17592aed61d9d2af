import { ErrorCode, type Report } from '@parley/contracts';
import { DataSource } from 'typeorm';
import type { AppError } from '../common/app-error';
import { createTestApp, describeBackends, type TestApp } from '../testing/test-app';
import { ReportsService } from './reports.service';

/**
 * The report queries against a fixture with known answers: conversations written with fixed
 * timestamps, the figures computed by hand below. The range is a week in Europe/Paris (UTC+1 in
 * early March), so conversations near midnight fall in or out by the zone, not by UTC.
 */
describeBackends('reports', (backend) => {
  let t: TestApp;
  let db: DataSource;
  let reports: ReportsService;
  const ids: Record<string, string> = {};

  const at = (base: string, seconds: number) => new Date(Date.parse(base) + seconds * 1000).toISOString();

  async function agent(name: string): Promise<string> {
    const [row] = (await db.query(`INSERT INTO agents (email, name, password_hash) VALUES ($1, $2, 'x') RETURNING id`, [`${name.toLowerCase()}@example.com`, name])) as { id: string }[];
    return row.id;
  }

  /**
   * A conversation: created at `created`; its messages `[author, seconds after created]`; assigned,
   * first answered and closed at the given offsets (null: never); and its rating.
   */
  async function conversation(
    key: string,
    o: { created: string; agentId: string | null; visitorName?: string; messages: ['visitor' | 'agent' | 'system', number][]; assigned: number | null; answered: number | null; closed: number | null; rating?: number; comment?: string },
  ): Promise<void> {
    const [v] = (await db.query(`INSERT INTO visitors (name, email) VALUES ($1, $2) RETURNING id`, [o.visitorName ?? `Visitor ${key}`, `${key}@example.com`])) as { id: string }[];
    const off = (s: number | null) => (s === null ? null : at(o.created, s));
    const [row] = (await db.query(
      `INSERT INTO threads (visitor_id, status, assigned_agent_id, last_seq, created_at, assigned_at, first_response_at, closed_at,
                            rating, rating_comment, rated_agent_id, rated_at, rating_updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::smallint, $10, CASE WHEN $9::smallint IS NULL THEN NULL ELSE $3::uuid END, CASE WHEN $9::smallint IS NULL THEN NULL ELSE $8::timestamptz END, CASE WHEN $9::smallint IS NULL THEN NULL ELSE $8::timestamptz END)
       RETURNING id`,
      [v.id, o.closed !== null ? 'closed' : o.agentId ? 'active' : 'queued', o.agentId, o.messages.length, o.created, off(o.assigned), off(o.answered), off(o.closed), o.rating ?? null, o.comment ?? null],
    )) as { id: string }[];
    ids[key] = row.id;
    for (const [i, [author, s]] of o.messages.entries()) {
      await db.query(`INSERT INTO messages (thread_id, seq, author_type, author_id, body, created_at) VALUES ($1, $2, $3, $4, 'text', $5)`, [
        row.id,
        i + 1,
        author,
        author === 'visitor' ? v.id : author === 'agent' ? o.agentId : null,
        at(o.created, s),
      ]);
    }
  }

  beforeAll(async () => {
    t = await createTestApp(backend);
    db = t.app.get(DataSource);
    reports = t.app.get(ReportsService);
    const ann = await agent('Ann');
    const bob = await agent('Bob');
    ids.ann = ann;
    ids.bob = bob;
    // Monday 2 March 00:30 in Paris: in the week there, not in UTC's.
    await conversation('t1', {
      created: '2026-03-01T23:30:00Z',
      agentId: ann,
      visitorName: '=HYPERLINK("http://evil.test")',
      messages: [['visitor', 10], ['system', 60], ['agent', 100], ['visitor', 200], ['agent', 300], ['system', 600]],
      assigned: 60,
      answered: 100,
      closed: 600,
      rating: 5,
      comment: 'Quick, thanks, "great"',
    });
    // Tuesday 14:30 and 14:45 in Paris.
    await conversation('t2', { created: '2026-03-03T13:30:00Z', agentId: ann, messages: [['visitor', 5], ['agent', 180]], assigned: 120, answered: 180, closed: 1200, rating: 3 });
    await conversation('t3', { created: '2026-03-03T13:45:00Z', agentId: bob, messages: [['visitor', 20], ['visitor', 40], ['agent', 50]], assigned: 30, answered: 50, closed: 300 });
    // Sunday 8 March 23:30 in Paris, still waiting.
    await conversation('t4', { created: '2026-03-08T22:30:00Z', agentId: null, messages: [['visitor', 5]], assigned: null, answered: null, closed: null });
    // Outside the week in Paris: Monday 9 March 00:30 and Sunday 1 March 23:30.
    await conversation('t5', { created: '2026-03-08T23:30:00Z', agentId: bob, messages: [['visitor', 1], ['agent', 2]], assigned: 1, answered: 2, closed: 3, rating: 1 });
    await conversation('t6', { created: '2026-03-01T22:30:00Z', agentId: ann, messages: [['visitor', 1]], assigned: 1, answered: null, closed: 9 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('computes the figures of the week overall and per agent, as worked out by hand', async () => {
    const report = await reports.report({ from: '2026-03-02', to: '2026-03-08', timeZone: 'Europe/Paris' });
    expect(report).toMatchObject<Partial<Report>>({ from: '2026-03-02', to: '2026-03-08', timeZone: 'Europe/Paris' });
    // Waits 30, 60, 120 (t4 has none): median 60, p90 60 + 0.8 × 60. First responses (from the
    // visitor's first message) 90, 175, 30. Resolutions 600, 1200, 300. Messages 4, 2, 3, 1 (no system notes).
    expect(report.overall).toEqual({
      conversations: 4,
      closed: 3,
      waitSeconds: { median: 60, p90: 108 },
      firstResponseSeconds: { median: 90, p90: 158 },
      resolutionSeconds: { median: 600, p90: 1080 },
      messagesPerConversation: 2.5,
      csat: { average: 4, responses: 2, responseRate: 0.6667 },
    });
    expect(report.agents).toEqual([
      {
        agent: { id: ids.ann, name: 'Ann' },
        conversations: 2,
        closed: 2,
        waitSeconds: { median: 90, p90: 114 },
        firstResponseSeconds: { median: 132.5, p90: 166.5 },
        resolutionSeconds: { median: 900, p90: 1140 },
        messagesPerConversation: 3,
        csat: { average: 4, responses: 2, responseRate: 1 },
      },
      {
        agent: { id: ids.bob, name: 'Bob' },
        conversations: 1,
        closed: 1,
        waitSeconds: { median: 30, p90: 30 },
        firstResponseSeconds: { median: 30, p90: 30 },
        resolutionSeconds: { median: 300, p90: 300 },
        messagesPerConversation: 3,
        csat: { average: null, responses: 0, responseRate: 0 },
      },
    ]);
    const cells = report.busiestHours.flatMap((row, d) => row.flatMap((n, h) => (n > 0 ? [[d, h, n]] : [])));
    // Monday 00h, Tuesday 14h twice, Sunday 23h.
    expect(cells).toEqual([
      [0, 0, 1],
      [1, 14, 2],
      [6, 23, 1],
    ]);
  });

  it('counts days in the zone asked for: the same dates in UTC hold other conversations', async () => {
    const utc = await reports.report({ from: '2026-03-02', to: '2026-03-08', timeZone: 'UTC' });
    // t2, t3, t4 and t5 (Sunday 23:30 UTC); t1 started on 1 March in UTC.
    expect(utc.overall.conversations).toBe(4);
    expect(utc.overall.csat).toEqual({ average: 2, responses: 2, responseRate: 0.6667 });
  });

  it('writes one CSV row per conversation, in start order, times in the zone, formulas kept as text, with its tags', async () => {
    const tagIds = (await db.query(`INSERT INTO tags (name) VALUES ('VIP'), ('billing') RETURNING id`)) as { id: string }[];
    for (const tag of tagIds) await db.query(`INSERT INTO thread_tags (thread_id, tag_id) VALUES ($1, $2)`, [ids.t1, tag.id]);
    let text = '';
    await reports.csv(reports.range({ from: '2026-03-02', to: '2026-03-08', timeZone: 'Europe/Paris' }), (chunk) => {
      text += chunk;
      return Promise.resolve(true);
    });
    const lines = text.split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines[0]).toBe(
      'thread_id,created_at,status,visitor_name,visitor_email,agent_id,agent_name,assigned_at,first_response_at,closed_at,wait_seconds,first_response_seconds,resolution_seconds,messages,rating,rating_comment,tags',
    );
    expect(lines.slice(1).map((l) => l.slice(0, 36))).toEqual([ids.t1, ids.t2, ids.t3, ids.t4]);
    expect(lines[1]).toBe(
      `${ids.t1},2026-03-02 00:30:00,closed,"'=HYPERLINK(""http://evil.test"")",t1@example.com,${ids.ann},Ann,2026-03-02 00:31:00,2026-03-02 00:31:40,2026-03-02 00:40:00,60,90,600,4,5,"Quick, thanks, ""great""",billing; VIP`,
    );
    expect(lines[4]).toBe(`${ids.t4},2026-03-08 23:30:00,queued,Visitor t4,t4@example.com,,,,,,,,,1,,,`);
  });

  it('streams a range larger than one page in order, each conversation once', async () => {
    const [v] = (await db.query(`INSERT INTO visitors (name, email) VALUES ('Bulk', 'bulk@example.com') RETURNING id`)) as { id: string }[];
    // 1,201 conversations on one day, several in the same microsecond: the keyset breaks ties by id.
    await db.query(
      `INSERT INTO threads (visitor_id, status, created_at, closed_at)
       SELECT $1, 'closed', '2025-06-01T08:00:00Z'::timestamptz + (g / 3) * interval '1 second', '2025-06-01T09:00:00Z' FROM generate_series(1, 1201) g`,
      [v.id],
    );
    const chunks: string[] = [];
    await reports.csv(reports.range({ from: '2025-06-01', to: '2025-06-01' }), (chunk) => {
      chunks.push(chunk);
      return Promise.resolve(true);
    });
    // The header, then three pages (500, 500, 201).
    expect(chunks).toHaveLength(4);
    const rows = chunks.join('').split('\r\n').slice(1, -1);
    expect(rows).toHaveLength(1201);
    expect(new Set(rows.map((r) => r.slice(0, 36))).size).toBe(1201);
    const created = rows.map((r) => r.split(',')[1]);
    expect([...created].sort()).toEqual(created);
    // A reader that stops taking rows ends the export.
    let pages = 0;
    await reports.csv(reports.range({ from: '2025-06-01', to: '2025-06-01' }), () => Promise.resolve(++pages < 2));
    expect(pages).toBe(2);
  });

  it('refuses a range that ends before it starts or is over 366 days, and a time zone the database does not know', async () => {
    const code = async (p: Promise<unknown>) => ((await p.then(() => null, (e: unknown) => e)) as AppError | null)?.code;
    expect(await code(reports.report({ from: '2026-03-08', to: '2026-03-02' }))).toBe(ErrorCode.ValidationFailed);
    expect(await code(reports.report({ from: '2025-01-01', to: '2026-01-02' }))).toBe(ErrorCode.ValidationFailed);
    expect(await code(reports.report({ from: '2025-01-01', to: '2026-01-01' }))).toBeUndefined();
    expect(await code(reports.report({ from: '2026-03-02', to: '2026-03-08', timeZone: 'Not/AZone' }))).toBe(ErrorCode.ValidationFailed);
  });
});
