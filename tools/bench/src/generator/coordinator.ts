import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { killOnExit } from '@parley/test-support';
import { type LatencySummary, mergeEncoded, summarize } from '../lib/hist';
import { NODE_BIN, REGISTER, ROOT } from '../lib/proc';
import type { Population, Role, WireProtocol } from '../targets/types';
import type { FromWorker, RunParams, StormResult, ToWorker, WorkerClient, WorkerResult, WorkerRoom } from './protocol';

const WORKER = path.join(ROOT, 'tools/bench/src/generator/worker.ts');

export interface RunResult {
  rate: number;
  durationMs: number;
  sent: number;
  acked: number;
  errors: Record<string, number>;
  unacked: number;
  expectedDeliveries: number;
  delivered: number;
  lost: number;
  missingDeliveries: number;
  duplicates: number;
  reordered: number;
  /** Acked messages per second over the time it took to get their acks (at least the run's length). */
  achievedRate: number;
  latency: LatencySummary;
  lastRecipient: LatencySummary;
  ack: LatencySummary;
  generator: { cpuPct: number; loopDelayP99Ms: number; workers: number };
}

export interface StormSummary {
  visitors: number;
  reconnected: number;
  resynced: number;
  resync: LatencySummary;
  lost: number;
  duplicated: number;
  sentDuringOutage: number;
}

class WorkerHandle {
  private waiting: Array<{ expect: FromWorker['type']; settle: (m: FromWorker) => void }> = [];

  constructor(readonly child: ChildProcess) {
    child.on('message', (m: FromWorker) => {
      // An answer goes to the oldest request waiting for its kind; an error to the oldest request.
      const i = m.type === 'error' ? 0 : this.waiting.findIndex((w) => w.expect === m.type);
      if (i >= 0 && i < this.waiting.length) this.waiting.splice(i, 1)[0].settle(m);
    });
    child.on('exit', (code) => {
      for (const w of this.waiting.splice(0)) w.settle({ type: 'error', message: `generator worker exited (${code})` });
    });
  }

  request<T extends FromWorker['type']>(msg: ToWorker, expect: T): Promise<Extract<FromWorker, { type: T }>> {
    return new Promise((resolve, reject) => {
      this.waiting.push({
        expect,
        settle: (m) => (m.type === expect ? resolve(m as Extract<FromWorker, { type: T }>) : reject(new Error(m.type === 'error' ? m.message : `unexpected ${m.type}`))),
      });
      this.child.send(msg);
    });
  }
}

/**
 * Groups rooms that share a socket (an agent in five rooms) so that each group lives in one
 * worker: a message's sender and receivers then share a clock.
 */
function partition(pop: Population, workers: number): Array<{ clients: Set<number>; rooms: number[]; weight: number }> {
  const parent = pop.clients.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (const room of pop.rooms) for (const m of room.members.slice(1)) parent[find(m)] = find(room.members[0]);
  const groups = new Map<number, { clients: Set<number>; rooms: number[] }>();
  pop.clients.forEach((_, i) => {
    const g = find(i);
    if (!groups.has(g)) groups.set(g, { clients: new Set(), rooms: [] });
    groups.get(g)?.clients.add(i);
  });
  pop.rooms.forEach((room, r) => groups.get(find(room.members[0]))?.rooms.push(r));
  const bins = Array.from({ length: workers }, () => ({ clients: new Set<number>(), rooms: [] as number[], weight: 0 }));
  const weight = (g: { clients: Set<number>; rooms: number[] }) =>
    g.rooms.reduce((s, r) => s + pop.rooms[r].senders.length * 10 + pop.rooms[r].members.length, 0) + g.clients.size;
  for (const g of [...groups.values()].sort((a, b) => weight(b) - weight(a))) {
    const bin = bins.reduce((a, b) => (b.weight < a.weight ? b : a));
    for (const c of g.clients) bin.clients.add(c);
    bin.rooms.push(...g.rooms);
    bin.weight += weight(g);
  }
  return bins.filter((b) => b.clients.size > 0);
}

/** The load generator: worker processes (on the generator's CPUs) driven in lock step. */
export class Generator {
  private constructor(
    private readonly workers: WorkerHandle[],
    /** Each worker's part of the senders: its part of the rate. */
    private readonly shares: number[],
    readonly connectMs: number,
  ) {}

  static async start(
    pop: Population,
    urls: string[],
    opts: { workers: number; connectConcurrency: number; realtimeRoles?: Role[]; protocol?: WireProtocol; log: (s: string) => void },
  ): Promise<Generator> {
    const bins = partition(pop, opts.workers);
    const handles = bins.map(() => {
      const child = spawn(NODE_BIN, ['--max-old-space-size=4096', '-r', REGISTER, WORKER], {
        cwd: ROOT,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' },
      });
      killOnExit(child);
      return new WorkerHandle(child);
    });
    const started = performance.now();
    const ready = await Promise.all(
      bins.map((bin, w) => {
        const clients: WorkerClient[] = [...bin.clients].map((i) => {
          const c = pop.clients[i];
          return {
            index: i,
            url: urls[c.node] ?? urls[0],
            token: c.token,
            threads: c.threads,
            realtime: opts.realtimeRoles?.includes(c.role) ?? false,
            protocol: opts.protocol ?? 'socketio',
          };
        });
        const rooms: WorkerRoom[] = bin.rooms.map((r) => pop.rooms[r]);
        const perWorker = Math.max(1, Math.ceil(opts.connectConcurrency / bins.length));
        return handles[w].request({ type: 'init', worker: w, clients, rooms, connectConcurrency: perWorker }, 'ready');
      }),
    );
    const failed = ready.reduce((s, r) => s + r.failed, 0);
    const connectMs = Math.round(performance.now() - started);
    const senders = bins.map((b) => b.rooms.reduce((s, r) => s + pop.rooms[r].senders.length, 0));
    const allSenders = senders.reduce((a, b) => a + b, 0) || 1;
    const shares = senders.map((s) => s / allSenders);
    if (failed > 0) {
      const gen = new Generator(handles, shares, connectMs);
      await gen.close();
      throw new Error(`${failed} sockets failed to connect: ${ready.flatMap((r) => r.errors).slice(0, 5).join('; ')}`);
    }
    opts.log(`generator: ${pop.clients.length} sockets in ${handles.length} worker(s), connected and joined in ${connectMs} ms`);
    return new Generator(handles, shares, connectMs);
  }

  pids(): number[] {
    return this.workers.map((w) => w.child.pid ?? 0).filter(Boolean);
  }

  async run(params: RunParams): Promise<RunResult> {
    const results = (
      await Promise.all(this.workers.map((w, i) => w.request({ type: 'run', params: { ...params, rate: params.rate * this.shares[i] } }, 'result')))
    ).map((m) => m.result);
    return merge(params, results);
  }

  async drop(): Promise<number> {
    const dropped = await Promise.all(this.workers.map((w) => w.request({ type: 'drop' }, 'dropped')));
    return dropped.reduce((s, d) => s + d.count, 0);
  }

  async stormWait(timeoutMs: number): Promise<StormSummary> {
    const parts = (await Promise.all(this.workers.map((w) => w.request({ type: 'storm-wait', timeoutMs }, 'storm')))).map((m) => m.result);
    const sum = (f: (r: StormResult) => number) => parts.reduce((s, r) => s + f(r), 0);
    return {
      visitors: sum((r) => r.visitors),
      reconnected: sum((r) => r.reconnected),
      resynced: sum((r) => r.resynced),
      resync: summarize(mergeEncoded(parts.map((r) => r.resync))),
      lost: sum((r) => r.lost),
      duplicated: sum((r) => r.duplicated),
      sentDuringOutage: sum((r) => r.sentDuringOutage),
    };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.child.exitCode !== null) return resolve();
            const timer = setTimeout(() => (w.child.kill('SIGKILL'), resolve()), 5000);
            w.child.once('exit', () => (clearTimeout(timer), resolve()));
            w.child.send({ type: 'close' } satisfies ToWorker);
          }),
      ),
    );
  }
}

function merge(p: RunParams, rs: WorkerResult[]): RunResult {
  const sum = (f: (r: WorkerResult) => number) => rs.reduce((s, r) => s + f(r), 0);
  const errors: Record<string, number> = {};
  for (const r of rs) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
  const acked = sum((r) => r.acked);
  const windowMs = Math.max(p.durationMs, ...rs.map((r) => r.ackWindowMs));
  return {
    rate: p.rate,
    durationMs: p.durationMs,
    sent: sum((r) => r.sent),
    acked,
    errors,
    unacked: sum((r) => r.unacked),
    expectedDeliveries: sum((r) => r.expectedDeliveries),
    delivered: sum((r) => r.delivered),
    lost: sum((r) => r.lost),
    missingDeliveries: sum((r) => r.missingDeliveries),
    duplicates: sum((r) => r.duplicates),
    reordered: sum((r) => r.reordered),
    achievedRate: Math.round(acked / (windowMs / 1000)),
    latency: summarize(mergeEncoded(rs.map((r) => r.delivery))),
    lastRecipient: summarize(mergeEncoded(rs.map((r) => r.lastRecipient))),
    ack: summarize(mergeEncoded(rs.map((r) => r.ack))),
    generator: {
      cpuPct: Math.round(sum((r) => r.cpuPct) * 10) / 10,
      loopDelayP99Ms: Math.max(...rs.map((r) => r.loopDelayP99Ms)),
      workers: rs.length,
    },
  };
}
