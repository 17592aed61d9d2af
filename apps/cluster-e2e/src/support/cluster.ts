import { ApiNode } from './api-node';
import { TestDatabase } from './database';
import { Actors } from './http';
import { RedisServer } from './redis';

export interface ClusterOptions {
  nodes?: number;
  /** Extra environment for every node. */
  env?: Record<string, string>;
  /** Node environment per index, e.g. a DATABASE_URL through a proxy for one node. */
  envOf?: (index: number, db: TestDatabase) => Record<string, string>;
}

/**
 * N API nodes over a fresh PostgreSQL database and a Redis of the test's own, with a first admin.
 * `stop()` ends every process it started and drops the database.
 */
export class Cluster {
  private constructor(
    readonly db: TestDatabase,
    readonly redis: RedisServer,
    readonly nodes: ApiNode[],
    readonly adminToken: string,
  ) {}

  static async start(opts: ClusterOptions = {}): Promise<Cluster> {
    const db = await TestDatabase.create();
    const redis = await RedisServer.start().catch(async (err: unknown) => {
      await db.drop();
      throw err;
    });
    const nodes: ApiNode[] = [];
    try {
      const count = opts.nodes ?? 2;
      for (let i = 0; i < count; i += 1) {
        const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, ...opts.env, ...opts.envOf?.(i, db) };
        nodes.push(await ApiNode.create(`node-${String.fromCharCode(97 + i)}`, env));
      }
      // The first node runs the migrations alone; the others then start side by side.
      await nodes[0].start();
      await Promise.all(nodes.slice(1).map((n) => n.start()));
      const admin = await new Actors(nodes[0].url).setupAdmin();
      return new Cluster(db, redis, nodes, admin.token);
    } catch (err) {
      await Promise.allSettled(nodes.map((n) => n.stop('SIGKILL')));
      await redis.down();
      await db.drop();
      throw err;
    }
  }

  actors(index = 0): Actors {
    return new Actors(this.nodes[index].url);
  }

  /** A visitor with a thread that a fresh agent has claimed (seq 1 is the claim's system message). */
  conversation() {
    return this.actors(0).conversation(this.adminToken);
  }

  get urls(): string[] {
    return this.nodes.map((n) => n.url);
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.nodes.map((n) => n.stop('SIGTERM')));
    await this.redis.down('SIGTERM');
    await this.db.drop();
  }
}
