import { TestBed } from '@angular/core/testing';
import { ConversationStore } from '../conversation.store';
import { WIDGET_WINDOW } from '../host-bridge';
import { HostStore } from '../host.store';
import { REALTIME_FACTORY } from '../realtime';
import { SessionStore } from '../session.store';
import { VisitorStorage, WIDGET_STORAGE } from '../visitor-storage';
import { WidgetApi } from '../widget-api';
import { aSession, aThread, FakeRealtime, framedWindow, memoryStorage } from './fakes';

/** The three widget stores as the app provides them, with the server and the host page played by fakes. */
export function setupStores(opts: { window?: ReturnType<typeof framedWindow> } = {}) {
  const frame = opts.window ?? framedWindow();
  const realtime = new FakeRealtime();
  const storage = memoryStorage();
  const api = {
    settings: jest.fn().mockResolvedValue({ title: 't', greetingLines: [], color: '#0b7a75', identityRequired: false, updatedAt: '' }),
    createSession: jest.fn(),
    availability: jest.fn().mockResolvedValue({ open: true, reason: 'unrestricted', nextOpenAt: null, whenClosed: 'form', closedMessage: '' }),
    identify: jest.fn(),
    listThreads: jest.fn().mockResolvedValue([]),
    startThread: jest.fn(),
    getThread: jest.fn(),
    closeThread: jest.fn(),
  };
  TestBed.configureTestingModule({
    providers: [
      SessionStore,
      ConversationStore,
      HostStore,
      { provide: WidgetApi, useValue: api },
      { provide: WIDGET_STORAGE, useValue: storage },
      { provide: WIDGET_WINDOW, useValue: frame.win },
      { provide: REALTIME_FACTORY, useValue: (o: FakeRealtime['options']) => ((realtime.options = o), realtime.asClient()) },
    ],
  });
  const session = TestBed.inject(SessionStore);
  const conversation = TestBed.inject(ConversationStore);
  // Created as the app creates it: it listens to the host page and posts to it from the start.
  const host = TestBed.inject(HostStore);
  const saved = TestBed.inject(VisitorStorage);
  const flush = async () => {
    await Promise.resolve();
    await Promise.resolve();
    TestBed.tick();
  };
  return { session, conversation, host, api, realtime, storage, saved, frame, flush };
}

export type Stores = ReturnType<typeof setupStores>;

/** A visitor who already chatted on this site: a session and a thread in the iframe's storage. */
export function returning(t: Stores, thread = aThread()) {
  const session = aSession();
  t.saved.saveSession(session);
  t.saved.saveThreadId(thread.id);
  t.api.getThread.mockResolvedValue(thread);
  return { session, thread };
}
