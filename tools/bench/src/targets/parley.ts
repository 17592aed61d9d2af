import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { createDatabase, dropDatabase, freePort, SERVER_ENTRY, withClient } from '@parley/test-support';
import { api, mapLimit } from '../lib/http';
import { backendPids, countMessages, postgres } from '../lib/postgres';
import { type Spawned, startNode, TMP } from '../lib/proc';
import { agentCount, agentOf, layout } from './layout';
import type { Population, PopulationSpec, Target, TargetOptions, WireProtocol } from './types';

const ADMIN = { email: 'admin@bench.test', name: 'Bench Admin', password: 'bench-admin-password-1' };

/**
 * Parley as built (`api:build`), on a fresh PostgreSQL database (or the embedded PGlite), one or
 * more nodes. Its population is made through the real flows: visitor sessions, threads, agents
 * created by the admin API, logins and claims.
 */
export class ParleyTarget implements Target {
  readonly protocol: WireProtocol;
  urls: string[] = [];
  private procs: Spawned[] = [];
  private db: { name: string; url: string } | undefined;
  private pgliteDir: string | undefined;
  private adminToken = '';
  private threads: string[] = [];
  private jwtSecret = '';
  private ports: number[] = [];

  constructor(
    private readonly opts: TargetOptions,
    /** `parley-raw`: the same server, driven over the old system's raw WebSocket protocol. */
    readonly kind: 'parley' | 'parley-raw' = 'parley',
  ) {
    this.protocol = kind === 'parley-raw' ? 'raw' : 'socketio';
  }

  private async startNodes(): Promise<void> {
    const { opts } = this;
    this.urls = [];
    for (let n = 0; n < opts.nodes; n++) {
      const port = this.ports[n];
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        JWT_SECRET: this.jwtSecret,
        LOG_LEVEL: 'warn',
        AUTH_RATE_LIMIT_PER_MINUTE: '100000000',
        // Load generators are a few principals on one address sending as fast as they can: the
        // socket limits are raised (still counted, so their cost stays in the numbers), not skipped.
        SOCKET_RATE_MESSAGE_SEND: '100000000/1m',
        SOCKET_RATE_THREAD_START: '100000000/1m',
        SOCKET_RATE_TYPING: '100000000/1m',
        SOCKET_RATE_OTHER: '100000000/1m',
        SOCKET_RATE_HANDSHAKE: '100000000/1m',
        SOCKET_RATE_HANDSHAKE_FAILED: '100000000/1m',
        DATABASE_POOL_SIZE: String(opts.poolSize),
        ...(this.db ? { DATABASE_URL: this.db.url } : { PGLITE_DATA_DIR: this.pgliteDir }),
        ...(opts.nodes > 1 && opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}),
        ...opts.extraEnv,
      };
      const proc = await startNode({
        entry: opts.serverEntry ?? SERVER_ENTRY,
        env,
        cpus: opts.serverCpus[n] ?? opts.serverCpus[0],
        logFile: path.join(TMP, 'logs', `parley-${port}.log`),
        nodeArgs: opts.nodeArgs,
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

  async start(): Promise<void> {
    const { opts } = this;
    if (opts.embedded) {
      if (opts.nodes > 1) throw new Error('the embedded database serves one node only');
      this.pgliteDir = path.join(TMP, `pglite-${randomBytes(4).toString('hex')}`);
      mkdirSync(this.pgliteDir, { recursive: true });
    } else {
      this.db = await createDatabase('parley_bench', postgres());
    }
    this.jwtSecret = `bench-${randomBytes(24).toString('hex')}`;
    // Node 0 first: it runs the migrations; the others start on a migrated database.
    for (let n = 0; n < opts.nodes; n++) this.ports.push(await freePort());
    await this.startNodes();
    const setup = await api(this.urls[0], 'post /setup', { body: ADMIN, expect: 201 });
    this.adminToken = setup.body.token;
    opts.log(`Parley: ${opts.nodes} node(s) at ${this.urls.join(', ')} on ${this.db ? `PostgreSQL ${this.db.name}` : 'embedded PGlite'}`);
  }

  async populate(spec: PopulationSpec): Promise<Population> {
    const base = this.urls[0];
    const started = performance.now();
    const tag = randomBytes(3).toString('hex');
    // Agents hash their passwords (argon2): few at a time.
    const newAgent = async (name: string) => {
      const email = `${name}-${tag}@bench.test`.toLowerCase();
      const password = `pw-${randomBytes(8).toString('hex')}`;
      await api(base, 'post /agents', { token: this.adminToken, body: { email, name, password, role: 'agent' }, expect: 201 });
      const login = await api(base, 'post /auth/login', { body: { email, password }, expect: 200 });
      return login.body.token;
    };
    const agents = await mapLimit(Array.from({ length: agentCount(spec) }), 4, (_, j) => newAgent(`agent${j}`));
    const watchers = await mapLimit(Array.from({ length: spec.watchersPerRoom }), 4, (_, w) => newAgent(`watcher${w}`));
    const visitors = await mapLimit(Array.from({ length: spec.rooms }), 48, async (_, i) => {
      const session = await api(base, 'post /visitors/session', {
        body: { name: `Visitor ${i}`, email: `v${i}-${tag}@bench.test` },
        expect: 201,
      });
      const token = session.body.token;
      const thread = await api(base, 'post /threads', { token, body: {}, expect: 201 });
      return { token, threadId: thread.body.id };
    });
    const threads = visitors.map((v) => v.threadId);
    if (agents.length > 0) {
      await mapLimit(threads, 24, (threadId, i) =>
        api(base, 'post /threads/{id}/claim', { params: { id: threadId }, token: agents[agentOf(spec, i)], expect: 200 }),
      );
    }
    this.threads.push(...threads);
    this.opts.log(
      `Parley: ${spec.rooms} visitors with threads, ${agents.length} agents (claims), ${watchers.length} watchers in ${Math.round(performance.now() - started)} ms`,
    );
    return layout(spec, threads, {
      visitor: (i) => visitors[i].token,
      agent: (j) => agents[j],
      watcher: (w) => watchers[w],
    });
  }

  /** The admin's token (the search benchmark reads as the admin). */
  get token(): string {
    return this.adminToken;
  }

  /**
   * Runs SQL on the target's database, one statement per call: on PostgreSQL beside the running
   * server; on the embedded database with the server stopped and started again after (PGlite
   * serves one process), the same data directory opened here with the extensions it uses.
   */
  async withDatabase<T>(work: (query: (text: string, params?: unknown[]) => Promise<unknown[]>) => Promise<T>): Promise<T> {
    if (this.db) return withClient(this.db.url, (c) => work(async (text, params) => (await c.query(text, params)).rows as unknown[]));
    await Promise.all(this.procs.map((p) => p.stop()));
    this.procs = [];
    const db = await PGlite.create({ dataDir: this.pgliteDir, extensions: { pg_trgm } });
    try {
      return await work(async (text, params) => (await db.query(text, params)).rows);
    } finally {
      await db.close();
      await this.startNodes();
    }
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

  async storedMessages(): Promise<number> {
    if (this.db) return countMessages(this.db.url);
    // The embedded database is only reachable through Parley: count through the REST API.
    const counts = await mapLimit(this.threads, 16, async (threadId) => {
      let n = 0;
      let afterSeq = 0;
      for (;;) {
        const res = await api(this.urls[0], 'get /threads/{id}/messages', {
          params: { id: threadId },
          query: { afterSeq, limit: 200 },
          token: this.adminToken,
        });
        const page = res.body;
        n += page.items.filter((m) => m.authorType === 'visitor' || m.authorType === 'agent').length;
        if (!page.hasMore || page.items.length === 0) return n;
        afterSeq = page.items[page.items.length - 1].seq;
      }
    });
    return counts.reduce((a, b) => a + b, 0);
  }

  async stop(): Promise<void> {
    await Promise.all(this.procs.map((p) => p.stop()));
    this.procs = [];
    if (this.db) await dropDatabase(this.db.name, postgres()).catch((err: Error) => this.opts.log(`drop ${this.db?.name}: ${err.message}`));
    if (this.pgliteDir) rmSync(this.pgliteDir, { recursive: true, force: true });
  }
}
