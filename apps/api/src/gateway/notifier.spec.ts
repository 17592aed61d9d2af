import { Rooms, ServerEvent, type TypingEvent } from '@parley/contracts';
import { DomainEvents } from '../common/domain-events';
import type { ChatGateway } from './chat.gateway';
import { Notifier } from './notifier';

/** Records each broadcast as the rooms it went to, the rooms it left out, and what was emitted. */
function fakeServer() {
  const sent: Array<{ to: string[]; except: string[]; event: string; data: unknown }> = [];
  const operator = (to: string[], except: string[]) => ({
    to: (room: string) => operator([...to, room], except),
    except: (room: string) => operator(to, [...except, room]),
    emit: (event: string, data: unknown) => void sent.push({ to, except, event, data }),
  });
  return { sent, server: { to: (room: string) => operator([room], []) } };
}

describe('Notifier', () => {
  it('relays typing to the thread room, leaving out the connection it came from', () => {
    const events = new DomainEvents();
    const { sent, server } = fakeServer();
    const notifier = new Notifier(events, { server } as unknown as ChatGateway);
    notifier.onModuleInit();
    const typing: TypingEvent = { threadId: 't1', authorType: 'visitor', authorName: 'Ada', isTyping: true };

    events.emit({ type: 'typing.updated', typing, fromConnection: 'socket-1' });

    expect(sent).toEqual([
      { to: [Rooms.thread('t1')], except: ['socket-1'], event: ServerEvent.Typing, data: typing },
    ]);
    notifier.onModuleDestroy();
    events.emit({ type: 'typing.updated', typing, fromConnection: 'socket-1' });
    expect(sent).toHaveLength(1);
  });
});
