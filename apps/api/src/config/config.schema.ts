import { canonicalOrigin } from '@parley/contracts';
import { isIP } from 'node:net';
import { z } from 'zod';
import { FILE_TYPE_NAMES } from '../files/file-types';

/** Comma-separated origins, each exactly one origin (the operator may allow plain http). */
const origins = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z
        .string()
        .refine((o) => canonicalOrigin(o, { allowHttp: true }) !== null, { message: 'not an origin like https://shop.example.com (no path, wildcard or separator)' })
        .transform((o) => canonicalOrigin(o, { allowHttp: true }) ?? o),
    ),
  );

/**
 * The proxies whose X-Forwarded-For is believed, in Express's `trust proxy` terms: a number of hops,
 * or a comma-separated list of addresses, CIDR ranges and the names loopback, linklocal, uniquelocal.
 * Unset: none (the client is the peer of the TCP connection).
 */
const trustProxy = z
  .string()
  .trim()
  .transform((s, ctx): number | string[] | false => {
    if (s === '' || s === 'false') return false;
    if (/^\d+$/.test(s)) return Number(s);
    const entries = s.split(',').map((x) => x.trim()).filter(Boolean);
    for (const e of entries) {
      const [address, bits, ...rest] = e.split('/');
      const named = ['loopback', 'linklocal', 'uniquelocal'].includes(e);
      const family = isIP(address);
      const maxBits = family === 4 ? 32 : 128;
      const prefixOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= maxBits);
      if (!named && (family === 0 || !prefixOk || rest.length > 0)) {
        ctx.addIssue({ code: 'custom', message: `"${e}" is not an address, a CIDR range, loopback, linklocal or uniquelocal` });
        return z.NEVER;
      }
    }
    return entries;
  });

/** `<points>/<window>`, e.g. `20/10s` or `5/1m`: at most that many in each window. */
const rate = z
  .string()
  .regex(/^\s*\d+\s*\/\s*\d+\s*[sm]\s*$/, 'expected <count>/<window>, e.g. 20/10s or 5/1m')
  .transform((s) => {
    const [, points, amount, unit] = /(\d+)\s*\/\s*(\d+)\s*([sm])/.exec(s) ?? [];
    return { points: Number(points), durationSeconds: Number(amount) * (unit === 'm' ? 60 : 1) };
  })
  .refine((r) => r.points >= 1 && r.durationSeconds >= 1, 'count and window must be at least 1');
export type RateSetting = z.infer<typeof rate>;

/**
 * Where uploaded files go when not on the local disk: an S3-compatible bucket,
 * `s3://[<access key>:<secret>@]<bucket>[/<key prefix>]?endpoint=<url>&region=<region>&forcePathStyle=true`.
 * Without credentials in the URL the AWS SDK's own chain is used (AWS_ACCESS_KEY_ID, a role, ...).
 */
const storageUrl = z
  .string()
  .refine((s) => URL.canParse(s) && new URL(s).protocol === 's3:' && new URL(s).hostname !== '', 'expected s3://[key:secret@]bucket[/prefix]?endpoint=...')
  .transform((s) => {
    const u = new URL(s);
    const endpoint = u.searchParams.get('endpoint') ?? undefined;
    return {
      bucket: u.hostname,
      prefix: decodeURIComponent(u.pathname.replace(/^\/+|\/+$/g, '')),
      endpoint,
      region: u.searchParams.get('region') ?? 'us-east-1',
      forcePathStyle: u.searchParams.get('forcePathStyle') === 'true' || (endpoint !== undefined && u.searchParams.get('forcePathStyle') !== 'false'),
      credentials: u.username ? { accessKeyId: decodeURIComponent(u.username), secretAccessKey: decodeURIComponent(u.password) } : undefined,
    };
  })
  .refine((c) => c.endpoint === undefined || URL.canParse(c.endpoint), 'endpoint: not a URL');
export type StorageSetting = z.infer<typeof storageUrl>;

const fileTypes = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean))
  .pipe(z.array(z.enum(FILE_TYPE_NAMES, { message: `expected a comma-separated list of ${FILE_TYPE_NAMES.join(', ')}` })).min(1));

const DURATION_UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** A duration like `500ms`, `0.2s`, `30s`, `2m`, `1h`, `3d`, in milliseconds. */
const duration = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?(ms|s|m|h|d)$/, 'expected a duration like 500ms, 30s, 2m, 1h or 3d')
  .transform((s) => {
    const [, amount, unit] = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(s) ?? [];
    return Math.round(Number(amount) * DURATION_UNITS_MS[unit as keyof typeof DURATION_UNITS_MS]);
  })
  .refine((ms) => ms >= 1, 'at least 1ms');

/** Comma-separated durations: the waits before each retry of a webhook delivery. */
const retrySchedule = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(duration).min(1, 'at least one retry delay').max(20));

/** Host names or addresses a webhook may target although they are private (exactly as written in the URL). */
const webhookHosts = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1')).filter(Boolean))
  .pipe(
    z.array(
      z.string().refine((h) => isIP(h) !== 0 || /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)*\.?$/.test(h), {
        message: 'not a host name or an IP address',
      }),
    ),
  );

/** The SMTP server mail goes through: `smtp://[user:password@]host[:port]` or `smtps://...` (TLS from the start). */
const smtpUrl = z
  .string()
  .trim()
  .refine((s) => URL.canParse(s) && ['smtp:', 'smtps:'].includes(new URL(s).protocol) && new URL(s).hostname !== '', 'expected smtp://[user:password@]host[:port] or smtps://...')
  .refine((s) => !URL.canParse(s) || new URL(s).port === '' || (Number(new URL(s).port) >= 1 && Number(new URL(s).port) <= 65535), 'port must be 1-65535');

/** The sender of Parley's mail: `support@shop.example` or `Shop support <support@shop.example>`. */
const mailFrom = z
  .string()
  .trim()
  .refine((s) => /^(?:[^<>@\r\n]*<[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+)$/.test(s), 'expected an address like support@shop.example or "Shop <support@shop.example>"');

/** Every environment variable the server reads, validated once at boot. */
export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().optional(),
  /** Public base URL, used in logs and as an allowed origin. */
  PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z.url().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  PGLITE_DATA_DIR: z.string().default('.data/pglite'),
  REDIS_URL: z.url().optional(),
  /** Sharded pub/sub (SPUBLISH, Redis 7+) for the socket.io adapter; `auto` asks the server's version at start. */
  REDIS_SHARDED: z.enum(['auto', 'true', 'false']).default('auto'),
  JWT_SECRET: z.string().min(32).optional(),
  AGENT_TOKEN_TTL_SECONDS: z.coerce.number().int().positive().default(12 * 3600),
  VISITOR_TOKEN_TTL_SECONDS: z.coerce.number().int().positive().default(30 * 24 * 3600),
  ALLOWED_ORIGINS: origins.optional(),
  AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(20),
  TRUST_PROXY: trustProxy.default(false),
  /** Socket events per principal (visitor or agent) and event class; see README "Rate limits". */
  SOCKET_RATE_MESSAGE_SEND: rate.prefault('20/10s'),
  SOCKET_RATE_THREAD_START: rate.prefault('5/1m'),
  SOCKET_RATE_TYPING: rate.prefault('20/10s'),
  SOCKET_RATE_OTHER: rate.prefault('200/10s'),
  /** Socket handshakes per client address: all of them, and those refused for their token. */
  SOCKET_RATE_HANDSHAKE: rate.prefault('300/1m'),
  SOCKET_RATE_HANDSHAKE_FAILED: rate.prefault('30/1m'),
  /** Refused events on one connection before it is closed (a burst is answered; a flood is cut). */
  SOCKET_RATE_REFUSALS: rate.prefault('3000/1m'),
  /** Failed logins per account (email) before it is locked; each lockout lasts the window, doubling per lockout that day. */
  LOGIN_FAILURES_PER_ACCOUNT: rate.prefault('10/15m'),
  /** Requests per API key, on every node together when REDIS_URL is set (answered with RateLimit-* headers). */
  API_KEY_RATE_LIMIT: rate.prefault('1200/1m'),
  /** How long SIGTERM waits for in-flight requests and socket acks before closing anyway. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  /** S3-compatible object storage for uploaded files; unset: the local disk (UPLOADS_DIR). */
  STORAGE_URL: storageUrl.optional(),
  /** Where files go on the local disk; default: `uploads` beside the embedded database's folder. */
  UPLOADS_DIR: z.string().optional(),
  UPLOAD_MAX_BYTES: z.coerce.number().int().min(1).max(1024 ** 3).default(10 * 1024 * 1024),
  UPLOAD_ALLOWED_TYPES: fileTypes.prefault('png,jpeg,gif,webp,pdf,txt'),
  /** Uploads per visitor; agents and integrators are not counted. */
  UPLOAD_RATE_VISITOR: rate.prefault('20/10m'),
  /** Bytes of files one thread may hold, attached or waiting. */
  UPLOAD_THREAD_MAX_BYTES: z.coerce.number().int().min(1).default(100 * 1024 * 1024),
  /** Uploads never attached to a message are deleted this long after they were made. */
  UPLOAD_UNATTACHED_TTL_SECONDS: z.coerce.number().int().min(1).default(24 * 3600),
  /** How often the cleanup runs (expired uploads, files of deleted rows). */
  UPLOAD_CLEANUP_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Bearer token that `GET /metrics` asks for; unset: no `/metrics` on the main port (404). */
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  /** A port of its own for `GET /metrics`, with no token, bound to METRICS_HOST (keep it off the internet). */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
  /** Webhook targets allowed although they resolve to a private, loopback or link-local address (host as written in the URL). */
  WEBHOOK_ALLOWED_HOSTS: webhookHosts.prefault(''),
  /** Waits before each retry of a failed webhook delivery; after the last one the delivery is given up. */
  WEBHOOK_RETRY_SCHEDULE: retrySchedule.prefault('30s,2m,10m,1h,6h,24h'),
  /** A delivery succeeds on a 2xx within this time. */
  WEBHOOK_TIMEOUT: duration.prefault('10s'),
  /** An endpoint failing for this long (no success in between) is turned off. */
  WEBHOOK_DISABLE_AFTER: duration.prefault('3d'),
  /** Only https targets; default: true when NODE_ENV=production. */
  WEBHOOK_REQUIRE_HTTPS: z.enum(['true', 'false']).optional(),
  /** Finished deliveries (and events no delivery needs any more) older than this are deleted. */
  WEBHOOK_LOG_RETENTION: duration.prefault('30d'),
  /** How often each node looks for due deliveries (it also looks at once after writing an event). */
  WEBHOOK_POLL_INTERVAL: duration.prefault('1s'),
  /** Audit log entries older than this are deleted (at least 30 days). */
  AUDIT_RETENTION: duration.prefault('365d').refine((ms) => ms >= 30 * 24 * 3600 * 1000, 'must be at least 30d'),
  /** How often each node checks whether the nightly retention run is due (it runs once a day, on one node). */
  RETENTION_CHECK_INTERVAL: duration.prefault('1h'),
  /**
   * How long an agent stays online after its node last vouched for it (with REDIS_URL: a TTL'd key
   * per agent, renewed by each node for the agents connected to it); a node that dies takes its
   * agents offline within this.
   */
  PRESENCE_TTL: duration.prefault('15s').refine((ms) => ms >= 1000, 'must be at least 1s'),
  /** How often each node rechecks whether the site is open (agents online elsewhere, settings changed elsewhere). */
  AVAILABILITY_CHECK_INTERVAL: duration.prefault('5s'),
  /** How often each node sweeps the queues of auto-routed teams and the unanswered-assignment timeout (routing also runs on every change). */
  ROUTING_SWEEP_INTERVAL: duration.prefault('5s'),
  /** SMTP server for email follow-up, confirmation and transcripts; unset: no mail is sent and those features are off. */
  SMTP_URL: smtpUrl.optional(),
  /** The From of Parley's mail; required with SMTP_URL. */
  MAIL_FROM: mailFrom.optional(),
  /** A visitor gone (no socket) this long with unread agent messages gets a digest by email. */
  EMAIL_IDLE_DELAY: duration.prefault('3m'),
  /** At most one digest per thread in this time. */
  EMAIL_DIGEST_INTERVAL: duration.prefault('10m'),
  /** How long a resume or confirmation link stays valid. */
  EMAIL_LINK_TTL: duration.prefault('7d'),
  /** Mails to one address per 24 h, all kinds together (Parley is no relay). */
  EMAIL_DAILY_CAP: z.coerce.number().int().min(1).max(1000).default(20),
  /** Waits before each retry of a mail the SMTP server refused or did not answer; after the last one it is given up. */
  EMAIL_RETRY_SCHEDULE: retrySchedule.prefault('30s,2m,10m,1h,6h'),
  /** One SMTP conversation may take this long. */
  EMAIL_TIMEOUT: duration.prefault('15s'),
  /** How often each node looks for due mail and for visitors to follow up. */
  EMAIL_POLL_INTERVAL: duration.prefault('5s'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type Env = z.infer<typeof EnvSchema>;
