import { type Availability, AvailabilitySchema, AvailabilitySettingsSchema, ErrorCode, type OpeningRange, ServerEvent, type UpdateAvailabilitySettingsRequest, WEEKDAYS } from '@parley/contracts';
import { until } from '@parley/test-support';
import { adminToken, claimThread, getThread, newAgent, newVisitor, postMessage, startThread } from './support/actors';
import { call, expectProblem, expectStatus } from './support/http';
import { closeAllSockets, connect, waitFor } from './support/sockets';

/** Presence grace, debounce and a recheck: a change of `open` reaches the widgets well within this. */
const SETTLE_MS = 20_000;

const ALL_DAY: OpeningRange[] = WEEKDAYS.map((day) => ({ day, start: '00:00', end: '24:00' }));
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

const settings = (over: Partial<UpdateAvailabilitySettingsRequest> = {}): UpdateAvailabilitySettingsRequest => ({
  enabled: true,
  timeZone: 'UTC',
  weekly: ALL_DAY,
  closedDates: [],
  whenClosed: 'form',
  closedMessage: 'We are away. Leave a message.',
  ...over,
});

async function put(body: unknown) {
  return call('put /widget/availability/settings', { token: adminToken(), body: body as UpdateAvailabilitySettingsRequest });
}

async function availability(): Promise<Availability> {
  const res = await call('get /widget/availability');
  expectStatus(res, 200);
  return AvailabilitySchema.parse(res.body);
}

afterEach(closeAllSockets);
// Other suites expect a widget that takes chats at any time.
afterAll(async () => expectStatus(await put(settings({ enabled: false })), 200));

describe('availability: settings (admin)', () => {
  it('stores the hours, with closed dates once each and in order, and gives them back', async () => {
    const body = settings({ timeZone: 'Europe/Berlin', weekly: [{ day: 'mon', start: '09:00', end: '12:00' }, { day: 'mon', start: '13:00', end: '17:30' }], closedDates: ['2026-12-25', '2026-12-24', '2026-12-25'], whenClosed: 'hide' });
    const res = await put(body);
    expectStatus(res, 200);
    const saved = AvailabilitySettingsSchema.parse(res.body);
    expect(saved).toMatchObject({ ...body, closedDates: ['2026-12-24', '2026-12-25'] });
    const read = await call('get /widget/availability/settings', { token: adminToken() });
    expectStatus(read, 200);
    expect(read.body).toEqual(res.body);
  });

  it.each([
    ['an unknown time zone', settings({ timeZone: 'Mars/Olympus_Mons' }), 'timeZone'],
    ['an end not after its start', settings({ weekly: [{ day: 'tue', start: '10:00', end: '10:00' }] }), 'weekly.0.end'],
    ['overlapping ranges on a day', settings({ weekly: [{ day: 'wed', start: '09:00', end: '12:00' }, { day: 'wed', start: '11:00', end: '14:00' }] }), 'weekly.1'],
    ['more than 28 ranges', settings({ weekly: Array.from({ length: 29 }, (_, i) => ({ day: WEEKDAYS[i % 7], start: `${String(Math.floor(i / 7)).padStart(2, '0')}:00`, end: `${String(Math.floor(i / 7)).padStart(2, '0')}:30` })) }), 'weekly'],
    ['a malformed date', settings({ closedDates: ['24.12.2026'] }), 'closedDates.0'],
    ['a date not on the calendar', settings({ closedDates: ['2026-02-30'] }), 'closedDates.0'],
    ['a malformed time', settings({ weekly: [{ day: 'thu', start: '9:00', end: '17:00' }] }), 'weekly.0.start'],
    ['an unknown weekday', { ...settings(), weekly: [{ day: 'someday', start: '09:00', end: '17:00' }] }, 'weekly.0.day'],
    ['an unknown whenClosed', { ...settings(), whenClosed: 'vanish' }, 'whenClosed'],
    ['an empty closed message', settings({ closedMessage: '   ' }), 'closedMessage'],
  ])('refuses %s with 400 naming the field, and keeps what was stored', async (_what, body, path) => {
    const before = await call('get /widget/availability/settings', { token: adminToken() });
    const problem = expectProblem(await put(body), ErrorCode.ValidationFailed);
    expect(problem.errors?.map((e) => e.path)).toContain(path);
    const after = await call('get /widget/availability/settings', { token: adminToken() });
    expect(after.body).toEqual(before.body);
  });

  it('is for admins: an agent is refused (FORBIDDEN) and no credentials 401', async () => {
    const agent = await newAgent();
    expectProblem(await call('get /widget/availability/settings', { token: agent.token }), ErrorCode.Forbidden);
    expectProblem(await call('put /widget/availability/settings', { token: agent.token, body: settings() }), ErrorCode.Forbidden);
    expectProblem(await call('get /widget/availability/settings'), ErrorCode.Unauthenticated);
  });
});

describe('availability: open, closed and offline messages', () => {
  it('is open at any time while the hours are off', async () => {
    expectStatus(await put(settings({ enabled: false })), 200);
    expect(await availability()).toMatchObject({ open: true, reason: 'unrestricted', nextOpenAt: null });
  });

  it('is closed on a closed date, says when it opens next, and a thread started then arrives in the queue marked and is answered like any other', async () => {
    expectStatus(await put(settings({ closedDates: [day(-1), day(0), day(1)], closedMessage: 'Closed for the holidays.' })), 200);
    const closed = await availability();
    expect(closed).toMatchObject({ open: false, reason: 'closed_date', whenClosed: 'form', closedMessage: 'Closed for the holidays.' });
    expect([`${day(2)}T00:00:00.000Z`, `${day(3)}T00:00:00.000Z`]).toContain(closed.nextOpenAt);

    const visitor = await newVisitor();
    const thread = await startThread(visitor.token);
    expect(thread.createdWhileClosed).toBe(true);
    await postMessage(visitor.token, thread.id, 'My order never came');

    const agent = await newAgent();
    const queue = await call('get /threads', { token: agent.token, query: { status: 'queued' } });
    expectStatus(queue, 200);
    const listed = (queue.body as { items: { id: string; createdWhileClosed: boolean; preview: string | null }[] }).items.find((t) => t.id === thread.id);
    expect(listed).toMatchObject({ createdWhileClosed: true, preview: 'My order never came' });
    await claimThread(agent.token, thread.id);
    await postMessage(agent.token, thread.id, 'Sorry! It ships today.');
    expect((await getThread(visitor.token, thread.id)).status).toBe('active');
  });

  it('is closed outside the weekly ranges with the next opening, and a conversation in progress goes on', async () => {
    const visitor = await newVisitor();
    const agent = await newAgent();
    const thread = await claimThread(agent.token, (await startThread(visitor.token)).id);
    // Open only on the day after tomorrow (UTC): closed now whatever the time.
    const weekday = WEEKDAYS[(new Date(`${day(2)}T00:00:00Z`).getUTCDay() + 6) % 7];
    expectStatus(await put(settings({ weekly: [{ day: weekday, start: '10:00', end: '11:00' }] })), 200);
    const closed = await availability();
    expect(closed).toMatchObject({ open: false, reason: 'outside_hours' });
    expect([`${day(2)}T10:00:00.000Z`, `${day(3)}T10:00:00.000Z`]).toContain(closed.nextOpenAt);
    // Never cut off: both sides still write.
    await postMessage(visitor.token, thread.id, 'Still there?');
    await postMessage(agent.token, thread.id, 'Yes.');
  });

  it('within its hours is open only while an agent is online, and tells the widget sockets when that changes', async () => {
    expectStatus(await put(settings()), 200);
    // Agents of earlier suites go offline once their sockets' grace is over.
    await until('no agent online', async () => (await availability()).reason === 'no_agent_online', SETTLE_MS);
    const visitor = await newVisitor();
    const widget = await connect(visitor.token);
    const thread = await startThread(visitor.token);
    expect(thread.createdWhileClosed).toBe(true);

    const agent = await newAgent();
    const opened = waitFor(widget, ServerEvent.AvailabilityUpdated, (a) => a.open, SETTLE_MS);
    const agentSocket = await connect(agent.token);
    expect(await opened).toMatchObject({ open: true, reason: 'open', nextOpenAt: null });
    expect(await availability()).toMatchObject({ open: true, reason: 'open' });
    const later = await newVisitor();
    expect((await startThread(later.token)).createdWhileClosed).toBe(false);

    const closed = waitFor(widget, ServerEvent.AvailabilityUpdated, (a) => !a.open, SETTLE_MS);
    agentSocket.disconnect();
    expect(await closed).toMatchObject({ open: false, reason: 'no_agent_online' });
  });

  it('is public: the widget reads it without credentials', async () => {
    const res = await call('get /widget/availability');
    expectStatus(res, 200);
    expect(Object.keys(res.body as object).sort()).toEqual(['closedMessage', 'nextOpenAt', 'open', 'reason', 'whenClosed']);
  });
});
