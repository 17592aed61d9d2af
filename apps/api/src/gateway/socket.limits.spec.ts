import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { ClientEvent, ErrorCode } from '@parley/contracts';
import type { Principal } from '../auth/principal';
import type { AppError } from '../common/app-error';
import { RateLimiters } from '../common/rate-limiters';
import { AppConfig } from '../config/app-config';
import { clientAddress, trustOf } from './client-address';
import { eventClass, SocketLimits } from './socket.limits';

const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32) };
const visitor = (): Principal => ({ kind: 'visitor', id: randomUUID(), name: 'V' });

/** How many of `n` admits in a row pass before the first refusal; resolves with the refusal. */
async function admitUntilRefused(admit: () => Promise<void>, n: number): Promise<{ passed: number; refusal?: AppError }> {
  for (let i = 0; i < n; i++) {
    try {
      await admit();
    } catch (err) {
      return { passed: i, refusal: err as AppError };
    }
  }
  return { passed: n };
}

describe('eventClass and clientAddress', () => {
  it('sorts events into their classes, unknown ones into "other"', () => {
    expect(eventClass(ClientEvent.MessageSend)).toBe('messageSend');
    expect(eventClass(ClientEvent.ThreadStart)).toBe('threadStart');
    expect(eventClass(ClientEvent.Typing)).toBe('typing');
    expect(eventClass(ClientEvent.ThreadClose)).toBe('other');
    expect(eventClass('no.such.event')).toBe('other');
  });

  it('counts an IPv4 client of a dual-stack listener as its IPv4 address', () => {
    expect(clientAddress({ handshake: { address: '::ffff:10.1.2.3', headers: {} } })).toBe('10.1.2.3');
    expect(clientAddress({ handshake: { address: '2001:db8::1', headers: {} } })).toBe('2001:db8::1');
  });

  it('believes X-Forwarded-For only from the proxies TRUST_PROXY names', () => {
    const forwarded = (address: string) => ({ handshake: { address, headers: { 'x-forwarded-for': '203.0.113.9, 10.0.0.5' } } });
    // No proxy trusted (the default): a client on loopback cannot pick its own bucket.
    expect(clientAddress(forwarded('127.0.0.1'), trustOf(false))).toBe('127.0.0.1');
    // nginx on loopback in front of a proxy on the private network: both hops are believed.
    expect(clientAddress(forwarded('127.0.0.1'), trustOf(['loopback', 'uniquelocal']))).toBe('203.0.113.9');
    // Only loopback trusted: the private hop is where the chain stops being believed.
    expect(clientAddress(forwarded('127.0.0.1'), trustOf(['loopback']))).toBe('10.0.0.5');
    // A peer that is not a trusted proxy is the client, whatever it forwards.
    expect(clientAddress(forwarded('198.51.100.7'), trustOf(['loopback']))).toBe('198.51.100.7');
    expect(clientAddress(forwarded('127.0.0.1'), trustOf(1))).toBe('10.0.0.5');
  });
});

/** The limits as the gateway module builds them, with the shared limiter factory's lifecycle at hand. */
function limitsOf(config: AppConfig) {
  const limiters = new RateLimiters(config);
  return Object.assign(new SocketLimits(config, limiters), { start: () => limiters.onModuleInit(), stop: () => limiters.onApplicationShutdown() });
}

describe('SocketLimits in memory', () => {
  const limits = limitsOf(
    AppConfig.fromEnv({ ...base, SOCKET_RATE_MESSAGE_SEND: '5/10s', SOCKET_RATE_THREAD_START: '2/1m', SOCKET_RATE_HANDSHAKE_FAILED: '3/1m' }),
  );

  it('refuses a principal past its allowance with RATE_LIMITED and when to retry', async () => {
    const p = visitor();
    const { passed, refusal } = await admitUntilRefused(() => limits.admitEvent(p, ClientEvent.MessageSend), 50);
    expect(passed).toBe(5);
    expect(refusal?.code).toBe(ErrorCode.RateLimited);
    expect(refusal?.retryAfterMs).toBeGreaterThan(0);
    expect(refusal?.retryAfterMs).toBeLessThanOrEqual(10_000);
  });

  it('keeps classes and principals apart', async () => {
    const p = visitor();
    await admitUntilRefused(() => limits.admitEvent(p, ClientEvent.ThreadStart), 10);
    // Starts are used up; sending, and another visitor starting, are not.
    await expect(limits.admitEvent(p, ClientEvent.ThreadStart)).rejects.toMatchObject({ code: ErrorCode.RateLimited });
    await expect(limits.admitEvent(p, ClientEvent.MessageSend)).resolves.toBeUndefined();
    await expect(limits.admitEvent(visitor(), ClientEvent.ThreadStart)).resolves.toBeUndefined();
    // Same id, other kind: another principal.
    await expect(limits.admitEvent({ ...p, kind: 'agent', role: 'agent' }, ClientEvent.ThreadStart)).resolves.toBeUndefined();
  });

  it('refuses handshakes from an address after too many failed ones, before reading the token', async () => {
    const address = `10.0.0.${Math.floor(Math.random() * 250)}`;
    for (let i = 0; i < 3; i++) {
      await limits.admitHandshake(address);
      await limits.handshakeRefused(address, ErrorCode.Unauthenticated);
    }
    await expect(limits.admitHandshake(address)).rejects.toMatchObject({ code: ErrorCode.RateLimited, retryAfterMs: expect.any(Number) });
    // Another address is not affected; refusals for other reasons are not counted as failed.
    await limits.handshakeRefused('10.9.9.9', ErrorCode.Internal);
    await expect(limits.admitHandshake('10.9.9.9')).resolves.toBeUndefined();
  });
});

describe('SocketLimits over Redis', () => {
  const redisUrl = process.env.PARLEY_TEST_REDIS_URL;
  const env = { ...base, SOCKET_RATE_MESSAGE_SEND: '10/1m' };

  beforeEach(() => {
    for (const level of ['log', 'warn'] as const) jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  // The global setup found no Redis (and said so); under CI that fails the run instead.
  (redisUrl ? it : it.skip)('two nodes share one allowance per principal', async () => {
    const [a, b] = [0, 1].map(() => limitsOf(AppConfig.fromEnv({ ...env, REDIS_URL: redisUrl })));
    a.start();
    b.start();
    try {
      const p = visitor();
      // Until both are connected their memory fallbacks would answer.
      await until(() => a.shared && b.shared);
      let admitted = 0;
      let refused = 0;
      for (let i = 0; i < 30; i++) {
        const node = i % 2 === 0 ? a : b;
        await node.admitEvent(p, ClientEvent.MessageSend).then(
          () => admitted++,
          () => refused++,
        );
      }
      expect(admitted).toBe(10);
      expect(refused).toBe(20);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('with Redis unreachable, each node limits from memory instead of refusing everyone', async () => {
    // Port 9 (discard) on loopback: nothing listens there.
    const limits = limitsOf(AppConfig.fromEnv({ ...env, REDIS_URL: 'redis://127.0.0.1:9' }));
    limits.start();
    try {
      expect(limits.shared).toBe(false);
      const p = visitor();
      const run = await admitUntilRefused(() => limits.admitEvent(p, ClientEvent.MessageSend), 50);
      expect(run.passed).toBe(10);
      expect(run.refusal?.code).toBe(ErrorCode.RateLimited);
    } finally {
      await limits.stop();
    }
  });
});

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return;
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
