import { Global, Module } from '@nestjs/common';
import { DomainEvents } from './domain-events';
import { OriginPolicy } from './origin-policy';

/** Process-wide plumbing every feature module may use. */
@Global()
@Module({ providers: [DomainEvents, OriginPolicy], exports: [DomainEvents, OriginPolicy] })
export class CommonModule {}
