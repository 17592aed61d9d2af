import { Global, Module } from '@nestjs/common';
import { DomainEvents } from './domain-events';
import { OriginPolicy } from './origin-policy';
import { RateLimiters } from './rate-limiters';

/** Process-wide plumbing every feature module may use. */
@Global()
@Module({ providers: [DomainEvents, OriginPolicy, RateLimiters], exports: [DomainEvents, OriginPolicy, RateLimiters] })
export class CommonModule {}
