import { Logger } from '@nestjs/common';
import type { AgentsService } from './agents.service';
import { OFFLINE_GRACE_MS, PresenceService } from './presence.service';

describe('PresenceService', () => {
  let setPresence: jest.Mock;
  let presence: PresenceService;

  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    setPresence = jest.fn().mockResolvedValue({});
    presence = new PresenceService({ setPresence } as unknown as AgentsService);
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
});
