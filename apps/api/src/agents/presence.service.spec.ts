import { Logger } from '@nestjs/common';
import type { AgentsService } from './agents.service';
import type { AppConfig } from '../config/app-config';
import { LocalLeases, OFFLINE_GRACE_MS, type PresenceLeases, PresenceService } from './presence.service';

const TTL = 3000;
const config = { presenceTtlMs: TTL, redisUrl: undefined } as unknown as AppConfig;

describe('PresenceService', () => {
  let setPresence: jest.Mock;
  let presence: PresenceService;

  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    setPresence = jest.fn().mockResolvedValue({});
    presence = new PresenceService({ setPresence } as unknown as AgentsService, config, new LocalLeases());
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('brings an offline agent online on connect, and leaves an away agent away', async () => {
    await presence.connected('a1');
    expect(setPresence).toHaveBeenCalledWith('a1', 'online', 'offline');
  });

  it('does not refuse the connection when presence cannot be stored', async () => {
    setPresence.mockRejectedValue(new Error('database away'));
    await expect(presence.connected('a1')).resolves.toBeUndefined();
    expect(Logger.prototype.warn).toHaveBeenCalledWith(expect.stringContaining('database away'));
  });

  it('marks the agent offline once the grace period is over and no connection is left', async () => {
    const stillConnected = jest.fn().mockResolvedValue(false);
    presence.disconnected('a1', stillConnected);
    await jest.advanceTimersByTimeAsync(OFFLINE_GRACE_MS - 1);
    // A reconnect within the grace period must still count: nobody was asked yet.
    expect(stillConnected).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(stillConnected).toHaveBeenCalledTimes(1);
    expect(setPresence).toHaveBeenCalledWith('a1', 'offline');
  });

  it('keeps the agent online while a connection is left on any node', async () => {
    presence.disconnected('a1', () => Promise.resolve(true));
    await jest.advanceTimersByTimeAsync(OFFLINE_GRACE_MS);
    expect(setPresence).not.toHaveBeenCalled();
  });

  it('logs a check that fails instead of rejecting into a timer', async () => {
    presence.disconnected('a1', () => Promise.reject(new Error('redis away')));
    await jest.advanceTimersByTimeAsync(OFFLINE_GRACE_MS);
    expect(setPresence).not.toHaveBeenCalled();
    expect(Logger.prototype.warn).toHaveBeenCalledWith(expect.stringContaining('redis away'));
  });

  describe('leases and the sweep (a node that died cannot say its agents left)', () => {
    /** Leases another node vouches through: the ids in `others`. */
    function leases(others: Set<string> | undefined): PresenceLeases & { renewed: string[][] } {
      const renewed: string[][] = [];
      return {
        renewed,
        renew: (ids) => {
          renewed.push([...ids]);
          return Promise.resolve();
        },
        vouched: (ids) => Promise.resolve(others === undefined ? undefined : new Set(ids.filter((id) => others.has(id)))),
        close: () => Promise.resolve(),
      };
    }

    function started(rows: { id: string; status: string }[], lease: PresenceLeases): PresenceService {
      const agents = { setPresence, presenceRows: jest.fn().mockResolvedValue(rows) } as unknown as AgentsService;
      const p = new PresenceService(agents, config, lease);
      p.onApplicationBootstrap();
      return p;
    }

    it('renews the lease of the agents connected here and marks offline a present agent nobody vouches for', async () => {
      const lease = leases(new Set(['b']));
      const p = started([{ id: 'a', status: 'online' }, { id: 'b', status: 'online' }, { id: 'c', status: 'away' }, { id: 'd', status: 'online' }], lease);
      await p.connected('d');
      await jest.advanceTimersByTimeAsync(TTL);
      await p.tick();
      expect(lease.renewed).toContainEqual(['d']);
      expect(setPresence).toHaveBeenCalledWith('a', 'offline');
      expect(setPresence).toHaveBeenCalledWith('c', 'offline');
      // Vouched for by another node, or connected here: left alone.
      expect(setPresence).not.toHaveBeenCalledWith('b', 'offline');
      expect(setPresence).not.toHaveBeenCalledWith('d', 'offline');
      await p.onApplicationShutdown();
    });

    it('sweeps nobody in its first TTL (agents of a restarted node are reconnecting) nor while the leases cannot be read', async () => {
      const early = started([{ id: 'a', status: 'online' }], leases(new Set()));
      await early.tick();
      expect(setPresence).not.toHaveBeenCalled();
      await early.onApplicationShutdown();

      const blind = started([{ id: 'a', status: 'online' }], leases(undefined));
      await jest.advanceTimersByTimeAsync(TTL);
      await blind.tick();
      expect(setPresence).not.toHaveBeenCalled();
      await blind.onApplicationShutdown();
    });

    it('brings back online an agent connected here that a sweep elsewhere marked offline', async () => {
      const p = started([{ id: 'a', status: 'offline' }], leases(new Set()));
      await p.connected('a');
      setPresence.mockClear();
      await jest.advanceTimersByTimeAsync(TTL);
      await p.tick();
      expect(setPresence).toHaveBeenCalledWith('a', 'online', 'offline');
      await p.onApplicationShutdown();
    });
  });
});
