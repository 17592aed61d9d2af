import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

/**
 * Which web origins may open a socket (and frame the widget): ALLOWED_ORIGINS and Parley's own
 * from the config, plus the customer sites an admin lists in the widget settings.
 */
@Injectable()
export class OriginPolicy {
  private readonly fromConfig: ReadonlySet<string>;
  private managed: ReadonlySet<string> = new Set();

  constructor(config: AppConfig) {
    this.fromConfig = new Set(config.allowedOrigins);
  }

  isAllowed(origin: string): boolean {
    return this.fromConfig.has(origin) || this.managed.has(origin);
  }

  /** Replaces the admin-managed origins (called when the widget settings load or change). */
  setManaged(origins: readonly string[]): void {
    this.managed = new Set(origins);
  }

  all(): string[] {
    return [...new Set([...this.fromConfig, ...this.managed])];
  }
}
