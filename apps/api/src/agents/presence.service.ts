import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { within } from '../common/within';
import { AppConfig } from '../config/app-config';
import { AgentsService } from './agents.service';

/** A page reload or a move to another node reconnects within this; the agent must not flicker offline meanwhile. */
export const OFFLINE_GRACE_MS = 3000;

type RedisClient = ReturnType<typeof createClient>;
const reconnectStrategy = (retries: number) => Math.min(50 * 2 ** retries, 1000);
const REDIS_CLOSE_MS = 1000;
export const PRESENCE_KEY_PREFIX = 'parley:presence:agent:';
/** Injection token of a {@link PresenceLeases} (tests); by default it follows REDIS_URL. */
export const PRESENCE_LEASES = Symbol('PresenceLeases');

/**
 * Where the nodes vouch for their agents. With REDIS_URL: one key per agent, set with a TTL by
 * every node that has a socket of the agent and renewed while it has; a node that dies stops
 * renewing, and its agents' keys lapse. Without it the node is alone, and its own sockets are the truth.
 */
export interface PresenceLeases {
  /** Vouch for these agents for `ttlMs`. */
  renew(agentIds: readonly string[], ttlMs: number): Promise<void>;
  /** Of these agents, those some node vouches for; undefined while that cannot be known (Redis away, or back too recently). */
  vouched(agentIds: readonly string[]): Promise<Set<string> | undefined>;
  close(): Promise<void>;
}

/** The embedded default: one node; nobody else vouches for anyone. */
export class LocalLeases implements PresenceLeases {
  renew(): Promise<void> {
    return Promise.resolve();
  }

  vouched(): Promise<Set<string>> {
    return Promise.resolve(new Set());
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** TTL'd keys in Redis, one per agent. */
export class RedisLeases implements PresenceLeases {
  private readonly log = new Logger('Presence');
  private readonly client: RedisClient;
  private readySince: number | undefined;
  private readonly node = randomUUID();

  constructor(url: string, private readonly ttlMs: number, private readonly now: () => number = Date.now) {
    // Commands fail at once while Redis is away (then nobody is swept), not queue.
    this.client = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy, connectTimeout: 2000 } });
    this.client.on('error', (err: Error) => {
      if (this.readySince !== undefined) this.log.warn(`redis: ${err.message || err.name}; presence is not swept until it is back`);
      this.readySince = undefined;
    });
    this.client.on('ready', () => (this.readySince = this.now()));
    this.client.connect().catch(() => undefined);
  }

  async renew(agentIds: readonly string[], ttlMs: number): Promise<void> {
    if (!this.client.isReady || agentIds.length === 0) return;
    const multi = this.client.multi();
    for (const id of agentIds) multi.set(PRESENCE_KEY_PREFIX + id, this.node, { expiration: { type: 'PX', value: ttlMs } });
    await multi.exec();
  }

  async vouched(agentIds: readonly string[]): Promise<Set<string> | undefined> {
    // Keys may have lapsed while Redis was away: the nodes renew them first.
    if (!this.client.isReady || this.readySince === undefined || this.now() - this.readySince < this.ttlMs) return undefined;
    if (agentIds.length === 0) return new Set();
    const values = await this.client.mGet(agentIds.map((id) => PRESENCE_KEY_PREFIX + id));
    return new Set(agentIds.filter((_, i) => values[i] !== null));
  }

  async close(): Promise<void> {
    if (this.client.isOpen) await within(this.client.close(), REDIS_CLOSE_MS, 'Redis close').catch(() => this.client.destroy());
  }
}

/**
 * Presence as it follows an agent's connections: connecting brings an offline agent online (an agent
 * who chose "away" stays away), and losing the last connection on every node takes it offline.
 *
 * A node that dies cannot say its agents left, so `agents.status` is also kept true by leases: each
 * node vouches every PRESENCE_TTL / 3 for the agents connected to it ({@link PresenceLeases}), and
 * sweeps: an agent shown present that no node vouches for and that has no socket here is marked
 * offline (and an agent with a socket here that is shown offline is brought back). So an agent of a
 * dead node is offline within PRESENCE_TTL and a bit, and routing and opening hours can trust
 * `status = 'online'`.
 */
@Injectable()
export class PresenceService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Presence');
  /** Sockets of each agent on this node. */
  private readonly here = new Map<string, number>();
  private readonly leases: PresenceLeases;
  private readonly ttlMs: number;
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly agents: AgentsService,
    config: AppConfig,
    @Optional() @Inject(PRESENCE_LEASES) leases?: PresenceLeases,
  ) {
    this.ttlMs = config.presenceTtlMs;
    this.leases = leases ?? (config.redisUrl ? new RedisLeases(config.redisUrl, config.presenceTtlMs) : new LocalLeases());
  }

  onApplicationBootstrap(): void {
    this.startedAt = Date.now();
    this.timer = setInterval(() => void this.tick(), Math.max(250, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
    await this.leases.close();
  }

  /** Never rejects: a presence that could not be stored must not refuse the connection. */
  async connected(agentId: string): Promise<void> {
    this.here.set(agentId, (this.here.get(agentId) ?? 0) + 1);
    await this.leases.renew([agentId], this.ttlMs).catch((err: unknown) => this.log.warn(`presence lease: ${String(err)}`));
    await this.agents.setPresence(agentId, 'online', 'offline').catch((err: unknown) => this.log.warn(String(err)));
  }

  /**
   * One of the agent's connections closed. `stillConnected` tells whether any is left on any node; it
   * is asked only after the grace period, so a connection made meanwhile keeps the agent online (and
   * the agent is not marked offline after its new connection already said it was back).
   */
  disconnected(agentId: string, stillConnected: () => Promise<boolean>): void {
    const left = (this.here.get(agentId) ?? 1) - 1;
    if (left > 0) this.here.set(agentId, left);
    else this.here.delete(agentId);
    setTimeout(() => void this.markOfflineIfGone(agentId, stillConnected), OFFLINE_GRACE_MS).unref();
  }

  /** Renews this node's leases, then sweeps; one at a time. */
  async tick(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = this.renewAndSweep()
      .catch((err: unknown) => this.log.warn(`presence sweep: ${String(err)}`))
      .finally(() => (this.sweeping = undefined));
    await this.sweeping;
  }

  private async renewAndSweep(): Promise<void> {
    const here = [...this.here.keys()];
    await this.leases.renew(here, this.ttlMs);
    // Just started: the agents of a node that restarted are still reconnecting.
    if (Date.now() - this.startedAt < this.ttlMs) return;
    const rows = await this.agents.presenceRows(here);
    const absent = rows.filter((r) => r.status !== 'offline' && !this.here.has(r.id)).map((r) => r.id);
    const vouched = absent.length > 0 ? await this.leases.vouched(absent) : new Set<string>();
    if (vouched) {
      for (const id of absent) {
        if (vouched.has(id) || this.here.has(id)) continue;
        this.log.log(`agent ${id} has no connection on any node (its lease lapsed): offline`);
        await this.agents.setPresence(id, 'offline');
      }
    }
    // A sweep elsewhere may have raced a connection here: a connected agent is not left offline.
    for (const r of rows) if (r.status === 'offline' && this.here.has(r.id)) await this.agents.setPresence(r.id, 'online', 'offline');
  }

  private async markOfflineIfGone(agentId: string, stillConnected: () => Promise<boolean>): Promise<void> {
    try {
      if (!(await stillConnected())) await this.agents.setPresence(agentId, 'offline');
    } catch (err) {
      this.log.warn(`presence of ${agentId}: ${String(err)}`);
    }
  }
}
