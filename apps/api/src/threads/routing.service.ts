import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainEvents } from '../common/domain-events';
import { AppConfig } from '../config/app-config';
import { TeamsService } from '../teams/teams.service';
import { ThreadsRepository } from './threads.repository';
import { ThreadsService } from './threads.service';

/** Below this many first assignments in the last hour, the pace of a queue is not known: no estimate. */
const MIN_SERVED_FOR_ESTIMATE = 3;

/**
 * A waiting visitor's wait estimate: its place in the queue at the pace the queue was served in the
 * last hour (its threads first assigned, by claim or routing); null while that pace is not known.
 */
export function waitEstimate(position: number, servedLastHour: number): number | null {
  if (servedLastHour < MIN_SERVED_FOR_ESTIMATE) return null;
  return Math.ceil((position * 3600) / servedLastHour);
}

/**
 * Automatic routing (docs/routing.md): runs on every node when a thread is created, updated (closed,
 * re-queued, transferred: a slot may be free), when an agent changes (comes online, a new
 * `maxConcurrent`), and on a sweep every ROUTING_SWEEP_INTERVAL, which also applies the
 * unanswered-assignment timeout. Passes on one node never overlap (a change during a pass asks for
 * one more); passes of different nodes are serialized by ThreadsService.routeOne's advisory lock.
 * After a pass the waiting visitors hear their place in the queue (`queue.position`) when it changed.
 */
@Injectable()
export class RoutingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Routing');
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  /** What each waiting visitor was last told by this node. */
  private readonly told = new Map<string, string>();
  /** The clock of the unanswered timeout (replaced in tests). */
  now: () => Date = () => new Date();

  constructor(
    private readonly threads: ThreadsService,
    private readonly repo: ThreadsRepository,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
    private readonly teams: TeamsService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    this.teams.routingChanged = () => this.trigger();
    this.unsubscribe = this.events.subscribe((e) => {
      if (e.type === 'thread.created' || e.type === 'thread.updated' || e.type === 'agent.updated') this.trigger();
    });
    this.timer = setInterval(() => this.sweep(), this.config.routingSweepIntervalMs);
    this.timer.unref();
    this.trigger();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    clearInterval(this.timer);
    await this.running;
  }

  /** Asks for a routing pass: now, or right after the one running. */
  trigger(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .then(() => undefined)
      .catch((err: unknown) => this.log.warn(`routing pass failed: ${String(err)}`))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.trigger();
        }
      });
  }

  /** Resolves once no pass is running or asked for (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Assigns while there is something to assign, then tells the waiting visitors where they stand. Returns how many it assigned. */
  async pass(): Promise<number> {
    let assigned = 0;
    while (!this.stopped && (await this.threads.routeOne())) assigned++;
    await this.tellPositions();
    return assigned;
  }

  private sweep(): void {
    this.expire()
      .catch((err: unknown) => this.log.warn(`unanswered timeout failed: ${String(err)}`))
      .finally(() => this.trigger());
  }

  /** The unanswered-assignment timeout, when an admin set one. */
  async expire(): Promise<number> {
    const [settings] = (await this.db.query(`SELECT unanswered_minutes FROM routing_settings WHERE id = 1`)) as { unanswered_minutes: number | null }[];
    if (!settings?.unanswered_minutes) return 0;
    return this.threads.expireUnanswered(settings.unanswered_minutes, this.now());
  }

  private async tellPositions(): Promise<void> {
    const positions = await this.repo.queuePositions();
    const waiting = new Set<string>();
    for (const p of positions) {
      waiting.add(p.threadId);
      const estimateSeconds = waitEstimate(p.position, p.servedLastHour);
      const key = `${p.position}:${estimateSeconds}`;
      if (this.told.get(p.threadId) === key) continue;
      this.told.set(p.threadId, key);
      this.events.emit({ type: 'queue.position', position: { threadId: p.threadId, position: p.position, estimateSeconds } });
    }
    for (const id of this.told.keys()) if (!waiting.has(id)) this.told.delete(id);
  }
}
