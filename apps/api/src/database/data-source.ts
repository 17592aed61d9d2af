import type { DataSourceOptions } from 'typeorm';
import { AgentEntity } from '../agents/agent.entity';
import { ApiKeyEntity } from '../integrations/api-key.entity';
import { VisitorEntity } from '../users/visitor.entity';
import { WidgetSettingsEntity } from '../widget/widget-settings.entity';
import { InitialSchema1763776800000 } from './migrations/1763776800000-InitialSchema';
import { WidgetSettings1763863200000 } from './migrations/1763863200000-WidgetSettings';
import { AgentSessions1764547200000 } from './migrations/1764547200000-AgentSessions';
import { ApiKeyScopes1765152000000 } from './migrations/1765152000000-ApiKeyScopes';
import { IdempotencyKeys1765238400000 } from './migrations/1765238400000-IdempotencyKeys';
import { Uploads1765324800000 } from './migrations/1765324800000-Uploads';
import { Webhooks1766100000000 } from './migrations/1766100000000-Webhooks';
import { IdentityVerification1766200000000 } from './migrations/1766200000000-IdentityVerification';
import { WidgetSeenOn1766300000000 } from './migrations/1766300000000-WidgetSeenOn';
import { AuditLog1766800000000 } from './migrations/1766800000000-AuditLog';
import { DataRetention1766900000000 } from './migrations/1766900000000-DataRetention';
import { PrivacyRequests1767500000000 } from './migrations/1767500000000-PrivacyRequests';
import { WidgetLanguages1767400000000 } from './migrations/1767400000000-WidgetLanguages';
import { Availability1767300000000 } from './migrations/1767300000000-Availability';
import { Routing1767000000000 } from './migrations/1767000000000-Routing';
import { ReadReceipts1767200000000 } from './migrations/1767200000000-ReadReceipts';
import { EmailOutbox1767210000000 } from './migrations/1767210000000-EmailOutbox';
import { CannedResponses1766400000000 } from './migrations/1766400000000-CannedResponses';
import { VisitorContext1766700000000 } from './migrations/1766700000000-VisitorContext';
import { TagsAndSearch1766500000000 } from './migrations/1766500000000-TagsAndSearch';
import { RatingsAndReports1766600000000 } from './migrations/1766600000000-RatingsAndReports';
import { PrivateNotes1767100000000 } from './migrations/1767100000000-PrivateNotes';

/**
 * Threads and messages have no entity: their repository and the message writer use SQL of their
 * own (row locks, batched inserts), and the schema is written by hand in the migrations.
 */
export const ENTITIES = [VisitorEntity, AgentEntity, ApiKeyEntity, WidgetSettingsEntity];
export const MIGRATIONS = [InitialSchema1763776800000, WidgetSettings1763863200000, AgentSessions1764547200000, ApiKeyScopes1765152000000, IdempotencyKeys1765238400000, Uploads1765324800000, Webhooks1766100000000, IdentityVerification1766200000000, WidgetSeenOn1766300000000, CannedResponses1766400000000, TagsAndSearch1766500000000, RatingsAndReports1766600000000, VisitorContext1766700000000, AuditLog1766800000000, DataRetention1766900000000, Routing1767000000000, PrivateNotes1767100000000, ReadReceipts1767200000000, EmailOutbox1767210000000, Availability1767300000000, WidgetLanguages1767400000000, PrivacyRequests1767500000000];

/**
 * The one set of TypeORM options. PGlite is a single database session, so the embedded pool holds
 * one connection and transactions never interleave; a real server gets a normal pool.
 */
export function dataSourceOptions(url: string, poolSize: number): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    // Failed queries surface as errors of the request or ack that ran them (logged there when unexpected);
    // TypeORM's own error log would also print the expected ones, such as a duplicate email.
    logging: ['migration'],
    poolSize,
    extra: { max: poolSize, connectionTimeoutMillis: 5000 },
  };
}
