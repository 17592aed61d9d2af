import { randomBytes } from 'node:crypto';
import { expectNoAxeViolations, until } from '@parley/test-support';
import { ensureAgent, login, ok } from './support/api';
import { signedInBrowser } from './support/browser';
import { ADMIN, e2e } from './support/state';
import { Visitor } from './support/visitor';
import { io, type Socket } from 'socket.io-client';

const LIVENESS_MS = 30_000;
const mark = randomBytes(4).toString('hex');
const RAE = { name: `Rae Router ${mark}`, email: `rae.${mark}@console.test`, password: 'rae-password-12345', role: 'agent' as const };
const SID = { name: `Sid Second ${mark}`, email: `sid.${mark}@console.test`, password: 'sid-password-12345', role: 'agent' as const };
const teamName = `Sales ${mark}`;
const visitors: Visitor[] = [];
let adminToken: string;
let raeId: string;
let sidId: string;
let sidToken: string;
/** Sid's console, as a bare socket: presence follows connections (an agent with none is swept offline). */
let sidSocket: Socket | undefined;

beforeAll(async () => {
  adminToken = (await login(ADMIN.email, ADMIN.password)).token;
  raeId = (await ensureAgent(adminToken, RAE)).id;
  sidId = (await ensureAgent(adminToken, SID)).id;
  const team = await ok('post /teams', { token: adminToken, body: { name: teamName, routingMode: 'auto' } });
  for (const agentId of [raeId, sidId]) await ok('put /teams/{id}/members/{agentId}', { token: adminToken, params: { id: team.id, agentId } });
  // Sid is online first and gets the team's first conversation: Sid is the busier of the two from then on.
  sidToken = (await login(SID.email, SID.password)).token;
  sidSocket = io(e2e().baseUrl, { auth: { token: sidToken }, transports: ['websocket'], extraHeaders: { Origin: e2e().baseUrl }, reconnection: false, forceNew: true });
  await until('Sid connected', () => sidSocket?.connected === true, LIVENESS_MS);
  await ok('patch /agents/me', { token: sidToken, body: { status: 'online' } });
  const first = await Visitor.start('Fay First', `fay.${mark}@visitors.test`, teamName);
  visitors.push(first);
  await until('the first conversation assigned to Sid', async () => (await ok('get /threads/{id}', { params: { id: first.thread.id }, token: adminToken })).assignedAgent?.id === sidId, LIVENESS_MS);
});

afterAll(() => {
  for (const v of visitors) v.close();
  sidSocket?.disconnect();
});

describe('routing in the console', () => {
  // Rae signs in: the console's socket brings Rae online.
  const rae = signedInBrowser(RAE);

  it("lands a new chat of the team on the screen of the least busy member, who transfers it to a colleague with a note the visitor never sees", async () => {
    const page = rae.page();
    await until('Rae online', async () => (await ok('get /agents', { token: adminToken })).find((a) => a.id === raeId)?.status === 'online', LIVENESS_MS);

    const vic = await Visitor.start('Vic Visitor', `vic.${mark}@visitors.test`, teamName);
    visitors.push(vic);
    await vic.send('Hello, I would like a quote for 40 seats');
    await page.getByRole('link', { name: 'My threads' }).click();
    const item = page.getByTestId('thread-item').filter({ hasText: 'Vic Visitor' });
    await item.waitFor({ timeout: LIVENESS_MS });
    expect((await ok('get /threads/{id}', { params: { id: vic.thread.id }, token: adminToken })).assignedAgent?.id).toBe(raeId);
    await until('the visitor told who joined', () => vic.received.some((m) => m.authorType === 'system' && m.body === `${RAE.name} joined the conversation`), LIVENESS_MS);

    await item.click();
    await page.getByRole('heading', { name: 'Vic Visitor', level: 1 }).waitFor();
    await page.getByTestId('thread-team').filter({ hasText: teamName }).waitFor();
    await page.getByTestId('transfer').click();
    const dialog = page.getByRole('dialog', { name: 'Transfer the conversation' });
    const sid = dialog.getByTestId('transfer-agent').filter({ hasText: SID.name });
    await sid.waitFor();
    // Sid's live load and presence beside the name.
    expect(await sid.locator('.load').textContent()).toBe('1/5');
    expect(await sid.locator('.presence').textContent()).toBe('online');
    await expectNoAxeViolations(page, { label: 'console: transfer dialog' });
    await sid.getByRole('radio').check();
    const note = `Wants the annual plan, ${mark}`;
    await dialog.getByLabel('Note for agents (the visitor does not see it)').fill(note);
    await dialog.getByRole('button', { name: 'Transfer' }).click();

    await until('the conversation with Sid', async () => (await ok('get /threads/{id}', { params: { id: vic.thread.id }, token: adminToken })).assignedAgent?.id === sidId, LIVENESS_MS);
    await until('the visitor told of the transfer', () => vic.received.some((m) => m.body === `${RAE.name} transferred the conversation to ${SID.name}`), LIVENESS_MS);
    expect(vic.received.some((m) => m.body.includes(note))).toBe(false);
    const stored = await ok('get /threads/{id}/messages', { params: { id: vic.thread.id }, token: sidToken });
    expect(stored.items.some((m) => m.body.includes(note))).toBe(false);
    // Rae no longer has it: the console went back to the queue, and My threads no longer lists it.
    await page.getByRole('link', { name: 'My threads' }).click();
    await until('gone from Rae\'s list', async () => (await page.getByTestId('thread-item').filter({ hasText: 'Vic Visitor' }).count()) === 0, LIVENESS_MS);
  });
});
