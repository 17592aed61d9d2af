import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { createApp } from '../bootstrap';
import { createTestApp, describeBackends, testConfig, type TestApp } from '../testing/test-app';
import { RoutingService, waitEstimate } from './routing.service';
import { ThreadsService } from './threads.service';

type Sql = Pick<DataSource, 'query'>;

/** Fixtures written straight to the database, at fixed times: the routing decides on rows alone. */
async function agent(db: Sql, name: string, opts: { status?: string; max?: number; lastAssigned?: string | null; active?: boolean } = {}): Promise<string> {
  const [row] = (await db.query(
    `INSERT INTO agents (email, name, password_hash, status, max_concurrent, last_assigned_at, deactivated_at)
     VALUES ($1, $2, 'x', $3, $4, $5, $6) RETURNING id`,
    [`${name.toLowerCase()}-${Math.random().toString(36).slice(2)}@x.test`, name, opts.status ?? 'online', opts.max ?? 5, opts.lastAssigned ?? null, opts.active === false ? new Date() : null],
  )) as { id: string }[];
  return row.id;
}

async function team(db: Sql, mode: 'auto' | 'manual', members: string[]): Promise<string> {
  const [row] = (await db.query(`INSERT INTO teams (name, routing_mode) VALUES ($1, $2) RETURNING id`, [`T-${Math.random().toString(36).slice(2)}`, mode])) as { id: string }[];
  for (const m of members) await db.query(`INSERT INTO team_members (team_id, agent_id) VALUES ($1, $2)`, [row.id, m]);
  return row.id;
}

async function thread(db: Sql, teamId: string | null, createdAt: string, assignee: string | null = null): Promise<string> {
  const [v] = (await db.query(`INSERT INTO visitors (name, email) VALUES ('V', $1) RETURNING id`, [`${Math.random().toString(36).slice(2)}@v.test`])) as { id: string }[];
  const [row] = (await db.query(
    `INSERT INTO threads (visitor_id, team_id, created_at, status, assigned_agent_id, assignee_since) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [v.id, teamId, createdAt, assignee ? 'active' : 'queued', assignee, assignee ? createdAt : null],
  )) as { id: string }[];
  return row.id;
}

async function assignee(db: Sql, id: string): Promise<string | null> {
  const [row] = (await db.query(`SELECT assigned_agent_id FROM threads WHERE id = $1`, [id])) as { assigned_agent_id: string | null }[];
  return row.assigned_agent_id;
}

describe('waitEstimate', () => {
  it('is unknown below three first assignments in the hour, else the place at the pace of the last hour', () => {
    expect(waitEstimate(1, 0)).toBeNull();
    expect(waitEstimate(4, 2)).toBeNull();
    expect(waitEstimate(1, 60)).toBe(60);
    expect(waitEstimate(3, 12)).toBe(900);
  });
});

describeBackends('routing', (backend) => {
  let t: TestApp;
  let db: DataSource;
  let threads: ThreadsService;
  let routing: RoutingService;

  beforeAll(async () => {
    // No sweep during the tests: each routing step below is asked for.
    t = await createTestApp(backend, { ROUTING_SWEEP_INTERVAL: '24d' });
    db = t.app.get(DataSource);
    threads = t.app.get(ThreadsService);
    routing = t.app.get(RoutingService);
    // This node's own routing stays out of the way: each step below is asked for, in order.
    await routing.onApplicationShutdown();
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(async () => {
    // Each test its own world: no thread of another test waits in a queue.
    await db.query(`UPDATE threads SET status = 'closed' WHERE status <> 'closed'`);
    await db.query(`UPDATE agents SET status = 'offline'`);
  });

  it('gives the oldest waiting thread to the eligible member with the fewest active threads, ties to the one idle longest', async () => {
    const busy = await agent(db, 'Busy', { lastAssigned: '2026-01-01T08:00:00Z' });
    const recent = await agent(db, 'Recent', { lastAssigned: '2026-01-01T09:30:00Z' });
    const idle = await agent(db, 'Idle', { lastAssigned: '2026-01-01T09:00:00Z' });
    const away = await agent(db, 'Away', { status: 'away', lastAssigned: null });
    const gone = await agent(db, 'Gone', { active: false, lastAssigned: null });
    const outsider = await agent(db, 'Outsider', { lastAssigned: null });
    const sales = await team(db, 'auto', [busy, recent, idle, away, gone]);
    await thread(db, sales, '2026-01-01T07:00:00Z', busy);
    const newer = await thread(db, sales, '2026-01-01T10:05:00Z');
    const older = await thread(db, sales, '2026-01-01T10:00:00Z');

    expect(await threads.routeOne()).toBe(true);
    expect(await assignee(db, older)).toBe(idle);
    expect(await threads.routeOne()).toBe(true);
    expect(await assignee(db, newer)).toBe(recent);
    expect(await threads.routeOne()).toBe(false);
    const notes = (await db.query(`SELECT body FROM messages WHERE thread_id = $1 AND author_type = 'system'`, [older])) as { body: string }[];
    expect(notes).toEqual([{ body: 'Idle joined the conversation' }]);
    expect([outsider, away, gone]).not.toContain(await assignee(db, newer));
  });

  it('never goes over an agent\'s capacity, skips a full team for the next one, and leaves manual queues alone', async () => {
    const solo = await agent(db, 'Solo', { max: 1 });
    const other = await agent(db, 'Other', { max: 2 });
    const full = await team(db, 'auto', [solo]);
    const open = await team(db, 'auto', [other]);
    const manual = await team(db, 'manual', [other]);
    const a = await thread(db, full, '2026-01-01T10:00:00Z');
    const b = await thread(db, full, '2026-01-01T10:01:00Z');
    const c = await thread(db, open, '2026-01-01T10:02:00Z');
    const d = await thread(db, manual, '2026-01-01T09:00:00Z');
    while (await threads.routeOne());
    expect(await assignee(db, a)).toBe(solo);
    expect(await assignee(db, b)).toBeNull();
    expect(await assignee(db, c)).toBe(other);
    expect(await assignee(db, d)).toBeNull();
    // A freed slot takes the next one.
    await db.query(`UPDATE threads SET status = 'closed' WHERE id = $1`, [a]);
    expect(await threads.routeOne()).toBe(true);
    expect(await assignee(db, b)).toBe(solo);
  });

  it('sends a thread whose assignee did not answer within the timeout back to routing, by the injected clock', async () => {
    const slow = await agent(db, 'Slow');
    const quick = await agent(db, 'Quick');
    const queue = await team(db, 'manual', [slow, quick]);
    const unanswered = await thread(db, queue, '2026-01-01T10:00:00Z', slow);
    const answered = await thread(db, queue, '2026-01-01T10:00:00Z', quick);
    await db.query(`UPDATE threads SET last_seq = 1 WHERE id = $1`, [answered]);
    await db.query(`INSERT INTO messages (thread_id, seq, author_type, author_id, body, created_at) VALUES ($1, 1, 'agent', $2, 'hi', '2026-01-01T10:01:00Z')`, [answered, quick]);

    expect(await threads.expireUnanswered(5, new Date('2026-01-01T10:04:59Z'))).toBe(0);
    expect(await threads.expireUnanswered(5, new Date('2026-01-01T10:05:01Z'))).toBe(1);
    const [row] = (await db.query(`SELECT status, assigned_agent_id, team_id FROM threads WHERE id = $1`, [unanswered])) as { status: string; assigned_agent_id: string | null; team_id: string }[];
    expect(row).toEqual({ status: 'queued', assigned_agent_id: null, team_id: queue });
    const notes = (await db.query(`SELECT body FROM messages WHERE thread_id = $1 AND author_type = 'system'`, [unanswered])) as { body: string }[];
    expect(notes.map((n) => n.body)).toEqual(['Slow did not answer in time; waiting for another agent']);
    expect(await assignee(db, answered)).toBe(quick);

    await db.query(`UPDATE routing_settings SET unanswered_minutes = 5`);
    routing.now = () => new Date('2026-01-01T12:00:00Z');
    try {
      await db.query(`UPDATE threads SET status = 'active', assigned_agent_id = $2, assignee_since = '2026-01-01T11:00:00Z' WHERE id = $1`, [unanswered, quick]);
      expect(await routing.expire()).toBe(1);
    } finally {
      await db.query(`UPDATE routing_settings SET unanswered_minutes = NULL`);
      routing.now = () => new Date();
    }
  });

  if (backend === 'postgres') {
    it('keeps every invariant under any sequence of claims, transfers, closes, presence changes and routing on three nodes', async () => {
      // Two more nodes on the same database, each with its own routing.
      const more = await Promise.all([1, 2].map(async () => {
        const app = await createApp(testConfig(t.db, { ROUTING_SWEEP_INTERVAL: '24d' }));
        await app.init();
        return app;
      }));
      const nodes = [threads, ...more.map((a) => a.get(ThreadsService))];
      try {
        const op = fc.oneof(
          fc.record({ kind: fc.constant('start' as const), team: fc.nat(1) }),
          fc.record({ kind: fc.constant('claim' as const), agent: fc.nat(3), pick: fc.nat(20) }),
          fc.record({ kind: fc.constant('close' as const), pick: fc.nat(20) }),
          fc.record({ kind: fc.constant('transfer' as const), agent: fc.nat(3), pick: fc.nat(20) }),
          fc.record({ kind: fc.constant('presence' as const), agent: fc.nat(3), status: fc.constantFrom('online', 'away', 'offline') }),
          fc.record({ kind: fc.constant('route' as const), node: fc.nat(2) }),
        );
        await fc.assert(
          fc.asyncProperty(fc.array(fc.array(op, { minLength: 1, maxLength: 4 }), { minLength: 3, maxLength: 12 }), async (rounds) => {
            await db.query(`UPDATE threads SET status = 'closed' WHERE status <> 'closed'`);
            await db.query(`UPDATE agents SET status = 'offline'`);
            const agents = await Promise.all([1, 2, 1, 3].map((max, i) => agent(db, `P${i}`, { max })));
            const teams = [await team(db, 'auto', agents.slice(0, 2)), await team(db, 'auto', agents.slice(1))];
            const started: string[] = [];
            let minute = 0;
            const principal = (i: number) => ({ kind: 'agent' as const, id: agents[i], name: `P${i}`, role: 'agent' as const });
            for (const round of rounds) {
              // Each round's operations run at once, on different nodes.
              await Promise.all(
                round.map(async (o, k) => {
                  const node = nodes[k % nodes.length];
                  const pick = (n: number) => started[n % Math.max(1, started.length)];
                  try {
                    if (o.kind === 'start') started.push(await thread(db, teams[o.team], new Date(Date.UTC(2026, 0, 1, 10, minute++)).toISOString()));
                    else if (o.kind === 'claim' && started.length) await node.claim(principal(o.agent), pick(o.pick));
                    else if (o.kind === 'close' && started.length) await node.close({ ...principal(0), role: 'admin' }, pick(o.pick));
                    else if (o.kind === 'transfer' && started.length) {
                      const id = pick(o.pick);
                      const current = await assignee(db, id);
                      if (current) await node.transfer({ ...principal(agents.indexOf(current)) }, id, { agentId: agents[o.agent] });
                    } else if (o.kind === 'presence') await db.query(`UPDATE agents SET status = $2 WHERE id = $1`, [agents[o.agent], o.status]);
                    else if (o.kind === 'route') await nodes[o.node].routeOne();
                  } catch (err) {
                    // Refusals are expected (capacity, closed, claimed, not a member, away); anything else is a failure.
                    const code = (err as { code?: string }).code;
                    if (!['AGENT_AT_CAPACITY', 'THREAD_CLOSED', 'THREAD_ALREADY_CLAIMED', 'AGENT_UNAVAILABLE', 'NOT_TEAM_MEMBER', 'FORBIDDEN'].includes(code ?? '')) throw err;
                  }
                }),
              );
              const over = (await db.query(
                `SELECT a.id FROM agents a WHERE a.id = ANY($1::uuid[])
                   AND (SELECT count(*) FROM threads t WHERE t.assigned_agent_id = a.id AND t.status = 'active') > a.max_concurrent`,
                [agents],
              )) as unknown[];
              expect(over).toEqual([]);
            }
            // Routing run to the end on all nodes at once: nothing waits that an eligible agent could take.
            await Promise.all(nodes.map(async (n) => { while (await n.routeOne()); }));
            const stranded = (await db.query(
              `SELECT t.id FROM threads t WHERE t.id = ANY($1::uuid[]) AND t.status = 'queued' AND EXISTS (
                 SELECT 1 FROM agents a JOIN team_members m ON m.agent_id = a.id AND m.team_id = t.team_id
                  WHERE a.status = 'online' AND (SELECT count(*) FROM threads x WHERE x.assigned_agent_id = a.id AND x.status = 'active') < a.max_concurrent)`,
              [started],
            )) as unknown[];
            expect(stranded).toEqual([]);
            // Each routed assignment wrote exactly one system message; none left a thread with two assignees (one column) or a gap in seq.
            const gaps = (await db.query(
              `SELECT t.id FROM threads t WHERE t.id = ANY($1::uuid[]) AND t.last_seq <> (SELECT count(*) FROM messages m WHERE m.thread_id = t.id)`,
              [started],
            )) as unknown[];
            expect(gaps).toEqual([]);
          }),
          { numRuns: 15 },
        );
      } finally {
        await Promise.all(more.map((a) => a.close()));
      }
    });

    it('assigns 60 threads created at once on three nodes exactly once, within capacity, oldest first', async () => {
      const more = await Promise.all([1, 2].map(async () => {
        const app = await createApp(testConfig(t.db, { ROUTING_SWEEP_INTERVAL: '24d' }));
        await app.init();
        return app;
      }));
      const nodes = [threads, ...more.map((a) => a.get(ThreadsService))];
      try {
        const agents = await Promise.all(Array.from({ length: 5 }, (_, i) => agent(db, `C${i}`, { max: 5 })));
        const queue = await team(db, 'auto', agents);
        const ids = await Promise.all(Array.from({ length: 60 }, (_, i) => thread(db, queue, new Date(Date.UTC(2026, 0, 2, 0, 0, i)).toISOString())));
        await Promise.all(nodes.map(async (n) => { while (await n.routeOne()); }));
        const rows = (await db.query(
          `SELECT t.id, t.assigned_agent_id, (SELECT count(*)::int FROM messages m WHERE m.thread_id = t.id AND m.author_type = 'system') AS notes
             FROM threads t WHERE t.id = ANY($1::uuid[]) ORDER BY t.created_at`,
          [ids],
        )) as { id: string; assigned_agent_id: string | null; notes: number }[];
        expect(rows.slice(0, 25).every((r) => r.assigned_agent_id !== null && r.notes === 1)).toBe(true);
        expect(rows.slice(25).every((r) => r.assigned_agent_id === null && r.notes === 0)).toBe(true);
        const perAgent = new Map<string, number>();
        for (const r of rows) if (r.assigned_agent_id) perAgent.set(r.assigned_agent_id, (perAgent.get(r.assigned_agent_id) ?? 0) + 1);
        expect([...perAgent.values()]).toEqual([5, 5, 5, 5, 5]);
      } finally {
        await Promise.all(more.map((a) => a.close()));
      }
    });
  }
});
