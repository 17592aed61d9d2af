import { Controller, Headers, Res } from '@nestjs/common';
import { ErrorCode } from '@parley/contracts';
import type { Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiRoute } from '../auth/api-route.decorator';
import { AppError } from '../common/app-error';
import { AppConfig } from '../config/app-config';
import { MetricsService } from './metrics.service';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** `GET /metrics` on the main port, for a scraper that holds METRICS_TOKEN. */
@Controller()
export class MetricsController {
  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  @ApiRoute('get /metrics')
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() res: Response): Promise<void> {
    const token = this.config.metrics.token;
    if (!token) throw new AppError(ErrorCode.NotFound, 'Metrics are not served on this port: set METRICS_TOKEN, or METRICS_PORT for a port of their own');
    const given = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '';
    // Compared as digests: the time taken says nothing about how much of the token was right.
    if (!timingSafeEqual(digest(given), digest(token))) throw new AppError(ErrorCode.Unauthenticated, 'Metrics need METRICS_TOKEN as a bearer token');
    const body = await this.metrics.text();
    res.setHeader('Cache-Control', 'no-store');
    res.type(this.metrics.contentType).send(body);
  }
}
