import { canonicalOrigin } from '@parley/contracts';
import { isIP } from 'node:net';
import { z } from 'zod';

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
  /** How long SIGTERM waits for in-flight requests and socket acks before closing anyway. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type Env = z.infer<typeof EnvSchema>;
