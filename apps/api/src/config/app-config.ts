import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { FileTypeName } from '../files/file-types';
import { EnvSchema, type RateSetting, type StorageSetting } from './config.schema';

export type { RateSetting, StorageSetting };

/** Uploaded files: where they are kept and what is accepted. */
export interface UploadSettings {
  storage: { kind: 's3'; s3: StorageSetting } | { kind: 'disk' };
  /** The files on the local disk, and always the uploads in progress (`.tmp` below it). */
  dir: string;
  maxBytes: number;
  allowedTypes: readonly FileTypeName[];
  ratePerVisitor: RateSetting;
  threadMaxBytes: number;
  unattachedTtlSeconds: number;
  cleanupIntervalSeconds: number;
}

/** Webhook delivery: targets, timing and retries (WEBHOOK_*). */
export interface WebhookSettings {
  allowedHosts: readonly string[];
  retryScheduleMs: readonly number[];
  timeoutMs: number;
  disableAfterMs: number;
  requireHttps: boolean;
  pollIntervalMs: number;
  logRetentionMs: number;
}

/** Email (SMTP_URL, MAIL_FROM, EMAIL_*): `smtp` null means mail is off. */
export interface EmailSettings {
  smtp: { url: string; from: string } | null;
  idleDelayMs: number;
  digestIntervalMs: number;
  linkTtlMs: number;
  dailyCap: number;
  retryScheduleMs: readonly number[];
  timeoutMs: number;
  pollIntervalMs: number;
}

/** Socket rate limits: per principal and event class, per client address on handshakes, per connection on refusals. */
export interface SocketRateLimits {
  messageSend: RateSetting;
  threadStart: RateSetting;
  typing: RateSetting;
  other: RateSetting;
  handshake: RateSetting;
  handshakeFailed: RateSetting;
  refusals: RateSetting;
}

/** Typed, validated configuration; built once at boot and injected everywhere as `AppConfig`. */
export class AppConfig {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string | undefined;
  readonly publicUrl: string;
  readonly database:
    | { kind: 'postgres'; url: string; poolSize: number }
    | { kind: 'embedded'; dataDir: string };
  readonly redisUrl: string | undefined;
  /** `auto`: sharded pub/sub when the Redis server is 7 or newer, else classic pub/sub. */
  readonly redisSharded: 'auto' | boolean;
  readonly jwtSecret: string;
  readonly agentTokenTtlSeconds: number;
  readonly visitorTokenTtlSeconds: number;
  readonly allowedOrigins: readonly string[];
  readonly authRateLimitPerMinute: number;
  /** Express's `trust proxy`: false, a hop count, or the trusted proxies' addresses and ranges. */
  readonly trustProxy: false | number | string[];
  readonly socketRateLimits: SocketRateLimits;
  /** Failed logins per account before a lockout (LOGIN_FAILURES_PER_ACCOUNT). */
  readonly loginFailuresPerAccount: RateSetting;
  /** Requests per API key (API_KEY_RATE_LIMIT). */
  readonly apiKeyRateLimit: RateSetting;
  readonly logLevel: string;
  readonly shutdownTimeoutMs: number;
  readonly uploads: UploadSettings;
  /** Who may read `/metrics`: a bearer token on the main port, and/or a port of its own. */
  readonly metrics: { token: string | undefined; port: number | undefined; host: string };
  readonly webhooks: WebhookSettings;
  readonly email: EmailSettings;
  /** How long audit log entries are kept (AUDIT_RETENTION, at least 30 days). */
  readonly auditRetentionMs: number;
  /** How often each node checks whether the nightly retention run is due (RETENTION_CHECK_INTERVAL). */
  readonly retentionCheckIntervalMs: number;
  /** How long an agent's presence lease lasts without renewal (PRESENCE_TTL). */
  readonly presenceTtlMs: number;
  /** How often each node rechecks the site's availability (AVAILABILITY_CHECK_INTERVAL). */
  readonly availabilityCheckIntervalMs: number;
  /** How often each node sweeps the routing queues and the unanswered timeout (ROUTING_SWEEP_INTERVAL). */
  readonly routingSweepIntervalMs: number;

  private constructor(source: NodeJS.ProcessEnv) {
    const parsed = EnvSchema.safeParse(source);
    if (!parsed.success) {
      const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
      throw new Error(`Invalid configuration:\n${lines}`);
    }
    const e = parsed.data;
    this.env = e.NODE_ENV;
    this.port = e.PORT;
    this.host = e.HOST;
    this.publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
    const dataDir = resolve(e.PGLITE_DATA_DIR);
    this.database = e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : { kind: 'embedded', dataDir };
    this.redisUrl = e.REDIS_URL;
    this.redisSharded = e.REDIS_SHARDED === 'auto' ? 'auto' : e.REDIS_SHARDED === 'true';
    if (!e.JWT_SECRET && e.NODE_ENV === 'production') {
      throw new Error('Invalid configuration:\n  JWT_SECRET: required in production (at least 32 characters)');
    }
    this.jwtSecret = e.JWT_SECRET ?? AppConfig.localSecret(join(dirname(dataDir), 'jwt-secret'));
    this.agentTokenTtlSeconds = e.AGENT_TOKEN_TTL_SECONDS;
    this.visitorTokenTtlSeconds = e.VISITOR_TOKEN_TTL_SECONDS;
    const defaults = [this.publicUrl, `http://localhost:${e.PORT}`, `http://127.0.0.1:${e.PORT}`];
    this.allowedOrigins = [...new Set([...(e.ALLOWED_ORIGINS ?? []), ...defaults].map((o) => new URL(o).origin))];
    this.authRateLimitPerMinute = e.AUTH_RATE_LIMIT_PER_MINUTE;
    this.trustProxy = e.TRUST_PROXY;
    this.loginFailuresPerAccount = e.LOGIN_FAILURES_PER_ACCOUNT;
    this.apiKeyRateLimit = e.API_KEY_RATE_LIMIT;
    this.socketRateLimits = {
      messageSend: e.SOCKET_RATE_MESSAGE_SEND,
      threadStart: e.SOCKET_RATE_THREAD_START,
      typing: e.SOCKET_RATE_TYPING,
      other: e.SOCKET_RATE_OTHER,
      handshake: e.SOCKET_RATE_HANDSHAKE,
      handshakeFailed: e.SOCKET_RATE_HANDSHAKE_FAILED,
      refusals: e.SOCKET_RATE_REFUSALS,
    };
    this.logLevel = e.LOG_LEVEL;
    this.shutdownTimeoutMs = e.SHUTDOWN_TIMEOUT_MS;
    this.metrics = { token: e.METRICS_TOKEN, port: e.METRICS_PORT, host: e.METRICS_HOST };
    this.uploads = {
      // Beside the embedded database by default, so `npm start` needs no setting for files either.
      storage: e.STORAGE_URL ? { kind: 's3', s3: e.STORAGE_URL } : { kind: 'disk' },
      dir: resolve(e.UPLOADS_DIR ?? join(dirname(dataDir), 'uploads')),
      maxBytes: e.UPLOAD_MAX_BYTES,
      allowedTypes: e.UPLOAD_ALLOWED_TYPES,
      ratePerVisitor: e.UPLOAD_RATE_VISITOR,
      threadMaxBytes: e.UPLOAD_THREAD_MAX_BYTES,
      unattachedTtlSeconds: e.UPLOAD_UNATTACHED_TTL_SECONDS,
      cleanupIntervalSeconds: e.UPLOAD_CLEANUP_INTERVAL_SECONDS,
    };
    this.webhooks = {
      allowedHosts: e.WEBHOOK_ALLOWED_HOSTS,
      retryScheduleMs: e.WEBHOOK_RETRY_SCHEDULE,
      timeoutMs: e.WEBHOOK_TIMEOUT,
      disableAfterMs: e.WEBHOOK_DISABLE_AFTER,
      requireHttps: e.WEBHOOK_REQUIRE_HTTPS === undefined ? e.NODE_ENV === 'production' : e.WEBHOOK_REQUIRE_HTTPS === 'true',
      pollIntervalMs: e.WEBHOOK_POLL_INTERVAL,
      logRetentionMs: e.WEBHOOK_LOG_RETENTION,
    };
    if (e.SMTP_URL && !e.MAIL_FROM) throw new Error('Invalid configuration:\n  MAIL_FROM: required with SMTP_URL (the sender of the mail)');
    this.email = {
      smtp: e.SMTP_URL && e.MAIL_FROM ? { url: e.SMTP_URL, from: e.MAIL_FROM } : null,
      idleDelayMs: e.EMAIL_IDLE_DELAY,
      digestIntervalMs: e.EMAIL_DIGEST_INTERVAL,
      linkTtlMs: e.EMAIL_LINK_TTL,
      dailyCap: e.EMAIL_DAILY_CAP,
      retryScheduleMs: e.EMAIL_RETRY_SCHEDULE,
      timeoutMs: e.EMAIL_TIMEOUT,
      pollIntervalMs: e.EMAIL_POLL_INTERVAL,
    };
    this.auditRetentionMs = e.AUDIT_RETENTION;
    this.retentionCheckIntervalMs = e.RETENTION_CHECK_INTERVAL;
    this.presenceTtlMs = e.PRESENCE_TTL;
    this.availabilityCheckIntervalMs = e.AVAILABILITY_CHECK_INTERVAL;
    this.routingSweepIntervalMs = e.ROUTING_SWEEP_INTERVAL;
  }

  static fromEnv(source: NodeJS.ProcessEnv = process.env): AppConfig {
    return new AppConfig(source);
  }

  /**
   * Outside production a missing JWT_SECRET is generated once and kept beside the embedded
   * database, so tokens survive restarts without the user having to invent a secret.
   */
  private static localSecret(file: string): string {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch {
      mkdirSync(dirname(file), { recursive: true });
      const secret = randomBytes(48).toString('base64url');
      writeFileSync(file, secret, { mode: 0o600 });
      return secret;
    }
  }
}
