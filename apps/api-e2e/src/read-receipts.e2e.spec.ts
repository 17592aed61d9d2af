import { ClientEvent, ErrorCode, ServerEvent } from '@parley/contracts';
import { activeConversation, getThread, newAgent, newVisitor, postMessage, startThread } from './support/actors';
import { closeAllSockets, connect, emitAck, expectAckError, expectAckOk, expectNoEvent, waitFor } from './support/sockets';

afterEach(closeAllSockets);

describe('read receipts (thread.read)', () => {
  it("the visitor's receipt is stored on the thread, relayed to the agent and to the visitor's other device, and a lower seq is ignored", async () => {
    const { visitor, agent, thread } = await activeConversation();
    await postMessage(agent.token, thread.id, 'first');
    const second = await postMessage(agent.token, thread.id, 'second');
    const [phone, laptop, agentSocket] = await Promise.all([connect(visitor.token), connect(visitor.token), connect(agent.token)]);
    expectAckOk(await emitAck(agentSocket, ClientEvent.ThreadJoin, { threadId: thread.id }));

    const agentHears = waitFor(agentSocket, ServerEvent.ThreadRead, (r) => r.threadId === thread.id && r.side === 'visitor');
    const laptopHears = waitFor(laptop, ServerEvent.ThreadRead, (r) => r.threadId === thread.id);
    const ack = expectAckOk(await emitAck(phone, ClientEvent.ThreadRead, { threadId: thread.id, seq: second.seq }));
    expect(ack).toMatchObject({ visitorReadSeq: second.seq, agentReadSeq: 0 });
    expect(await agentHears).toEqual({ threadId: thread.id, side: 'visitor', seq: second.seq });
    expect(await laptopHears).toEqual({ threadId: thread.id, side: 'visitor', seq: second.seq });

    // Monotonic: an older seq (a device that lagged) changes nothing and tells nobody.
    const quiet = expectNoEvent(agentSocket, ServerEvent.ThreadRead, (r) => r.threadId === thread.id);
    const lower = expectAckOk(await emitAck(laptop, ClientEvent.ThreadRead, { threadId: thread.id, seq: 1 }));
    expect(lower.visitorReadSeq).toBe(second.seq);
    await quiet;

    const stored = await getThread(agent.token, thread.id);
    expect(stored).toMatchObject({ visitorReadSeq: second.seq, agentReadSeq: 0 });
    expect((await getThread(visitor.token, thread.id)).visitorReadSeq).toBe(second.seq);
  });

  it("an agent's receipt reaches the visitor (across its devices) and the agent's other sockets", async () => {
    const { visitor, agent, thread } = await activeConversation();
    const m = await postMessage(visitor.token, thread.id, 'hello?');
    const [visitorSocket, agentDesk, agentTablet] = await Promise.all([connect(visitor.token), connect(agent.token), connect(agent.token)]);
    const visitorHears = waitFor(visitorSocket, ServerEvent.ThreadRead, (r) => r.threadId === thread.id && r.side === 'agent');
    const tabletHears = waitFor(agentTablet, ServerEvent.ThreadRead, (r) => r.threadId === thread.id && r.side === 'agent');
    const ack = expectAckOk(await emitAck(agentDesk, ClientEvent.ThreadRead, { threadId: thread.id, seq: m.seq }));
    expect(ack.agentReadSeq).toBe(m.seq);
    expect(await visitorHears).toEqual({ threadId: thread.id, side: 'agent', seq: m.seq });
    expect(await tabletHears).toEqual({ threadId: thread.id, side: 'agent', seq: m.seq });
    expect((await getThread(visitor.token, thread.id)).agentReadSeq).toBe(m.seq);
  });

  it("refuses a seq past the thread's last message, another visitor's thread, and a bad payload", async () => {
    const { visitor, thread } = await activeConversation();
    const socket = await connect(visitor.token);
    const past = await emitAck(socket, ClientEvent.ThreadRead, { threadId: thread.id, seq: thread.lastSeq + 5 });
    expectAckError(past, ErrorCode.ValidationFailed);
    expect((await getThread(visitor.token, thread.id)).visitorReadSeq).toBe(0);

    const stranger = await newVisitor();
    await startThread(stranger.token);
    const strangerSocket = await connect(stranger.token);
    expectAckError(await emitAck(strangerSocket, ClientEvent.ThreadRead, { threadId: thread.id, seq: 1 }), ErrorCode.ThreadNotFound);

    expectAckError(await emitAck(socket, ClientEvent.ThreadRead, { threadId: thread.id, seq: -1 }), ErrorCode.ValidationFailed);
    expectAckError(await emitAck(socket, ClientEvent.ThreadRead, { threadId: 'nope', seq: 1 } as never), ErrorCode.ValidationFailed);

    // Any agent may read (and mark read) a thread it may see, like thread.join.
    const other = await newAgent();
    const otherSocket = await connect(other.token);
    expectAckOk(await emitAck(otherSocket, ClientEvent.ThreadRead, { threadId: thread.id, seq: thread.lastSeq }));
  });
});
