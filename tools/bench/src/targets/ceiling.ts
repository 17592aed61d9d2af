import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createDatabase, dropDatabase, freePort, SERVER_ENTRY, withClient } from '@parley/test-support';
import { backendPids, countMessages, postgres } from '../lib/postgres';
import { NODE_BIN, REGISTER, ROOT, type Spawned, startNode, TMP } from '../lib/proc';
import { agentCount, agentOf, layout } from './layout';
import type { Population, PopulationSpec, Target, TargetKind, TargetOptions } from './types';

const SERVER = path.join(ROOT, 'tools/bench/src/ceiling/server.ts');

/**
 * A ceiling server (see ceiling/server.ts). The stack ceilings get a fresh database with Parley's
 * own schema, applied by Parley's built migration runner, and rows inserted directly.
 */
export class CeilingTarget implements Target {
  readonly protocol = 'socketio' as const;
  urls: string[] = [];
  private procs: Spawned[] = [];
  private db: { name: string; url: string } | undefined;
  private ports: number[] = [];

  constructor(
    readonly kind: Exclude<TargetKind, 'parley' | 'parley-raw'>,
    private readonly opts: TargetOptions,
  ) {}

  async start(): Promise<void> {
    const { opts } = this;
    if (this.kind !== 'relay') {
      this.db = await createDatabase('ceiling_bench', postgres());
      const migrate = path.join(path.dirname(opts.serverEntry ?? SERVER_ENTRY), 'database/migrate.js');
      execFileSync(NODE_BIN, [migrate], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, DATABASE_URL: this.db.url, LOG_LEVEL: 'warn', JWT_SECRET: 'x'.repeat(32) },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    }
    for (let n = 0; n < opts.nodes; n++) this.ports.push(await freePort());
    await this.startNodes();
    opts.log(`${this.kind}: ${opts.nodes} node(s) at ${this.urls.join(', ')}${this.db ? ` on PostgreSQL ${this.db.name}` : ''}`);
  }

  private async startNodes(): Promise<void> {
    const { opts } = this;
    this.urls = [];
    for (let n = 0; n < opts.nodes; n++) {
      const port = this.ports[n];
      const proc = await startNode({
        entry: SERVER,
        nodeArgs: ['-r', REGISTER, ...(opts.nodeArgs ?? [])],
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          NODE_ENV: 'production',
          PORT: String(port),
          CEILING_MODE: this.kind,
          DATABASE_POOL_SIZE: String(opts.poolSize),
          ...(this.db ? { DATABASE_URL: this.db.url } : {}),
          ...(opts.nodes > 1 && opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}),
          ...opts.extraEnv,
        },
        cpus: opts.serverCpus[n] ?? opts.serverCpus[0],
        logFile: path.join(TMP, 'logs', `${this.kind}-${port}.log`),
      });
      this.procs.push(proc);
      this.urls.push(proc.server.url);
    }
  }

  async restart(): Promise<void> {
    await Promise.all(this.procs.map((p) => p.stop()));
    this.procs = [];
    await this.startNodes();
  }

  async populate(spec: PopulationSpec): Promise<Population> {
    const visitors = Array.from({ length: spec.rooms }, () => randomUUID());
    const threads = Array.from({ length: spec.rooms }, () => randomUUID());
    const agents = Array.from({ length: agentCount(spec) }, () => randomUUID());
    const watchers = Array.from({ length: spec.watchersPerRoom }, () => randomUUID());
    if (this.db) {
      await withClient(this.db.url, async (c) => {
        await c.query(`INSERT INTO visitors (id, name, email) SELECT id, 'Visitor', 'v@bench.test' FROM unnest($1::uuid[]) AS id`, [visitors]);
        const staff = [...agents, ...watchers];
        await c.query(
          `INSERT INTO agents (id, email, name, password_hash) SELECT id, id || '@bench.test', 'Agent', 'x' FROM unnest($1::uuid[]) AS id`,
          [staff],
        );
        const assigned = threads.map((_, i) => (agents.length > 0 ? agents[agentOf(spec, i)] : null));
        await c.query(
          `INSERT INTO threads (id, visitor_id, status, assigned_agent_id)
           SELECT t, v, CASE WHEN a IS NULL THEN 'queued' ELSE 'active' END::thread_status, a
             FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS x(t, v, a)`,
          [threads, visitors, assigned],
        );
      });
    }
    return layout(spec, threads, {
      visitor: (i) => `visitor:${visitors[i]}:Visitor ${i}`,
      agent: (j) => `agent:${agents[j]}:Agent ${j}`,
      watcher: (w) => `agent:${watchers[w]}:Watcher ${w}`,
    });
  }

  async heap(): Promise<NodeJS.MemoryUsage[]> {
    return Promise.all(this.procs.map((p) => p.heap()));
  }

  async probe(command: 'memory' | 'prof-start' | 'prof-stop' | 'alloc-start' | 'alloc-stop'): Promise<Array<Record<string, unknown>>> {
    return Promise.all(this.procs.map((p) => p.probe(command)));
  }

  serverPids(): number[] {
    return this.procs.map((p) => p.pid);
  }

  async databasePids(): Promise<number[]> {
    return this.db ? backendPids(this.db.name) : [];
  }

  async storedMessages(): Promise<number | null> {
    return this.db ? countMessages(this.db.url) : null;
  }

  async stop(): Promise<void> {
    await Promise.all(this.procs.map((p) => p.stop()));
    this.procs = [];
    if (this.db) await dropDatabase(this.db.name, postgres()).catch((err: Error) => this.opts.log(`drop ${this.db?.name}: ${err.message}`));
  }
}
