import { TestBed } from '@angular/core/testing';
import { ServerEvent } from '@parley/contracts';
import { FrameMessage } from '@parley/widget-protocol';
import { AppComponent } from './app.component';
import { WIDGET_WINDOW } from './host-bridge';
import { aMessage, aSession, aThread, FakeRealtime, framedWindow, memoryStorage, must } from './testing/fakes';
import { WIDGET_STORAGE } from './visitor-storage';
import { WidgetApi } from './widget-api';
import { REALTIME_FACTORY } from './realtime';

/** The whole widget app in the DOM, with the server played by fakes. */
describe('AppComponent', () => {
  it('goes from the form to a conversation, and ends it after confirming', async () => {
    const frame = framedWindow();
    const realtime = new FakeRealtime();
    const session = aSession();
    const thread = aThread();
    const api = {
      settings: jest.fn().mockRejectedValue(new Error('offline')),
      availability: jest.fn().mockResolvedValue({ open: true, reason: 'unrestricted', nextOpenAt: null, whenClosed: 'form', closedMessage: '' }),
      createSession: jest.fn().mockResolvedValue(session),
      startThread: jest.fn().mockResolvedValue(thread),
      getThread: jest.fn().mockResolvedValue(thread),
      closeThread: jest.fn().mockResolvedValue({ ...thread, status: 'closed', closedBy: { type: 'visitor', id: thread.visitor.id } }),
    };
    TestBed.configureTestingModule({
      providers: [
        { provide: WidgetApi, useValue: api },
        { provide: WIDGET_STORAGE, useValue: memoryStorage() },
        { provide: WIDGET_WINDOW, useValue: frame.win },
        { provide: REALTIME_FACTORY, useValue: (o: FakeRealtime['options']) => ((realtime.options = o), realtime.asClient()) },
      ],
    });
    const fixture = TestBed.createComponent(AppComponent);
    const el = fixture.nativeElement as HTMLElement;
    const settle = async () => {
      for (let i = 0; i < 5; i++) await Promise.resolve();
      await fixture.whenStable();
    };
    await settle();
    expect(el.querySelector('h1')?.textContent).toBe('Start a conversation');

    const type = (sel: string, v: string) => {
      const input = must(el.querySelector<HTMLInputElement>(sel));
      input.value = v;
      input.dispatchEvent(new Event('input'));
    };
    type('#pw-name', 'Vera');
    type('#pw-email', 'vera@example.com');
    must(el.querySelector('form')).dispatchEvent(new Event('submit'));
    await settle();
    expect(el.querySelector('.status')?.textContent).toContain('Waiting for an agent');

    realtime.emit(ServerEvent.ThreadUpdated, { ...thread, status: 'active', assignedAgent: { id: 'a-1', name: 'Ada' } });
    realtime.feed(thread.id, [aMessage(thread.id, 1, { body: 'Hello <i>Vera</i>' })]);
    await settle();
    expect(el.querySelector('.agent-name')?.textContent).toBe('Ada');
    expect(el.querySelector('.msg .body')?.textContent).toBe('Hello <i>Vera</i>');

    must(el.querySelector<HTMLButtonElement>('.status .end')).click();
    await settle();
    expect(el.querySelector('[role=alertdialog] h2')?.textContent).toBe('End this conversation?');
    must(el.querySelector<HTMLButtonElement>('.dialog .danger')).click();
    await settle();
    expect(api.closeThread).toHaveBeenCalledWith(session.token, thread.id);
    expect(el.querySelector('h1')?.textContent).toBe('Welcome back, Vera!');
    expect(el.querySelector('.again')?.textContent).toContain('You ended the conversation.');
    expect(frame.posted()).toContainEqual({ type: FrameMessage.Ended });
  });
});
