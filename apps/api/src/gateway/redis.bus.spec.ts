import { Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RedisBus, supportsShardedPubSub } from './redis.bus';

describe('supportsShardedPubSub', () => {
  it('reads the major version from INFO server: SPUBLISH exists from Redis 7', () => {
    expect(supportsShardedPubSub('# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n')).toBe(true);
    expect(supportsShardedPubSub('# Server\r\nredis_version:8.2.1\r\n')).toBe(true);
    expect(supportsShardedPubSub('# Server\r\nredis_version:6.2.14\r\n')).toBe(false);
    expect(supportsShardedPubSub('nothing useful')).toBe(false);
  });
});

describe('RedisBus', () => {
  const env = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32) };

  beforeEach(() => {
    for (const level of ['log', 'warn'] as const) jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it('without REDIS_URL: no adapter (socket.io keeps its in-memory one) and no health check', async () => {
    const bus = new RedisBus(AppConfig.fromEnv(env));
    await bus.connect();
    expect(bus.adapter).toBeUndefined();
    await expect(bus.health()).resolves.toBeUndefined();
    await bus.onApplicationShutdown();
  });

  const redisUrl = process.env.PARLEY_TEST_REDIS_URL;
  // The global setup found no Redis (and said so); under CI that fails the run instead.
  (redisUrl ? it : it.skip)('with Redis up: an adapter, health up, and closed clients after shutdown', async () => {
    const bus = new RedisBus(AppConfig.fromEnv({ ...env, REDIS_URL: redisUrl, REDIS_SHARDED: 'auto' }));
    await bus.connect();
    try {
      expect(bus.adapter).toEqual(expect.any(Function));
      await expect(bus.health()).resolves.toBe('up');
    } finally {
      await bus.onApplicationShutdown();
    }
    // Closed once, and quietly after that.
    await expect(bus.health()).resolves.toBeUndefined();
    await bus.onApplicationShutdown();
  });

  it('REDIS_SHARDED=auto refuses to start when Redis cannot tell its version', async () => {
    // Port 1 on loopback: nothing listens, so the detection cannot succeed; the bound keeps it short.
    const bus = new RedisBus(AppConfig.fromEnv({ ...env, REDIS_URL: 'redis://127.0.0.1:1', REDIS_SHARDED: 'auto' }));
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const started = bus.connect();
      const refused = expect(started).rejects.toThrow(/REDIS_SHARDED=auto needs Redis at start/);
      await jest.advanceTimersByTimeAsync(15_000);
      await refused;
    } finally {
      jest.useRealTimers();
    }
    expect(bus.adapter).toBeUndefined();
    await expect(bus.health()).resolves.toBeUndefined();
  });
});
