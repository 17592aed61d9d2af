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
    color: e.color,
    allowedOrigins: [...e.allowedOrigins],
    identityRequired: e.identityRequired,
    identitySecrets,
    updatedAt: iso(e.updatedAt),
  };
}

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

  async update(body: UpdateWidgetSettingsRequest): Promise<WidgetSettings> {
    const allowedOrigins = [...new Set(body.allowedOrigins)];
    await this.repo.update({ id: SINGLETON_ID }, { ...body, allowedOrigins, updatedAt: new Date() });
    return this.load();
  }

  /** The settings as the database has them now (for admins: another node may have just changed them). */
  fresh(): Promise<WidgetSettings> {
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
