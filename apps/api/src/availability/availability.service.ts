import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Availability, AvailabilitySettings, OpeningRange, UpdateAvailabilitySettingsRequest, WhenClosed } from '@parley/contracts';
import { DataSource } from 'typeorm';
import { AgentsService } from '../agents/agents.service';
import { DomainEvents } from '../common/domain-events';
import { AppConfig } from '../config/app-config';
import { nextBoundary, nextOpening, withinHours } from './hours';

/** Changes of presence come in bursts (a shift starts, a node dies): the widgets hear the outcome once. */
export const AVAILABILITY_DEBOUNCE_MS = 1000;
/** A boundary timer further ahead than this is not set: the periodic check covers it. */
const MAX_TIMER_MS = 6 * 3600_000;

interface SettingsRow {
  enabled: boolean;
  time_zone: string;
  weekly: OpeningRange[];
  closed_dates: string[];
  when_closed: WhenClosed;
  closed_message: string;
  updated_at: Date;
}

function toSettings(r: SettingsRow): AvailabilitySettings {
  return {
    enabled: r.enabled,
    timeZone: r.time_zone,
    weekly: r.weekly,
    closedDates: r.closed_dates,
    whenClosed: r.when_closed,
    closedMessage: r.closed_message,
    updatedAt: r.updated_at.toISOString(),
  };
}

/** Whether the site is open at `now` given its settings and whether an agent is online: the whole rule, with no I/O. */
export function availabilityAt(s: AvailabilitySettings, anyAgentOnline: boolean, now: number): Availability {
  const shown = { whenClosed: s.whenClosed, closedMessage: s.closedMessage };
  if (!s.enabled) return { open: true, reason: 'unrestricted', nextOpenAt: null, ...shown };
  const hours = withinHours(s, now);
  if (!hours.within) {
    const next = nextOpening(s, now);
    return { open: false, reason: hours.reason, nextOpenAt: next === null ? null : new Date(next).toISOString(), ...shown };
  }
  if (!anyAgentOnline) return { open: false, reason: 'no_agent_online', nextOpenAt: null, ...shown };
  return { open: true, reason: 'open', nextOpenAt: null, ...shown };
}

export type AvailabilityListener = (availability: Availability) => void;

/**
 * The site's opening hours and whether it is open now: within its hours AND at least one agent
 * online (`agents.status`, which the presence leases keep true across nodes). Each node rechecks
 * every AVAILABILITY_CHECK_INTERVAL (an agent of another node, a change made through another node),
 * at the next boundary of the hours, and soon after a presence change here (debounced); when `open`
 * changes, its listeners (the gateway: this node's widget sockets) hear it once.
 */
@Injectable()
export class AvailabilityService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Availability');
  private settings: AvailabilitySettings | undefined;
  private lastOpen: boolean | undefined;
  private listeners: AvailabilityListener[] = [];
  private interval: NodeJS.Timeout | undefined;
  private boundary: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly agents: AgentsService,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe = this.events.subscribe((e) => {
      if (e.type === 'agent.updated') this.recheckSoon();
    });
    this.interval = setInterval(() => void this.recheck(), this.config.availabilityCheckIntervalMs);
    this.interval.unref();
    await this.recheck();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    this.unsubscribe?.();
    clearInterval(this.interval);
    clearTimeout(this.boundary);
    clearTimeout(this.debounce);
  }

  /** Hear each change of `open` (this node's view). Returns the unsubscribe. */
  onChange(listener: AvailabilityListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => (this.listeners = this.listeners.filter((l) => l !== listener));
  }

  async getSettings(): Promise<AvailabilitySettings> {
    return this.load();
  }

  async update(body: UpdateAvailabilitySettingsRequest): Promise<AvailabilitySettings> {
    const closedDates = [...new Set(body.closedDates)].sort();
    const weekly = [...body.weekly];
    await this.db.query(
      `UPDATE availability_settings SET enabled = $1, time_zone = $2, weekly = $3::jsonb, closed_dates = $4::jsonb, when_closed = $5, closed_message = $6, updated_at = now()`,
      [body.enabled, body.timeZone, JSON.stringify(weekly), JSON.stringify(closedDates), body.whenClosed, body.closedMessage],
    );
    const settings = await this.load();
    this.recheckSoon(0);
    return settings;
  }

  /** Whether the site is open now, why, and when it opens next. */
  async current(now = Date.now()): Promise<Availability> {
    const settings = this.settings ?? (await this.load());
    // Without hours nothing else matters: no query per page load.
    const online = settings.enabled && withinHours(settings, now).within ? await this.agents.anyOnline() : false;
    return availabilityAt(settings, online, now);
  }

  /** Recheck once the burst is over. */
  recheckSoon(ms = AVAILABILITY_DEBOUNCE_MS): void {
    if (this.stopped) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.recheck(), ms);
    this.debounce.unref();
  }

  /** Reloads the settings (they may have changed through another node), tells the listeners if `open` changed, and sets the boundary timer. */
  async recheck(): Promise<void> {
    try {
      const settings = await this.load();
      const now = Date.now();
      const availability = await this.current(now);
      if (this.lastOpen !== undefined && this.lastOpen !== availability.open) {
        for (const listener of this.listeners) listener(availability);
      }
      this.lastOpen = availability.open;
      this.scheduleBoundary(settings, now);
    } catch (err) {
      this.log.warn(`could not check the availability: ${String(err)}`);
    }
  }

  private scheduleBoundary(settings: AvailabilitySettings, now: number): void {
    clearTimeout(this.boundary);
    if (!settings.enabled || this.stopped) return;
    const next = nextBoundary(settings, now);
    if (next === null || next - now > MAX_TIMER_MS) return;
    this.boundary = setTimeout(() => void this.recheck(), next - now + 50);
    this.boundary.unref();
  }

  private async load(): Promise<AvailabilitySettings> {
    const [row] = (await this.db.query(
      `SELECT enabled, time_zone, weekly, closed_dates, when_closed, closed_message, updated_at FROM availability_settings`,
    )) as SettingsRow[];
    this.settings = toSettings(row);
    return this.settings;
  }
}
