import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { canonicalOrigin, type CreatedIdentitySecret, type IdentitySecret, type UpdateWidgetSettingsRequest, type WidgetSettings } from '@parley/contracts';
import { Repository } from 'typeorm';
import { iso } from '../common/mappers';
import { OriginPolicy } from '../common/origin-policy';
import { IdentitySecretsStore } from './identity-secrets.store';
import { WidgetSettingsEntity } from './widget-settings.entity';

/** How often a node re-reads the settings, so a change made through another node reaches it too. */
export const WIDGET_SETTINGS_REFRESH_MS = 30_000;

const SINGLETON_ID = 1;

function toSettings(e: WidgetSettingsEntity, identitySecrets: IdentitySecret[]): WidgetSettings {
  return {
    title: e.title,
    greetingLines: [...e.greetingLines],
    defaultLocale: e.defaultLocale,
    translations: structuredClone(e.translations),
    color: e.color,
    allowedOrigins: [...e.allowedOrigins],
    identityRequired: e.identityRequired,
    identitySecrets,
    updatedAt: iso(e.updatedAt),
    seenOn: e.seenOrigin && e.seenAt ? { origin: e.seenOrigin, at: iso(e.seenAt) } : null,
    showVisitorIp: e.showVisitorIp,
  };
}

/** A site's visits are written at most this often per node: the settings are read on every page load. */
const SEEN_WRITE_MS = 60_000;

/**
 * The widget's settings and the admin-managed origins. The settings are read on every customer
 * page load, so they are served from memory: loaded at boot, replaced on change, and re-read every
 * {@link WIDGET_SETTINGS_REFRESH_MS} because an admin may have changed them through another node.
 * Each load also hands the origins to the {@link OriginPolicy} (sockets, frame-ancestors, CORS).
 */
@Injectable()
export class WidgetService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('Widget');
  private current: WidgetSettings | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** When this node last wrote each site as seen. */
  private readonly written = new Map<string, number>();

  constructor(
    @InjectRepository(WidgetSettingsEntity) private readonly repo: Repository<WidgetSettingsEntity>,
    private readonly origins: OriginPolicy,
    private readonly secrets: IdentitySecretsStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.load();
    this.timer = setInterval(() => {
      this.load().catch((err: unknown) => this.log.warn(`could not refresh the widget settings: ${String(err)}`));
    }, WIDGET_SETTINGS_REFRESH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async get(): Promise<WidgetSettings> {
    return this.current ?? this.load();
  }

  /** The settings as stored now (the admin's page: where the widget was seen may be newer than the cache). */
  async fresh(): Promise<WidgetSettings> {
    return this.load();
  }

  /**
   * Records that a page of `origin` (an allowed site) loaded the widget. Best effort: a failed write
   * is logged, never the visitor's problem; written at most once a minute per site and node. `updated_at` (the settings' own change time) is left alone.
   */
  async seen(origin: string): Promise<void> {
    const now = Date.now();
    const last = this.written.get(origin);
    if (last !== undefined && now - last < SEEN_WRITE_MS) return;
    this.written.set(origin, now);
    if (this.written.size > 1000) this.written.clear();
    try {
      await this.repo.query(`UPDATE widget_settings SET seen_origin = $1, seen_at = date_trunc('minute', now()) WHERE id = $2`, [origin, SINGLETON_ID]);
    } catch (err) {
      this.log.warn(`could not record the widget as seen on ${origin}: ${String(err)}`);
    }
  }

  async update(body: UpdateWidgetSettingsRequest): Promise<WidgetSettings> {
    const allowedOrigins = [...new Set(body.allowedOrigins)];
    // A language with none of its own texts is no entry at all.
    const translations = body.translations && Object.fromEntries(Object.entries(body.translations).filter(([, t]) => Object.keys(t).length > 0));
    await this.repo.update({ id: SINGLETON_ID }, { ...body, allowedOrigins, translations, updatedAt: new Date() });
    return this.load();
  }

  /** A new identity secret, shown this once; the previous one stays valid (rotation). */
  async createIdentitySecret(): Promise<CreatedIdentitySecret> {
    const created = await this.secrets.create();
    await this.load();
    return created;
  }

  async removeIdentitySecret(id: string): Promise<void> {
    await this.secrets.remove(id);
    await this.load();
  }

  /**
   * Whether anonymous visitor sessions are refused. Read from the database, not the copy in memory:
   * an admin who just turned it on through another node expects it to hold everywhere at once.
   */
  async identityRequired(): Promise<boolean> {
    const row = await this.repo.findOne({ where: { id: SINGLETON_ID }, select: { id: true, identityRequired: true } });
    return row?.identityRequired ?? false;
  }

  private async load(): Promise<WidgetSettings> {
    const row = await this.repo.findOneByOrFail({ id: SINGLETON_ID });
    const settings = toSettings(row, await this.secrets.list());
    // Entries stored before origins were checked strictly (a wildcard, a `;` that would add a CSP
    // directive) are dropped, not trusted: the admin page shows what is really allowed.
    const allowedOrigins = settings.allowedOrigins.filter((o) => canonicalOrigin(o) === o);
    if (allowedOrigins.length !== settings.allowedOrigins.length) {
      this.log.warn(`ignoring stored widget origins that are not one origin each: ${JSON.stringify(settings.allowedOrigins.filter((o) => !allowedOrigins.includes(o)))}`);
    }
    this.current = { ...settings, allowedOrigins };
    this.origins.setManaged(this.current.allowedOrigins);
    return this.current;
  }
}
