import { type Ack, ClientEvent, ErrorCode, ThreadSchema, type Thread } from '@parley/contracts';
import type { Response } from 'supertest';
import {
  type AgentActor,
  getThread,
  listMessages,
  adminToken,
  newAgent,
  newVisitor,
  startThread,
  unique,
} from './support/actors';
import { api, expectProblem, expectStatus } from './support/http';
import { closeAllSockets, connect, emitAck, expectAckError, expectAckOk } from './support/sockets';

afterEach(closeAllSockets);

const ROUNDS = 5;

async function queuedThread(): Promise<Thread> {
  const visitor = await newVisitor();
  return startThread(visitor.token);
}

/** The claim left exactly one assignee, one system message, and only the winner may write. */
async function expectSingleWinner(threadId: string, winner: AgentActor, loser: AgentActor): Promise<void> {
  const thread = await getThread(winner.token, threadId);
  expect(thread).toMatchObject({ status: 'active', assignedAgent: { id: winner.agent.id } });
  const transcript = await listMessages(winner.token, threadId);
  expect(transcript.items.filter((m) => m.authorType === 'system')).toHaveLength(1);
  const denied = await api('post', `/threads/${threadId}/messages`, {
    token: loser.token,
    body: { clientMsgId: unique('l'), body: 'mine?' },
  });
  expectProblem(denied, ErrorCode.Forbidden);
}

describe('two agents claiming the same thread at once', () => {
  let a: AgentActor;
  let b: AgentActor;

  beforeAll(async () => {
    [a, b] = await Promise.all([newAgent('agent', 'Racer A'), newAgent('agent', 'Racer B')]);
    // Each racer wins a share of every round and closes nothing: room beyond the default 5 conversations.
    for (const r of [a, b]) expectStatus(await api('patch', `/agents/${r.agent.id}`, { token: adminToken(), body: { maxConcurrent: 50 } }), 200);
  });

  it('over REST: exactly one gets 200, the other 409 THREAD_ALREADY_CLAIMED', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const thread = await queuedThread();
      const [ra, rb] = await Promise.all([
        api('post', `/threads/${thread.id}/claim`, { token: a.token }),
        api('post', `/threads/${thread.id}/claim`, { token: b.token }),
      ]);
      const results: [Response, AgentActor, AgentActor][] = [
        [ra, a, b],
        [rb, b, a],
      ];
      const wins = results.filter(([r]) => r.status === 200);
      expect(wins).toHaveLength(1);
      const [[winRes, winner, loser]] = wins;
      const [[loseRes]] = results.filter(([r]) => r.status !== 200);
      expectStatus(winRes, 200);
      expect(ThreadSchema.parse(winRes.body).assignedAgent?.id).toBe(winner.agent.id);
      expectProblem(loseRes, ErrorCode.ThreadAlreadyClaimed);
      await expectSingleWinner(thread.id, winner, loser);
    }
  });

  it('over the socket: exactly one ok ack, the other THREAD_ALREADY_CLAIMED', async () => {
    const [sa, sb] = await Promise.all([connect(a.token), connect(b.token)]);
    for (let round = 0; round < ROUNDS; round += 1) {
      const thread = await queuedThread();
      const acks: Ack<{ thread: Thread }>[] = await Promise.all([
        emitAck(sa, ClientEvent.ThreadClaim, { threadId: thread.id }),
        emitAck(sb, ClientEvent.ThreadClaim, { threadId: thread.id }),
      ]);
      const winners = acks.filter((ack) => ack.ok);
      expect(winners).toHaveLength(1);
      const winIndex = acks[0].ok ? 0 : 1;
      const [winner, loser] = winIndex === 0 ? [a, b] : [b, a];
      expect(expectAckOk(acks[winIndex]).thread.assignedAgent?.id).toBe(winner.agent.id);
      expectAckError(acks[1 - winIndex], ErrorCode.ThreadAlreadyClaimed);
      await expectSingleWinner(thread.id, winner, loser);
    }
  });

  it('REST against socket: exactly one wins', async () => {
    const sb = await connect(b.token);
    for (let round = 0; round < ROUNDS; round += 1) {
      const thread = await queuedThread();
      const [rest, ack] = await Promise.all([
        api('post', `/threads/${thread.id}/claim`, { token: a.token }),
        emitAck(sb, ClientEvent.ThreadClaim, { threadId: thread.id }),
      ]);
      expect([rest.status === 200, ack.ok].filter(Boolean)).toHaveLength(1);
      if (rest.status === 200) {
        expectAckError(ack, ErrorCode.ThreadAlreadyClaimed);
        await expectSingleWinner(thread.id, a, b);
      } else {
        expectProblem(rest, ErrorCode.ThreadAlreadyClaimed);
        await expectSingleWinner(thread.id, b, a);
      }
    }
  });

  it('a claim of a thread someone already holds is refused and changes nothing', async () => {
    const thread = await queuedThread();
    expectStatus(await api('post', `/threads/${thread.id}/claim`, { token: a.token }), 200);
    const late = await api('post', `/threads/${thread.id}/claim`, { token: b.token });
    expectProblem(late, ErrorCode.ThreadAlreadyClaimed);
    await expectSingleWinner(thread.id, a, b);
  });

  it('claiming an unknown thread answers 404 THREAD_NOT_FOUND', async () => {
    const res = await api('post', '/threads/00000000-0000-4000-8000-000000000000/claim', { token: a.token });
    expectProblem(res, ErrorCode.ThreadNotFound);
  });
});
