import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditController } from './audit.controller';
import { AuditInterceptor } from './audit.interceptor';
import { AuditService } from './audit.service';
import { RetentionController } from './retention.controller';
import { RetentionService } from './retention.service';

/** The audit log and data retention; global, so any feature can record an action that no route marks (a lockout, a sweep). */
@Global()
@Module({
  controllers: [AuditController, RetentionController],
  providers: [AuditService, RetentionService, { provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
  exports: [AuditService],
})
export class AuditModule {}
