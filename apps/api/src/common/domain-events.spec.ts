import { Logger } from '@nestjs/common';
import type { Agent } from '@parley/contracts';
import { type DomainEvent, DomainEvents } from './domain-events';

const event: DomainEvent = { type: 'agent.updated', agent: { id: 'a1' } as Agent };

describe('DomainEvents', () => {
  let events: DomainEvents;
  let logged: string[];
  /** Resolves with the next error the bus logs. */
  let nextError: Promise<string>;

  beforeEach(() => {
    events = new DomainEvents();
    logged = [];
    let resolveNext: (line: string) => void = () => undefined;
    nextError = new Promise((r) => (resolveNext = r));
    jest.spyOn(Logger.prototype, 'error').mockImplementation((line: unknown) => {
      logged.push(String(line));
      resolveNext(String(line));
    });
  });

  afterEach(() => jest.restoreAllMocks());

  it('delivers each event to every listener, in subscription order', () => {
    const heard: string[] = [];
    events.subscribe((e) => void heard.push(`first ${e.type}`));
    events.subscribe((e) => void heard.push(`second ${e.type}`));
    events.emit(event);
    expect(heard).toEqual(['first agent.updated', 'second agent.updated']);
  });

  it('logs a listener that throws instead of throwing into the emitter, and still reaches the others', () => {
    const heard: DomainEvent[] = [];
    events.subscribe(() => {
      throw new Error('listener broke');
    });
    events.subscribe((e) => void heard.push(e));
    expect(() => events.emit(event)).not.toThrow();
    expect(heard).toEqual([event]);
    expect(logged).toEqual([expect.stringContaining('listener broke')]);
    expect(logged[0]).toContain('agent.updated');
  });

  it('logs a listener whose promise rejects; nothing is left unhandled', async () => {
    const heard: DomainEvent[] = [];
    events.subscribe(() => Promise.reject(new Error('async listener broke')));
    events.subscribe((e) => void heard.push(e));
    expect(() => events.emit(event)).not.toThrow();
    expect(heard).toEqual([event]);
    await expect(nextError).resolves.toContain('async listener broke');
  });

  it('stops delivering to a listener once it unsubscribed, also from inside an emit', () => {
    const heard: string[] = [];
    const stopA = events.subscribe(() => {
      heard.push('a');
      stopA();
    });
    events.subscribe(() => void heard.push('b'));
    events.emit(event);
    events.emit(event);
    expect(heard).toEqual(['a', 'b', 'b']);
  });
});
