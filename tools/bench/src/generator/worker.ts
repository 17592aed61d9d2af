// A generator worker process: opens its share of the population's sockets, joins their rooms, then
// on command sends open-loop at a fixed rate. Each send is scheduled by its intended time and
// carries that time in its body, so the latency a receiver records includes any time the message
// waited to be sent (no coordinated omission). Run with the bench's register hook (see bin/).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ClientEvent, LEGACY_WS_PATH, type LegacyFrameOut, type Message, type MessageAck, ServerEvent, type ThreadAck } from '@parley/contracts';
import { RealtimeClient } from '@parley/realtime-client';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { encode, newHistogram, recordMs } from '../lib/hist';
import type { FromWorker, RunParams, StormResult, ToWorker, WorkerClient, WorkerResult, WorkerRoom } from './protocol';

interface Client {
  spec: WorkerClient;
  socket: Socket | null;
  rt: RealtimeClient | null;
  /** Raw protocol: one WebSocket per thread (the old protocol's room is in the URL). */
  raws: Map<string, WebSocket> | null;
  /** Highest seq seen per thread, to count deliveries that arrive out of seq order. */
  lastSeq: Map<string, number>;
  storm: { reconnectedAt: number; seqAtReconnect: number; timeline: Array<[number, number]>; feedSeq: number; connected: boolean } | null;
}

interface Room {
  threadId: string;
  members: Client[];
  senders: Client[];
}

interface Track {
  intended: number;
  sender: Client;
  room: Room;
  seenBy: Client[];
  maxLatency: number;
  /** 0 waiting, 1 acked, 2 refused. */
  ack: 0 | 1 | 2;
}

const send = (m: FromWorker) => process.send?.(m);
const clients = new Map<number, Client>();
let rooms: Room[] = [];
let workerIndex = 0;

// The current run's bookkeeping.
let tracked = new Map<string, Track>();
let runPrefix = '\u0000';
let counters = newCounters();
let deliveryHist = newHistogram();
let lastHist = newHistogram();
let ackHist = newHistogram();
let lastAckAt = 0;

// Storm bookkeeping: every acked message per thread (all runs), and when the visitors were dropped.
/** Per thread: the highest acked seq, the acked clientMsgIds, and [ack time, seq, intended send time] of each ack. */
const ackedByThread = new Map<string, { maxSeq: number; ids: Set<string>; acks: Array<[number, number, number]> }>();
let droppedAt = 0;

function newCounters() {
  return { acked: 0, errors: {} as Record<string, number>, delivered: 0, duplicates: 0, reordered: 0 };
}

function onDelivered(client: Client, m: Message): void {
  const now = performance.now();
  const last = client.lastSeq.get(m.threadId) ?? 0;
  if (m.seq < last) counters.reordered++;
  else client.lastSeq.set(m.threadId, m.seq);
  const id = m.clientMsgId;
  if (id === null || !id.startsWith(runPrefix)) return;
  const t = tracked.get(id);
  if (!t || t.sender === client) return;
  if (t.seenBy.includes(client)) {
    counters.duplicates++;
    return;
  }
  t.seenBy.push(client);
  counters.delivered++;
  const latency = now - t.intended;
  recordMs(deliveryHist, latency);
  if (latency > t.maxLatency) t.maxLatency = latency;
  if (t.seenBy.length === t.room.members.length - 1) recordMs(lastHist, t.maxLatency);
}

function onAck(id: string, res: MessageAck): void {
  const t = tracked.get(id);
  if (!t) return;
  const now = performance.now();
  if (res.ok) {
    t.ack = 1;
    counters.acked++;
    recordMs(ackHist, now - t.intended);
    if (stormMode) {
      let a = ackedByThread.get(res.message.threadId);
      if (!a) ackedByThread.set(res.message.threadId, (a = { maxSeq: 0, ids: new Set(), acks: [] }));
      a.maxSeq = Math.max(a.maxSeq, res.message.seq);
      a.ids.add(id);
      a.acks.push([now, res.message.seq, t.intended]);
    }
  } else {
    t.ack = 2;
    counters.errors[res.error.code] = (counters.errors[res.error.code] ?? 0) + 1;
  }
  lastAckAt = now;
}

let stormMode = false;

async function connectRaw(c: Client): Promise<void> {
  const socket = io(c.spec.url, {
    auth: { token: c.spec.token },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: 30_000,
  });
  c.socket = socket;
  socket.on(ServerEvent.MessageCreated, (m: Message) => onDelivered(c, m));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(new Error(`connect: ${err.message}`)));
  });
  for (const threadId of c.spec.threads) {
    const res = (await socket.timeout(30_000).emitWithAck(ClientEvent.ThreadJoin, { threadId })) as ThreadAck;
    if (!res.ok) throw new Error(`join ${threadId}: ${res.error.code} ${res.error.message}`);
  }
}

/** A visitor on libs/realtime-client: after every reconnection it rejoins and syncs from its last seq. */
async function connectRealtime(c: Client): Promise<void> {
  const threadId = c.spec.threads[0];
  const rt = new RealtimeClient({
    url: c.spec.url,
    getToken: () => c.spec.token,
    connect: (url, opts) => (c.socket = io(url, { ...opts, forceNew: true }) as unknown as Socket),
  });
  c.rt = rt;
  c.storm = { reconnectedAt: 0, seqAtReconnect: 0, timeline: [], feedSeq: 0, connected: false };
  const storm = c.storm;
  rt.on(ServerEvent.MessageCreated, (m) => onDelivered(c, m));
  rt.onState((s) => {
    storm.connected = s === 'connected';
    if (s === 'connected' && droppedAt > 0 && storm.reconnectedAt === 0) {
      storm.reconnectedAt = performance.now();
      storm.seqAtReconnect = storm.feedSeq;
    }
  });
  rt.watch(threadId, (snap) => {
    storm.feedSeq = snap.lastSeq;
    if (droppedAt > 0) storm.timeline.push([performance.now(), snap.lastSeq]);
  });
  rt.connect();
  // Ready once connected and the first sync has caught up with the thread.
  const deadline = performance.now() + 60_000;
  while (rt.state !== 'connected') {
    if (performance.now() > deadline) throw new Error(`realtime client not connected (${rt.state})`);
    await sleep(20);
  }
  const page = await rt.request(ClientEvent.MessagesSync, { threadId, afterSeq: 0, limit: 1 });
  while (storm.feedSeq < page.lastSeq) {
    if (performance.now() > deadline) throw new Error('realtime client did not sync');
    await sleep(20);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The old system's protocol: a WebSocket per thread, `{message, clientMsgId}` out, `chat` frames in
 * (the sender's own too, which onDelivered skips), `ack` and `error` frames answering a send.
 */
async function connectLegacy(c: Client): Promise<void> {
  c.raws = new Map();
  for (const threadId of c.spec.threads) {
    const url = `${c.spec.url.replace(/^http/, 'ws')}${LEGACY_WS_PATH}/${threadId}/?token=${encodeURIComponent(c.spec.token)}`;
    const ws = new WebSocket(url, { perMessageDeflate: false });
    c.raws.set(threadId, ws);
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as LegacyFrameOut;
      if (f.type === 'chat') onDelivered(c, { threadId: f.threadId, seq: f.seq, clientMsgId: f.clientMsgId } as Message);
      else if (f.type === 'ack') onAck(f.clientMsgId, { ok: true, message: { threadId, seq: f.seq } as Message, duplicate: f.duplicate });
      else if (f.type === 'error' && f.clientMsgId) onAck(f.clientMsgId, { ok: false, error: { code: f.code, message: f.message } });
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('raw connect: no welcome within 30 s')), 30_000);
      ws.once('close', (code, reason) => reject(new Error(`raw connect closed ${code} ${reason.toString()}`)));
      ws.once('error', reject);
      ws.once('message', () => (clearTimeout(timer), resolve()));
    });
  }
}

async function init(msg: Extract<ToWorker, { type: 'init' }>): Promise<void> {
  workerIndex = msg.worker;
  for (const spec of msg.clients) {
    clients.set(spec.index, { spec, socket: null, rt: null, raws: null, lastSeq: new Map(), storm: null });
    if (spec.realtime) stormMode = true;
  }
  rooms = msg.rooms.map((r: WorkerRoom) => ({
    threadId: r.threadId,
    members: r.members.map((i) => clients.get(i) as Client),
    senders: r.senders.map((i) => clients.get(i) as Client),
  }));
  const started = performance.now();
  const all = [...clients.values()];
  let next = 0;
  let failed = 0;
  const errors: string[] = [];
  await Promise.all(
    Array.from({ length: Math.min(msg.connectConcurrency, all.length) }, async () => {
      while (next < all.length) {
        const c = all[next++];
        try {
          await (c.spec.protocol === 'raw' ? connectLegacy(c) : c.spec.realtime ? connectRealtime(c) : connectRaw(c));
        } catch (err) {
          failed++;
          if (errors.length < 5) errors.push((err as Error).message);
        }
      }
    }),
  );
  send({ type: 'ready', connected: all.length - failed, failed, connectMs: Math.round(performance.now() - started), errors });
}

/** Sender slots in an order that spreads consecutive sends over rooms. */
function slots(): Array<{ client: Client; room: Room }> {
  const out: Array<{ client: Client; room: Room }> = [];
  const maxSenders = Math.max(0, ...rooms.map((r) => r.senders.length));
  for (let s = 0; s < maxSenders; s++) for (const room of rooms) if (room.senders[s]) out.push({ client: room.senders[s], room });
  return out;
}

async function run(p: RunParams): Promise<WorkerResult> {
  tracked = new Map();
  runPrefix = `${p.runId}-w${workerIndex}-`;
  counters = newCounters();
  deliveryHist = newHistogram();
  lastHist = newHistogram();
  ackHist = newHistogram();
  const order = slots().filter((s) => s.client.socket || s.client.raws);
  const total = order.length === 0 ? 0 : Math.floor((p.rate * p.durationMs) / 1000);
  const interval = 1000 / Math.max(p.rate, 1e-9);
  const padding = 'x'.repeat(Math.max(0, p.bodyBytes - 16));
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now() + 20;
  lastAckAt = t0;
  let k = 0;
  let expectedDeliveries = 0;

  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (k < total) {
        const intended = t0 + k * interval;
        if (intended > now) break;
        const { client, room } = order[k % order.length];
        const id = `${runPrefix}${k}`;
        tracked.set(id, { intended, sender: client, room, seenBy: [], maxLatency: 0, ack: 0 });
        expectedDeliveries += room.members.length - 1;
        const body = `${intended.toFixed(3)} ${padding}`;
        const raw = client.raws?.get(room.threadId);
        if (raw) raw.send(JSON.stringify({ message: body, clientMsgId: id }));
        else (client.socket as Socket).emit(ClientEvent.MessageSend, { threadId: room.threadId, clientMsgId: id, body }, (res: MessageAck) => onAck(id, res));
        k++;
      }
      if (k >= total) return resolve();
      setTimeout(tick, Math.max(0, t0 + k * interval - performance.now()));
    };
    tick();
  });
  const sendEnd = performance.now();

  // Drain: wait for every ack and every delivery, or until the drain time is up.
  const drainDeadline = sendEnd + p.drainMs;
  const settled = () => counters.delivered + counters.duplicates >= expectedDeliveries && allAnswered();
  let answered = false;
  const allAnswered = () => {
    if (answered) return true;
    for (const t of tracked.values()) if (t.ack === 0) return false;
    answered = true;
    return true;
  };
  while (performance.now() < drainDeadline && !settled()) await sleep(25);

  const cpu = process.cpuUsage(cpu0);
  loop.disable();
  let unacked = 0;
  let lost = 0;
  let missing = 0;
  for (const t of tracked.values()) {
    if (t.ack === 0) unacked++;
    const absent = t.room.members.length - 1 - t.seenBy.length;
    if (t.ack === 1 && absent > 0) {
      lost++;
      missing += absent;
    }
  }
  const elapsed = performance.now() - t0;
  return {
    sent: k,
    acked: counters.acked,
    errors: counters.errors,
    unacked,
    expectedDeliveries,
    delivered: counters.delivered,
    lost,
    missingDeliveries: missing,
    duplicates: counters.duplicates,
    reordered: counters.reordered,
    sendWindowMs: sendEnd - t0,
    ackWindowMs: lastAckAt - t0,
    delivery: encode(deliveryHist),
    lastRecipient: encode(lastHist),
    ack: encode(ackHist),
    cpuPct: Math.round(((cpu.user + cpu.system) / 1000 / elapsed) * 1000) / 10,
    loopDelayP99Ms: Math.round(loop.percentile(99) / 1e4) / 100,
  };
}

/** Drops every realtime client's connection at once; socket.io reconnects them by itself. */
function drop(): number {
  droppedAt = performance.now();
  let count = 0;
  for (const c of clients.values()) {
    if (!c.rt || !c.socket || !c.storm) continue;
    c.storm.reconnectedAt = 0;
    c.storm.seqAtReconnect = 0;
    c.storm.timeline = [];
    c.socket.io.engine.close();
    count++;
  }
  return count;
}

/** The highest seq acked on a thread up to a moment: what a client back at that moment must catch up to. */
function ackedBy(threadId: string, at: number): number {
  let seq = 0;
  for (const [t, s] of ackedByThread.get(threadId)?.acks ?? []) if (t <= at && s > seq) seq = s;
  return seq;
}

/**
 * Waits until every dropped visitor is connected again and holds all that was acked on its thread
 * (or the time is up). A visitor counts as resynced at the first moment after its reconnection when
 * its feed held, without a gap, every message acked before it reconnected; what was acked later
 * came live or by a later sync, and the final check (lost) covers all of it.
 */
async function stormWait(timeoutMs: number): Promise<StormResult> {
  const deadline = performance.now() + timeoutMs;
  const visitors = [...clients.values()].filter((c) => c.rt && c.storm);
  const finalSeq = (c: Client) => ackedByThread.get(c.spec.threads[0])?.maxSeq ?? 0;
  const done = (c: Client) => c.storm?.connected === true && (c.storm?.feedSeq ?? 0) >= finalSeq(c);
  while (performance.now() < deadline && !visitors.every(done)) await sleep(50);
  const resync = newHistogram();
  let resynced = 0;
  let reconnected = 0;
  let lost = 0;
  let duplicated = 0;
  for (const c of visitors) {
    const s = c.storm as NonNullable<Client['storm']>;
    const threadId = c.spec.threads[0];
    if (s.reconnectedAt > 0) {
      reconnected++;
      const goal = ackedBy(threadId, s.reconnectedAt);
      const reached = s.timeline.find(([t, seq]) => seq >= goal && t >= s.reconnectedAt);
      // A feed that already held everything it needed was resynced when it reconnected.
      const at = s.seqAtReconnect >= goal ? s.reconnectedAt : reached?.[0];
      if (at !== undefined) {
        resynced++;
        recordMs(resync, at - droppedAt);
      }
    }
    const feed = (c.rt as RealtimeClient).feed(threadId).snapshot();
    const ids = feed.messages.map((m) => m.clientMsgId).filter((x): x is string => x !== null);
    duplicated += ids.length - new Set(ids).size;
    const held = new Set(ids);
    for (const id of ackedByThread.get(threadId)?.ids ?? []) if (!held.has(id)) lost++;
  }
  // Messages the agents had acked while the visitors of their threads were away.
  let sentDuringOutage = 0;
  for (const c of visitors) {
    const back = c.storm?.reconnectedAt || Infinity;
    for (const [, , intended] of ackedByThread.get(c.spec.threads[0])?.acks ?? []) if (intended >= droppedAt && intended < back) sentDuringOutage++;
  }
  return { visitors: visitors.length, resynced, resync: encode(resync), reconnected, lost, duplicated, sentDuringOutage };
}

process.on('message', (msg: ToWorker) => {
  const fail = (err: unknown) => send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  switch (msg.type) {
    case 'init':
      init(msg).catch(fail);
      return;
    case 'run':
      run(msg.params).then((result) => send({ type: 'result', result }), fail);
      return;
    case 'drop':
      send({ type: 'dropped', count: drop() });
      return;
    case 'storm-wait':
      stormWait(msg.timeoutMs).then((result) => send({ type: 'storm', result }), fail);
      return;
    case 'close':
      for (const c of clients.values()) {
        c.rt?.disconnect();
        c.socket?.disconnect();
        for (const ws of c.raws?.values() ?? []) ws.close();
      }
      setTimeout(() => process.exit(0), 100);
      return;
  }
});
process.on('disconnect', () => process.exit(0));
