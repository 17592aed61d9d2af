import type { Agent, Message, Thread } from '@parley/contracts';

let n = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

export const ME: Agent = {
  id: '11111111-1111-4111-8111-111111111111',
  email: 'ada@example.com',
  name: 'Ada',
  role: 'admin',
  status: 'online',
  maxConcurrent: 5,
  active: true,
  createdAt: '2026-01-01T09:00:00.000Z',
};

export const OTHER: Agent = { ...ME, id: '22222222-2222-4222-8222-222222222222', email: 'bo@example.com', name: 'Bo', role: 'agent' };

export function thread(over: Partial<Thread> = {}): Thread {
  return {
    id: uuid(),
    status: 'queued',
    lastSeq: 0,
    visitorReadSeq: 0,
    agentReadSeq: 0,
    visitor: { id: uuid(), name: 'Vera', email: 'vera@example.com' },
    assignedAgent: null,
    team: null,
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:00:00.000Z',
    closedAt: null,
    closedBy: null,
    preview: null,
    lastMessage: null,
    tags: [],
    rating: null,
    createdWhileClosed: false,
    ...over,
  };
}

export function message(t: Pick<Thread, 'id'>, seq: number, over: Partial<Message> = {}): Message {
  return {
    id: uuid(),
    threadId: t.id,
    seq,
    authorType: 'visitor',
    authorId: null,
    authorName: 'Vera',
    body: `message ${seq}`,
    clientMsgId: null,
    attachments: [],
    createdAt: new Date(Date.parse('2026-01-01T10:00:00.000Z') + seq * 1000).toISOString(),
    ...over,
  };
}

/** A JWT-shaped token (unsigned) whose `exp` is `secondsFromNow` away. */
export function fakeJwt(secondsFromNow: number): string {
  const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: ME.id, typ: 'agent', exp: Math.floor(Date.now() / 1000) + secondsFromNow })}.sig`;
}

/** Waits for pending promises and timers of zero delay (fetch chains, effects). */
export async function settle(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise((r) => setTimeout(r, 0));
}
