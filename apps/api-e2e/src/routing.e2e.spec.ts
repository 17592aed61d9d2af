import { ErrorCode, type Message, MessagePageSchema, type RouteBody, ServerEvent, type Team, TeamSchema, type Thread, ThreadSchema, AgentSchema, RoutingSettingsSchema } from '@parley/contracts';
import { until } from '@parley/test-support';
import { type AgentActor, adminToken, claimThread, getThread, newAgent, newVisitor, unique } from './support/actors';
import { call, expectProblem, expectStatus } from './support/http';
import { SOME_ID } from './support/routes';
import { closeAllSockets, connect, emitAck, expectAckOk, waitFor } from './support/sockets';

const LIVENESS_MS = 30_000;

async function createTeam(routingMode: 'manual' | 'auto' = 'auto', name = unique('Team')): Promise<Team> {
  const res = await call('post /teams', { token: adminToken(), body: { name, routingMode } });
  expectStatus(res, 201);
  return TeamSchema.parse(res.body);
}

async function addMember(team: Team, agent: AgentActor): Promise<Team> {
  const res = await call('put /teams/{id}/members/{agentId}', { token: adminToken(), params: { id: team.id, agentId: agent.agent.id } });
  expectStatus(res, 200);
  return TeamSchema.parse(res.body);
}

async function setCapacity(agent: AgentActor, maxConcurrent: number): Promise<void> {
  expectStatus(await call('patch /agents/{id}', { token: adminToken(), params: { id: agent.agent.id }, body: { maxConcurrent } }), 200);
}

async function online(agent: AgentActor, status: 'online' | 'away' = 'online'): Promise<void> {
  expectStatus(await call('patch /agents/me', { token: agent.token, body: { status } }), 200);
}

/** A team member with this capacity, online. */
async function member(team: Team, maxConcurrent = 5, name = 'Alex Agent'): Promise<AgentActor> {
  const agent = await newAgent('agent', name);
  await setCapacity(agent, maxConcurrent);
  await addMember(team, agent);
  // Presence follows connections: an agent with no socket anywhere is swept offline.
  await connect(agent.token);
  await online(agent);
  return agent;
}

async function startIn(team: string | undefined): Promise<{ token: string; thread: Thread }> {
  const visitor = await newVisitor();
  const res = await call('post /threads', { token: visitor.token, body: team === undefined ? {} : { team } });
  expectStatus(res, 201);
  return { token: visitor.token, thread: ThreadSchema.parse(res.body) };
}

async function messages(token: string, threadId: string): Promise<Message[]> {
  const res = await call('get /threads/{id}/messages', { token, params: { id: threadId } });
  expectStatus(res, 200);
  return MessagePageSchema.parse(res.body).items;
}

async function assignedTo(threadId: string): Promise<string | null> {
  return (await getThread(adminToken(), threadId)).assignedAgent?.id ?? null;
}

async function waitAssigned(threadId: string): Promise<string> {
  return until(`thread ${threadId} assigned`, async () => (await assignedTo(threadId)) ?? undefined, LIVENESS_MS);
}

afterAll(async () => {
  await closeAllSockets();
});

describe('routing: teams (admins)', () => {
  it('creates, renames, switches the mode of, fills and deletes a team; names are unique in any case (409)', async () => {
    const name = unique('Sales');
    const team = await createTeam('manual', name);
    expect(team).toEqual({ id: expect.any(String), name, routingMode: 'manual', memberIds: [] });
    expectProblem(await call('post /teams', { token: adminToken(), body: { name: name.toUpperCase() } }), ErrorCode.TeamNameTaken);

    const renamed = await call('patch /teams/{id}', { token: adminToken(), params: { id: team.id }, body: { name: `${name} EU`, routingMode: 'auto' } });
    expectStatus(renamed, 200);
    expect(renamed.body).toEqual({ ...team, name: `${name} EU`, routingMode: 'auto' });
    const other = await createTeam();
    expectProblem(await call('patch /teams/{id}', { token: adminToken(), params: { id: other.id }, body: { name: `${name} eu` } }), ErrorCode.TeamNameTaken);

    const agent = await newAgent();
    expect((await addMember(team, agent)).memberIds).toEqual([agent.agent.id]);
    expect((await addMember(team, agent)).memberIds).toEqual([agent.agent.id]);
    const agents = await call('get /agents', { token: agent.token });
    const listed = AgentSchema.array().parse(agents.body).find((a) => a.id === agent.agent.id);
    expect(listed).toMatchObject({ activeThreads: 0, teamIds: [team.id], maxConcurrent: 5 });
    const removed = await call('delete /teams/{id}/members/{agentId}', { token: adminToken(), params: { id: team.id, agentId: agent.agent.id } });
    expect(TeamSchema.parse(removed.body).memberIds).toEqual([]);
    expectProblem(await call('put /teams/{id}/members/{agentId}', { token: adminToken(), params: { id: team.id, agentId: SOME_ID } }), ErrorCode.AgentNotFound);
    expectProblem(await call('put /teams/{id}/members/{agentId}', { token: adminToken(), params: { id: SOME_ID, agentId: agent.agent.id } }), ErrorCode.TeamNotFound);

    const list = await call('get /teams', { token: agent.token });
    expect((list.body as Team[]).map((t) => t.id)).toEqual(expect.arrayContaining([team.id, other.id]));
    expectStatus(await call('delete /teams/{id}', { token: adminToken(), params: { id: team.id } }), 204);
    expectProblem(await call('delete /teams/{id}', { token: adminToken(), params: { id: team.id } }), ErrorCode.TeamNotFound);
  });

  it.each([
    ['no name', {}],
    ['an empty name', { name: '  ' }],
    ['an unknown routing mode', { name: 'ok', routingMode: 'round-robin' }],
    ['an unknown field', { name: 'ok', color: '#000000' }],
  ])('refuses a team with %s (400)', async (_what, body) => {
    expectProblem(await call('post /teams', { token: adminToken(), body: body as RouteBody<'post /teams'> }), ErrorCode.ValidationFailed);
  });

  it('lets only admins change teams, and only agents read them', async () => {
    const agent = await newAgent();
    expectProblem(await call('post /teams', { token: agent.token, body: { name: unique('x') } }), ErrorCode.Forbidden);
    const visitor = await newVisitor();
    expectStatus(await call('get /teams', { token: visitor.token }), 403);
  });

  it('refuses maxConcurrent outside 1..50 (400) and keeps a good one', async () => {
    const agent = await newAgent();
    for (const maxConcurrent of [0, 51, 2.5, -1]) {
      expectProblem(await call('patch /agents/{id}', { token: adminToken(), params: { id: agent.agent.id }, body: { maxConcurrent } }), ErrorCode.ValidationFailed);
    }
    const res = await call('patch /agents/{id}', { token: adminToken(), params: { id: agent.agent.id }, body: { maxConcurrent: 50 } });
    expect(AgentSchema.parse(res.body).maxConcurrent).toBe(50);
  });
});

describe('routing: capacity', () => {
  it('refuses a claim beyond maxConcurrent (409 AGENT_AT_CAPACITY); an admin may force an assignment, an agent may not', async () => {
    const agent = await newAgent();
    await setCapacity(agent, 1);
    const first = await startIn(undefined);
    await claimThread(agent.token, first.thread.id);
    const second = await startIn(undefined);
    const refused = expectProblem(await call('post /threads/{id}/claim', { token: agent.token, params: { id: second.thread.id } }), ErrorCode.AgentAtCapacity);
    expect(refused.status).toBe(409);
    expect((await getThread(adminToken(), second.thread.id)).status).toBe('queued');

    expectProblem(await call('post /threads/{id}/assign', { token: adminToken(), params: { id: second.thread.id }, body: { agentId: agent.agent.id } }), ErrorCode.AgentAtCapacity);
    const forced = await call('post /threads/{id}/assign', { token: adminToken(), params: { id: second.thread.id }, body: { agentId: agent.agent.id, force: true } });
    expectStatus(forced, 200);
    expect(ThreadSchema.parse(forced.body).assignedAgent?.id).toBe(agent.agent.id);

    // An agent's force means nothing: the assignee transferring its own thread to a full colleague is refused.
    const colleague = await newAgent();
    await setCapacity(colleague, 1);
    await online(colleague);
    const third = await startIn(undefined);
    await claimThread(colleague.token, third.thread.id);
    expectProblem(
      await call('post /threads/{id}/assign', { token: agent.token, params: { id: first.thread.id }, body: { agentId: colleague.agent.id, force: true } }),
      ErrorCode.AgentAtCapacity,
    );
  });

  it('lets exactly one of many simultaneous claims take an agent\'s last slot', async () => {
    const agent = await newAgent();
    await setCapacity(agent, 2);
    const threads = await Promise.all(Array.from({ length: 6 }, () => startIn(undefined)));
    const results = await Promise.all(threads.map((t) => call('post /threads/{id}/claim', { token: agent.token, params: { id: t.thread.id } })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(2);
    expect(results.filter((r) => r.status === 409 && (r.body as { code: string }).code === ErrorCode.AgentAtCapacity)).toHaveLength(4);
  });
});

describe('routing: automatic', () => {
  it('assigns a new thread of an auto team to the least loaded online member, with a system message, and a visitor of that team by name', async () => {
    const team = await createTeam('auto');
    const busy = await member(team, 5, 'Busy Bea');
    const free = await member(team, 5, 'Free Fay');
    const away = await member(team, 5, 'Away Al');
    await online(away, 'away');
    const first = await startIn(team.name.toUpperCase());
    expect(first.thread.team).toEqual({ id: team.id, name: team.name });
    const firstAgent = await waitAssigned(first.thread.id);
    expect([busy.agent.id, free.agent.id]).toContain(firstAgent);
    // The other member has fewer threads now: the next one goes there.
    const second = await startIn(team.id);
    const secondAgent = await waitAssigned(second.thread.id);
    expect(secondAgent).not.toBe(firstAgent);
    expect([busy.agent.id, free.agent.id]).toContain(secondAgent);
    const notes = (await messages(adminToken(), second.thread.id)).filter((m) => m.authorType === 'system');
    expect(notes.map((m) => m.body)).toEqual([expect.stringMatching(/(Busy Bea|Free Fay) joined the conversation/)]);
  });

  it('keeps a thread queued while every member is full, tells the visitor its place, and assigns it when a slot frees', async () => {
    const team = await createTeam('auto');
    const agent = await member(team, 1);
    const first = await startIn(team.name);
    await waitAssigned(first.thread.id);
    const visitor = await newVisitor();
    const socket = await connect(visitor.token);
    const position = waitFor(socket, ServerEvent.QueuePosition);
    const started = expectAckOk(await emitAck(socket, 'thread.start', { team: team.name }));
    expect(started.thread.status).toBe('queued');
    expect(await position).toEqual({ threadId: started.thread.id, position: 1, estimateSeconds: null });
    expect((await getThread(adminToken(), started.thread.id)).status).toBe('queued');

    const assigned = waitFor(socket, ServerEvent.ThreadUpdated, (t) => t.id === started.thread.id && t.status === 'active', LIVENESS_MS);
    expectStatus(await call('post /threads/{id}/close', { token: agent.token, params: { id: first.thread.id } }), 200);
    expect((await assigned).assignedAgent?.id).toBe(agent.agent.id);
  });

  it('assigns when a member comes online or a team switches to auto, never to a non-member', async () => {
    const team = await createTeam('manual');
    const outsider = await newAgent();
    await online(outsider);
    const waiting = await startIn(team.name);
    const agent = await newAgent();
    await addMember(team, agent);
    expectStatus(await call('patch /teams/{id}', { token: adminToken(), params: { id: team.id }, body: { routingMode: 'auto' } }), 200);
    expect((await getThread(adminToken(), waiting.thread.id)).status).toBe('queued');
    await online(agent);
    expect(await waitAssigned(waiting.thread.id)).toBe(agent.agent.id);
  });

  it('starts a thread with an unknown team in the widget team, and one without in the default queue', async () => {
    const team = await createTeam('manual');
    try {
      const set = await call('put /routing-settings', { token: adminToken(), body: { widgetTeamId: team.id } });
      expect(RoutingSettingsSchema.parse(set.body)).toMatchObject({ widgetTeamId: team.id });
      expect((await startIn('no such team')).thread.team?.id).toBe(team.id);
      expect((await startIn(undefined)).thread.team?.id).toBe(team.id);
    } finally {
      expectStatus(await call('put /routing-settings', { token: adminToken(), body: { widgetTeamId: null } }), 200);
    }
    expect((await startIn('no such team')).thread.team).toBeNull();
    expectProblem(await call('put /routing-settings', { token: adminToken(), body: { widgetTeamId: SOME_ID } }), ErrorCode.TeamNotFound);
    expectProblem(await call('put /routing-settings', { token: adminToken(), body: { unansweredMinutes: 0 } }), ErrorCode.ValidationFailed);
  });

  it('filters the thread list by team', async () => {
    const team = await createTeam('manual');
    const inTeam = await startIn(team.id);
    await startIn(undefined);
    const res = await call('get /threads', { token: adminToken(), query: { team: team.id } });
    expect((res.body as { items: Thread[] }).items.map((t) => t.id)).toEqual([inTeam.thread.id]);
  });
});

describe('routing: transfer', () => {
  it('transfers to an online colleague of the team with a note the visitor never sees', async () => {
    const team = await createTeam('manual');
    const from = await member(team, 5, 'Fran From');
    const to = await member(team, 5, 'Toni To');
    const { token: visitorToken, thread } = await startIn(team.id);
    await claimThread(from.token, thread.id);
    const note = unique('private note about the refund');
    const res = await call('post /threads/{id}/transfer', { token: from.token, params: { id: thread.id }, body: { agentId: to.agent.id, note } });
    expectStatus(res, 200);
    expect(ThreadSchema.parse(res.body).assignedAgent).toEqual({ id: to.agent.id, name: 'Toni To' });
    const seen = await messages(visitorToken, thread.id);
    expect(seen.at(-1)?.body).toBe('Fran From transferred the conversation to Toni To');
    expect(JSON.stringify(seen)).not.toContain(note);
    // The note is a private note of the thread: the new assignee reads it, the visitor gets 404.
    const notes = await call('get /threads/{id}/notes', { token: to.token, params: { id: thread.id } });
    expectStatus(notes, 200);
    expect((notes.body as { items: { body: string }[] }).items.map((n) => n.body)).toEqual([note]);
    expectProblem(await call('get /threads/{id}/notes', { token: visitorToken, params: { id: thread.id } }), ErrorCode.ThreadNotFound);
    // Only the assignee (or an admin) transfers: the one it left cannot take it back.
    expectProblem(await call('post /threads/{id}/transfer', { token: from.token, params: { id: thread.id }, body: { agentId: from.agent.id } }), ErrorCode.Forbidden);
  });

  it('refuses a deactivated agent (404), an away one (409, an admin may force), a non-member (409) and a full one (409)', async () => {
    const team = await createTeam('manual');
    const from = await member(team);
    const { thread } = await startIn(team.id);
    await claimThread(from.token, thread.id);
    const transfer = (agentId: string, token = from.token, force?: boolean) =>
      call('post /threads/{id}/transfer', { token, params: { id: thread.id }, body: { agentId, ...(force === undefined ? {} : { force }) } });

    const gone = await member(team);
    expectStatus(await call('patch /agents/{id}', { token: adminToken(), params: { id: gone.agent.id }, body: { active: false } }), 200);
    expectProblem(await transfer(gone.agent.id), ErrorCode.AgentNotFound);
    expectProblem(await transfer(SOME_ID), ErrorCode.AgentNotFound);

    const away = await member(team);
    await online(away, 'away');
    expectProblem(await transfer(away.agent.id), ErrorCode.AgentUnavailable);
    expectProblem(await transfer(away.agent.id, from.token, true), ErrorCode.AgentUnavailable);

    const outsider = await newAgent();
    await online(outsider);
    expect(expectProblem(await transfer(outsider.agent.id), ErrorCode.NotTeamMember).status).toBe(409);

    const full = await member(team, 1);
    const other = await startIn(team.id);
    await claimThread(full.token, other.thread.id);
    expectProblem(await transfer(full.agent.id), ErrorCode.AgentAtCapacity);

    const forced = await transfer(away.agent.id, adminToken(), true);
    expectStatus(forced, 200);
    expect(ThreadSchema.parse(forced.body).assignedAgent?.id).toBe(away.agent.id);
  });

  it("transfers to a team's queue, where routing takes it", async () => {
    const support = await createTeam('manual');
    const sales = await createTeam('auto', unique('Sales'));
    const from = await member(support);
    const seller = await member(sales);
    const { token: visitorToken, thread } = await startIn(support.id);
    await claimThread(from.token, thread.id);
    const res = await call('post /threads/{id}/transfer', { token: from.token, params: { id: thread.id }, body: { teamId: sales.id } });
    expectStatus(res, 200);
    expect(ThreadSchema.parse(res.body).team?.id).toBe(sales.id);
    expect(await waitAssigned(thread.id)).toBe(seller.agent.id);
    const bodies = (await messages(visitorToken, thread.id)).map((m) => m.body);
    expect(bodies).toContain(`${from.agent.name} transferred the conversation to the ${sales.name} queue`);

    expectProblem(await call('post /threads/{id}/transfer', { token: adminToken(), params: { id: thread.id }, body: { teamId: SOME_ID } }), ErrorCode.TeamNotFound);
    expectProblem(
      await call('post /threads/{id}/transfer', { token: adminToken(), params: { id: thread.id }, body: { agentId: seller.agent.id, teamId: sales.id } }),
      ErrorCode.ValidationFailed,
    );
  });
});
