import { AppConfig } from './app-config';

const base = { JWT_SECRET: 'x'.repeat(32), NODE_ENV: 'test' };

describe('AppConfig', () => {
  it('defaults to the embedded database and the in-memory adapter', () => {
    const c = AppConfig.fromEnv({ ...base, PGLITE_DATA_DIR: '/tmp/parley-test-data' });
    expect(c.database).toEqual({ kind: 'embedded', dataDir: '/tmp/parley-test-data' });
    expect(c.redisUrl).toBeUndefined();
    expect(c.port).toBe(3000);
  });

  it('switches to PostgreSQL and Redis when their URLs are set', () => {
    const c = AppConfig.fromEnv({ ...base, DATABASE_URL: 'postgres://u@db:5432/parley', REDIS_URL: 'redis://cache:6379' });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://u@db:5432/parley', poolSize: 10 });
    expect(c.redisUrl).toBe('redis://cache:6379');
  });

  it('reads the Redis pub/sub mode and the shutdown bound', () => {
    const d = AppConfig.fromEnv({ ...base, REDIS_URL: 'redis://cache:6379' });
    expect(d.redisSharded).toBe('auto');
    expect(d.shutdownTimeoutMs).toBe(10_000);
    const c = AppConfig.fromEnv({ ...base, REDIS_SHARDED: 'false', SHUTDOWN_TIMEOUT_MS: '2500' });
    expect(c.redisSharded).toBe(false);
    expect(c.shutdownTimeoutMs).toBe(2500);
    expect(() => AppConfig.fromEnv({ ...base, REDIS_SHARDED: 'sometimes' })).toThrow(/REDIS_SHARDED/);
  });

  it('reads socket rate limits as <count>/<window>, and names a bad one', () => {
    const d = AppConfig.fromEnv(base);
    expect(d.socketRateLimits.messageSend).toEqual({ points: 20, durationSeconds: 10 });
    expect(d.socketRateLimits.threadStart).toEqual({ points: 5, durationSeconds: 60 });
    const c = AppConfig.fromEnv({ ...base, SOCKET_RATE_MESSAGE_SEND: '1000 / 2m', SOCKET_RATE_HANDSHAKE_FAILED: '3/1s' });
    expect(c.socketRateLimits.messageSend).toEqual({ points: 1000, durationSeconds: 120 });
    expect(c.socketRateLimits.handshakeFailed).toEqual({ points: 3, durationSeconds: 1 });
    expect(() => AppConfig.fromEnv({ ...base, SOCKET_RATE_TYPING: '20 per second' })).toThrow(/SOCKET_RATE_TYPING/);
    expect(() => AppConfig.fromEnv({ ...base, SOCKET_RATE_OTHER: '0/10s' })).toThrow(/SOCKET_RATE_OTHER/);
  });

  it('reads the email settings: off without SMTP_URL, and a bad SMTP_URL or a missing MAIL_FROM stops the start naming the variable', () => {
    const off = AppConfig.fromEnv(base);
    expect(off.email.smtp).toBeNull();
    expect(off.email).toMatchObject({ idleDelayMs: 180_000, digestIntervalMs: 600_000, dailyCap: 20 });
    const on = AppConfig.fromEnv({ ...base, SMTP_URL: 'smtp://user:pw@mail.example.com:2525', MAIL_FROM: 'Shop <help@shop.example>', EMAIL_IDLE_DELAY: '2s' });
    expect(on.email.smtp).toEqual({ url: 'smtp://user:pw@mail.example.com:2525', from: 'Shop <help@shop.example>' });
    expect(on.email.idleDelayMs).toBe(2000);
    expect(() => AppConfig.fromEnv({ ...base, SMTP_URL: 'http://mail.example.com', MAIL_FROM: 'a@b.example' })).toThrow(/SMTP_URL/);
    expect(() => AppConfig.fromEnv({ ...base, SMTP_URL: 'not a url', MAIL_FROM: 'a@b.example' })).toThrow(/SMTP_URL/);
    expect(() => AppConfig.fromEnv({ ...base, SMTP_URL: 'smtp://mail.example.com' })).toThrow(/MAIL_FROM/);
    expect(() => AppConfig.fromEnv({ ...base, SMTP_URL: 'smtp://mail.example.com', MAIL_FROM: 'nobody' })).toThrow(/MAIL_FROM/);
    expect(() => AppConfig.fromEnv({ ...base, EMAIL_RETRY_SCHEDULE: 'soon' })).toThrow(/EMAIL_RETRY_SCHEDULE/);
  });

  it('reads the webhook settings, and names a bad one', () => {
    const d = AppConfig.fromEnv(base);
    expect(d.webhooks).toEqual({
      allowedHosts: [],
      retryScheduleMs: [30_000, 120_000, 600_000, 3_600_000, 21_600_000, 86_400_000],
      timeoutMs: 10_000,
      disableAfterMs: 3 * 86_400_000,
      requireHttps: false,
      pollIntervalMs: 1000,
      logRetentionMs: 30 * 86_400_000,
    });
    expect(AppConfig.fromEnv({ ...base, NODE_ENV: 'production' }).webhooks.requireHttps).toBe(true);
    expect(AppConfig.fromEnv({ ...base, NODE_ENV: 'production', WEBHOOK_REQUIRE_HTTPS: 'false' }).webhooks.requireHttps).toBe(false);
    const c = AppConfig.fromEnv({ ...base, WEBHOOK_ALLOWED_HOSTS: ' 127.0.0.1, Hooks.Internal ,[::1]', WEBHOOK_RETRY_SCHEDULE: '0.2s,500ms,1m', WEBHOOK_TIMEOUT: '2s' });
    expect(c.webhooks.allowedHosts).toEqual(['127.0.0.1', 'hooks.internal', '::1']);
    expect(c.webhooks.retryScheduleMs).toEqual([200, 500, 60_000]);
    expect(c.webhooks.timeoutMs).toBe(2000);
    expect(() => AppConfig.fromEnv({ ...base, WEBHOOK_ALLOWED_HOSTS: 'http://a.test/' })).toThrow(/WEBHOOK_ALLOWED_HOSTS/);
    expect(() => AppConfig.fromEnv({ ...base, WEBHOOK_RETRY_SCHEDULE: '30s,soon' })).toThrow(/WEBHOOK_RETRY_SCHEDULE/);
    expect(() => AppConfig.fromEnv({ ...base, WEBHOOK_RETRY_SCHEDULE: '' })).toThrow(/WEBHOOK_RETRY_SCHEDULE/);
    expect(() => AppConfig.fromEnv({ ...base, WEBHOOK_TIMEOUT: '10' })).toThrow(/WEBHOOK_TIMEOUT/);
  });

  it('normalises allowed origins and always allows its own', () => {
    const c = AppConfig.fromEnv({ ...base, PORT: '4000', ALLOWED_ORIGINS: 'https://shop.example.com/, https://www.example.org' });
    expect(c.allowedOrigins).toEqual(
      expect.arrayContaining(['https://shop.example.com', 'https://www.example.org', 'http://localhost:4000']),
    );
  });

  it('refuses an allowed origin that is not exactly one origin, naming the variable', () => {
    for (const bad of ['https://a.com;sandbox', 'https://*.example.com', 'https://a.com/path'])
      expect(() => AppConfig.fromEnv({ ...base, ALLOWED_ORIGINS: bad })).toThrow(/ALLOWED_ORIGINS/);
  });

  it('trusts no proxy unless TRUST_PROXY names them', () => {
    expect(AppConfig.fromEnv(base).trustProxy).toBe(false);
    expect(AppConfig.fromEnv({ ...base, TRUST_PROXY: 'loopback' }).trustProxy).toEqual(['loopback']);
    expect(AppConfig.fromEnv({ ...base, TRUST_PROXY: '10.0.0.0/8, 192.168.1.7, ::1' }).trustProxy).toEqual(['10.0.0.0/8', '192.168.1.7', '::1']);
    expect(AppConfig.fromEnv({ ...base, TRUST_PROXY: '1' }).trustProxy).toBe(1);
    for (const bad of ['everyone', '10.0.0.0/40', '300.1.1.1', 'true']) expect(() => AppConfig.fromEnv({ ...base, TRUST_PROXY: bad })).toThrow(/TRUST_PROXY/);
  });

  it('fails fast, naming every bad variable', () => {
    expect(() => AppConfig.fromEnv({ ...base, PORT: 'eighty', DATABASE_URL: 'not a url' })).toThrow(/PORT[\s\S]*DATABASE_URL|DATABASE_URL[\s\S]*PORT/);
  });

  it('refuses to run in production without a JWT secret', () => {
    expect(() => AppConfig.fromEnv({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
  });
});

describe('AppConfig: uploads', () => {
  it('keeps files on the disk beside the embedded database by default, with the issue defaults', () => {
    const c = AppConfig.fromEnv({ ...base, PGLITE_DATA_DIR: '/tmp/parley-x/pglite' });
    expect(c.uploads).toEqual({
      storage: { kind: 'disk' },
      dir: '/tmp/parley-x/uploads',
      maxBytes: 10 * 1024 * 1024,
      allowedTypes: ['png', 'jpeg', 'gif', 'webp', 'pdf', 'txt'],
      ratePerVisitor: { points: 20, durationSeconds: 600 },
      threadMaxBytes: 100 * 1024 * 1024,
      unattachedTtlSeconds: 86400,
      cleanupIntervalSeconds: 60,
    });
  });

  it('reads STORAGE_URL as an S3-compatible bucket, credentials and prefix included', () => {
    const c = AppConfig.fromEnv({ ...base, STORAGE_URL: 's3://AK:se%2Fcret@files/parley/prod?endpoint=http://127.0.0.1:9000&region=eu-west-1' });
    expect(c.uploads.storage).toEqual({
      kind: 's3',
      s3: {
        bucket: 'files',
        prefix: 'parley/prod',
        endpoint: 'http://127.0.0.1:9000',
        region: 'eu-west-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'AK', secretAccessKey: 'se/cret' },
      },
    });
    const aws = AppConfig.fromEnv({ ...base, STORAGE_URL: 's3://bucket' });
    expect(aws.uploads.storage).toEqual({ kind: 's3', s3: { bucket: 'bucket', prefix: '', endpoint: undefined, region: 'us-east-1', forcePathStyle: false, credentials: undefined } });
  });

  it('refuses a storage URL that is not s3:// and a type it does not know, naming the variable', () => {
    expect(() => AppConfig.fromEnv({ ...base, STORAGE_URL: 'https://bucket.example.com' })).toThrow(/STORAGE_URL/);
    expect(() => AppConfig.fromEnv({ ...base, UPLOAD_ALLOWED_TYPES: 'png,exe' })).toThrow(/UPLOAD_ALLOWED_TYPES/);
    expect(AppConfig.fromEnv({ ...base, UPLOAD_ALLOWED_TYPES: ' PNG , pdf ' }).uploads.allowedTypes).toEqual(['png', 'pdf']);
  });
});
