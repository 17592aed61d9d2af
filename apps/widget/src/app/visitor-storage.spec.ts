import { TestBed } from '@angular/core/testing';
import { aSession, memoryStorage } from './testing/fakes';
import { VisitorStorage, WIDGET_STORAGE } from './visitor-storage';

describe('VisitorStorage', () => {
  function setup() {
    const store = memoryStorage();
    TestBed.configureTestingModule({ providers: [{ provide: WIDGET_STORAGE, useValue: store }] });
    return { store, s: TestBed.inject(VisitorStorage) };
  }

  it('keeps the session until it expires, and the details after it is cleared', () => {
    const { s } = setup();
    const session = aSession();
    s.saveSession(session);
    expect(s.session()?.token).toBe(session.token);
    expect(s.session(Date.parse(session.expiresAt) + 1)).toBeNull();
    s.clearSession();
    expect(s.session()).toBeNull();
    expect(s.details()).toEqual({ name: 'Vera', email: 'vera@example.com' });
  });

  it('keeps the outbox, the thread and how far the visitor read', () => {
    const { s, store } = setup();
    const item = { threadId: 't', clientMsgId: 'c1', body: 'hi', state: 'pending' as const, createdAt: '' };
    s.outbox.save([item]);
    expect(s.outbox.load()).toEqual([item]);
    s.outbox.save([]);
    expect(store.data.has('parley.outbox')).toBe(false);
    s.saveThreadId('t');
    s.saveLastRead('t', 7);
    expect([s.threadId(), s.lastRead('t'), s.lastRead('other')]).toEqual(['t', 7, 0]);
  });

  it('shrugs off garbage in storage', () => {
    const { s, store } = setup();
    store.setItem('parley.session', '{oops');
    store.setItem('parley.outbox', '{"not":"a list"}');
    expect(s.session()).toBeNull();
    expect(s.outbox.load()).toEqual([]);
  });
});
