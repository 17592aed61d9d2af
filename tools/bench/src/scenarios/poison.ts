import { randomUUID } from 'node:crypto';
import { type AckFailure, ClientEvent, ErrorCode, type MessageAck } from '@parley/contracts';
import { io, type Socket } from 'socket.io-client';
import { sleep } from '@parley/test-support';
import { num, str } from '../lib/args';
import { api } from '../lib/http';
import { median } from '../lib/hist';
import { pct, table, writeResult } from '../lib/report';
import { conditions, type Context, describeRun, type Measured, measure, runParams, settle, withTarget } from './common';

/** The hostile visitor's targets: its own open and closed threads, and a clean pair's thread. */
interface Hostile {
  url: string;
  token: string;
  openThread: string;
  closedThread: string;
  foreignThread: string;
}

/** What the hostile sender did during one run. */
interface HostileTally {
  sent: number;
  /** Acks by outcome: `ok` (a duplicate, nothing stored), or the error code. */
  acks: Record<string, number>;
  noAck: number;
  reconnects: number;
  ratePerSec: number;
}

// The same clientMsgId every time: stored once before the runs, so each later send is a duplicate.
const DUPLICATE_ID = 'poison-duplicate';

/** The next hostile payload: NUL bodies, duplicates, a closed thread, a thread of nobody, someone else's thread. */
function hostilePayload(h: Hostile, i: number): { threadId: string; clientMsgId: string; body: string } {
  const clientMsgId = `poison-${i.toString(36)}`;
  switch (i % 5) {
    case 0:
      return { threadId: h.openThread, clientMsgId, body: `poison\u0000${i}` };
    case 1:
      return { threadId: h.openThread, clientMsgId: DUPLICATE_ID, body: 'the first and only copy' };
    case 2:
      return { threadId: h.closedThread, clientMsgId, body: 'to a closed thread' };
    case 3:
      return { threadId: randomUUID(), clientMsgId, body: 'to a thread of nobody' };
    default:
      return { threadId: h.foreignThread, clientMsgId, body: 'to a thread of someone else' };
  }
}

async function connectSocket(h: Hostile): Promise<Socket> {
  const socket = io(h.url, { auth: { token: h.token }, transports: ['websocket'], forceNew: true, reconnection: false, timeout: 30_000 });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err: Error) => reject(err));
  });
  return socket;
}

/** A visitor made through the real flows, with a closed thread behind it and an open one. */
async function makeHostile(url: string, foreignThread: string): Promise<Hostile> {
  const session = await api(url, 'post /visitors/session', { body: { name: 'Mallory', email: `mallory-${randomUUID()}@bench.test` }, expect: 201 });
  const token = session.body.token;
  const closed = await api(url, 'post /threads', { token, body: {}, expect: 201 });
  await api(url, 'post /threads/{id}/close', { params: { id: closed.body.id }, token, expect: 200 });
  const open = await api(url, 'post /threads', { token, body: {}, expect: 201 });
  const h: Hostile = { url, token, openThread: open.body.id, closedThread: closed.body.id, foreignThread };
  const socket = await connectSocket(h);
  const first = (await socket.timeout(30_000).emitWithAck(ClientEvent.MessageSend, hostilePayload(h, 1))) as MessageAck;
  socket.disconnect();
  if (!first.ok) throw new Error(`the hostile visitor's one stored message was refused: ${first.error.code}`);
  return h;
}

/**
 * Sends as fast as the server's limit lets it: `inFlight` sends at a time, each loop waiting the
 * `retryAfterMs` a RATE_LIMITED ack names (as a determined client would, to stay connected).
 */
function startHostile(h: Hostile, inFlight: number): { stop: () => Promise<HostileTally> } {
  const tally: HostileTally = { sent: 0, acks: {}, noAck: 0, reconnects: 0, ratePerSec: 0 };
  let stopped = false;
  let socket: Promise<Socket> = connectSocket(h);
  let next = 2;
  const started = performance.now();
  const loop = async () => {
    while (!stopped) {
      let s: Socket;
      try {
        s = await socket;
      } catch {
        await sleep(100);
        continue;
      }
      if (!s.connected) {
        // Closed for too many refusals (SOCKET_RATE_REFUSALS): come back, as an attacker would.
        tally.reconnects++;
        socket = connectSocket(h);
        continue;
      }
      tally.sent++;
      const ack = (await s
        .timeout(10_000)
        .emitWithAck(ClientEvent.MessageSend, hostilePayload(h, next++))
        .catch(() => undefined)) as MessageAck | undefined;
      if (!ack) {
        tally.noAck++;
        continue;
      }
      const outcome = ack.ok ? 'ok' : ack.error.code;
      tally.acks[outcome] = (tally.acks[outcome] ?? 0) + 1;
      if (!ack.ok && ack.error.code === ErrorCode.RateLimited) await sleep((ack as AckFailure).error.retryAfterMs ?? 100);
    }
  };
  const loops = Array.from({ length: inFlight }, loop);
  return {
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
      (await socket.catch(() => undefined))?.disconnect();
      tally.ratePerSec = Math.round(tally.sent / ((performance.now() - started) / 1000));
      return tally;
    },
  };
}

interface PoisonRun {
  mode: 'clean' | 'poisoned';
  measured: Measured;
  hostile: HostileTally | null;
}

/**
 * poison: `pairs` clean visitor/agent pairs at a modest rate, measured alone and with one hostile
 * visitor alongside (alternating, `repeats` times each). The hostile visitor sends NUL bodies,
 * duplicate clientMsgIds, and messages to a closed thread, to a thread of nobody and to a clean
 * pair's thread, as fast as its message limit (`--hostile-limit`, a generous setting the server
 * still counts) allows. The figure: the clean senders' p99 poisoned / clean.
 */
export async function poison(ctx: Context): Promise<unknown> {
  const { args, log } = ctx;
  const pairs = num(args, 'pairs', 50);
  const rate = num(args, 'rate', 200);
  const durationMs = num(args, 'duration', 5) * 1000;
  const warmupMs = num(args, 'warmup', 3) * 1000;
  const repeats = num(args, 'repeats', 1);
  const inFlight = num(args, 'hostile-in-flight', 16);
  const hostileLimit = str(args, 'hostile-limit', '5000/10s');
  // Every principal gets the hostile one's limit: the clean ones send far below it (rate / pairs / 2 per second each).
  ctx.serverEnv = { SOCKET_RATE_MESSAGE_SEND: hostileLimit, ...ctx.serverEnv };
  const env = await conditions(ctx);
  const runs: PoisonRun[] = [];

  await withTarget(ctx, 'parley', { rooms: pairs, threadsPerAgent: 5, watchersPerRoom: 0, senders: 'both' }, {}, async (target, gen, pop) => {
    const hostile = await makeHostile(target.urls[0], pop.rooms[0].threadId);
    const warm = await measure(target, gen, runParams(ctx, rate, warmupMs));
    log(`warm-up   ${describeRun('parley', warm)}`);
    await settle(target);
    for (let r = 0; r < repeats; r++) {
      const clean = await measure(target, gen, runParams(ctx, rate, durationMs));
      log(`clean     ${describeRun('parley', clean)}`);
      runs.push({ mode: 'clean', measured: clean, hostile: null });
      await settle(target);
      const sender = startHostile(hostile, inFlight);
      const poisoned = await measure(target, gen, runParams(ctx, rate, durationMs));
      const tally = await sender.stop();
      log(`poisoned  ${describeRun('parley', poisoned)}`);
      log(`hostile   ${tally.sent} sends (${tally.ratePerSec}/s), acks ${JSON.stringify(tally.acks)}, no ack ${tally.noAck}, reconnects ${tally.reconnects}`);
      runs.push({ mode: 'poisoned', measured: poisoned, hostile: tally });
      await settle(target);
    }
  });

  const of = (mode: PoisonRun['mode']) => runs.filter((r) => r.mode === mode).map((r) => r.measured);
  const summary = (mode: PoisonRun['mode']) => {
    const ms = of(mode);
    return {
      p50: median(ms.map((m) => m.latency.p50)),
      p99: median(ms.map((m) => m.latency.p99)),
      achievedRate: median(ms.map((m) => m.achievedRate)),
      lost: Math.max(...ms.map((m) => m.lost)),
      unacked: Math.max(...ms.map((m) => m.unacked)),
      errors: Math.max(...ms.map((m) => Object.values(m.errors).reduce((a, b) => a + b, 0))),
      storedEqualsAcked: ms.every((m) => m.stored === null) ? null : ms.every((m) => m.stored === m.acked),
      serverCpuPct: median(ms.map((m) => m.server.cpuPct)),
      machineBusyPct: median(ms.map((m) => m.machine.busyPct)),
      otherPct: Math.max(...ms.map((m) => m.otherPct)),
      stealPct: Math.max(...ms.map((m) => m.machine.stealPct)),
    };
  };
  const clean = summary('clean');
  const poisoned = summary('poisoned');
  const ratios = { p50: poisoned.p50 / clean.p50, p99: poisoned.p99 / clean.p99 };
  const hostile = runs.flatMap((r) => (r.hostile ? [r.hostile] : []));
  const columns = (s: typeof clean) => [s.achievedRate, s.p50, s.p99, s.lost, s.unacked + s.errors, s.storedEqualsAcked === null ? 'n/a' : s.storedEqualsAcked ? 'yes' : 'NO', s.serverCpuPct, s.machineBusyPct, s.otherPct, s.stealPct];
  log(
    `\n${table(
      ['run', 'achieved/s', 'p50 ms', 'p99 ms', 'lost', 'unacked+err', 'rows = acked', 'server CPU %', 'machine busy %', 'other %', 'steal %'],
      [['clean', ...columns(clean)], ['poisoned', ...columns(poisoned)]],
    )}\n`,
  );
  log(`hostile sender: median ${median(hostile.map((h) => h.ratePerSec))} sends/s, acks ${JSON.stringify(hostile.map((h) => h.acks))}`);
  log(`clean senders poisoned / clean: p50 ${pct(ratios.p50)}, p99 ${pct(ratios.p99)} (target: p99 within 120%)\n`);
  const file = writeResult('poison', {
    scenario: 'poison',
    conditions: env,
    settings: { pairs, rate, durationMs, warmupMs, repeats, hostileInFlight: inFlight, hostileLimit },
    clean,
    poisoned,
    ratios,
    hostile,
    runs: runs.map(({ mode, measured, hostile: h }) => ({ mode, hostile: h, ...measured })),
  });
  log(`wrote ${file}`);
  return { clean, poisoned, ratios };
}
