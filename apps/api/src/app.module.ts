import { type DynamicModule, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { httpLogging } from './common/logging';
import { AgentsModule } from './agents/agents.module';
import { AvailabilityModule } from './availability/availability.module';
import { AuthModule } from './auth/auth.module';
import { CannedModule } from './canned/canned.module';
import { CommonModule } from './common/common.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { FilesModule } from './files/files.module';
import { GatewayModule } from './gateway/gateway.module';
import { HealthModule } from './health/health.module';
import { AuditModule } from './audit/audit.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { IntegrationsModule } from './integrations/integrations.module';
import { MetricsModule } from './metrics/metrics.module';
import { TagsModule } from './tags/tags.module';
import { NotesModule } from './notes/notes.module';
import { ReportsModule } from './reports/reports.module';
import { PrivacyModule } from './privacy/privacy.module';
import { ThreadsModule } from './threads/threads.module';
import { UsersModule } from './users/users.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { WidgetModule } from './widget/widget.module';
import { EmailModule } from './email/email.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({ pinoHttp: httpLogging(config) }),
        // Applied only where a handler opts in (login, setup, visitor sessions): they are the ones worth guessing at.
        ThrottlerModule.forRoot([{ ttl: 60_000, limit: config.authRateLimitPerMinute }]),
        CommonModule,
        DatabaseModule,
        AuditModule,
        AuthModule,
        UsersModule,
        AgentsModule,
        ThreadsModule,
        TagsModule,
        PrivacyModule,
        NotesModule,
        FilesModule,
        IntegrationsModule,
        IdempotencyModule,
        WebhooksModule,
        EmailModule,
        CannedModule,
        ReportsModule,
        WidgetModule,
        AvailabilityModule,
        GatewayModule,
        HealthModule,
        MetricsModule,
      ],
    };
  }
}
