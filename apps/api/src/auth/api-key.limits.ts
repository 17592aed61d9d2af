import { Injectable, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimiters, rateLimited } from '../common/rate-limiters';
import { AppConfig } from '../config/app-config';

/**
 * Requests per API key (API_KEY_RATE_LIMIT), shared by the nodes through Redis when it is
 * configured. Every answer to a key carries the allowance in the IETF draft's headers
 * (draft-ietf-httpapi-ratelimit-headers): RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset
 * (seconds until the window ends); a refusal adds Retry-After (set by the problem filter).
 */
@Injectable()
export class ApiKeyLimits {
  private readonly log = new Logger('RateLimits');
  private readonly limiter: RateLimiterAbstract;
  private readonly points: number;

  constructor(config: AppConfig, limiters: RateLimiters) {
    this.points = config.apiKeyRateLimit.points;
    this.limiter = limiters.create('apikey', config.apiKeyRateLimit);
  }

  /** Counts one request of the key; throws RATE_LIMITED past its allowance. */
  async admit(keyId: string, res: Response): Promise<void> {
    const outcome = await this.limiter.consume(keyId).then(
      (r) => ({ ok: true, r }),
      (r: unknown) => ({ ok: false, r }),
    );
    if (!(outcome.r instanceof RateLimiterRes)) {
      // The store failed and had no insurance to ask: let the request through rather than refuse every key.
      this.log.warn(`API key limiter: ${outcome.r instanceof Error ? outcome.r.message : String(outcome.r)}`);
      return;
    }
    const r = outcome.r;
    res.setHeader('RateLimit-Limit', String(this.points));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, r.remainingPoints)));
    res.setHeader('RateLimit-Reset', String(Math.max(0, Math.ceil(r.msBeforeNext / 1000))));
    if (!outcome.ok) throw rateLimited('api_key', 'requests with this API key', r);
  }
}
