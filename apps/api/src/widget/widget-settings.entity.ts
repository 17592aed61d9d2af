import type { WidgetLocale, WidgetTranslation } from '@parley/contracts';
import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** The one row of widget settings (id is always 1; the table's CHECK keeps it so). */
@Entity({ name: 'widget_settings' })
export class WidgetSettingsEntity {
  @PrimaryColumn({ type: 'smallint' })
  id!: number;

  @Column({ type: 'text' })
  title!: string;

  @Column({ name: 'greeting_lines', type: 'jsonb' })
  greetingLines!: string[];

  @Column({ type: 'text' })
  color!: string;

  /** The site's language (one of WIDGET_LOCALES; the table's CHECK keeps it so). */
  @Column({ name: 'default_locale', type: 'text', default: 'en' })
  defaultLocale!: WidgetLocale;

  /** The admin's title, greeting and closed message per language. */
  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` })
  translations!: Partial<Record<WidgetLocale, WidgetTranslation>>;

  /** Customer sites allowed to embed the widget, besides ALLOWED_ORIGINS. */
  @Column({ name: 'allowed_origins', type: 'jsonb' })
  allowedOrigins!: string[];

  /** Refuse anonymous visitor sessions: only visitors the site identified may chat. */
  @Column({ name: 'identity_required', type: 'boolean', default: false })
  identityRequired!: boolean;

  /** Agents see a visitor's last address in its context. */
  @Column({ name: 'show_visitor_ip', type: 'boolean', default: false })
  showVisitorIp!: boolean;

  /** The site whose page last asked for the settings, and when (written by WidgetService.seen, not with the settings). */
  @Column({ name: 'seen_origin', type: 'text', nullable: true })
  seenOrigin!: string | null;

  @Column({ name: 'seen_at', type: 'timestamptz', nullable: true })
  seenAt!: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
