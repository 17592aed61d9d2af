import { must } from '../testing/fakes';
import { TestBed } from '@angular/core/testing';
import { ChatStatusComponent } from './chat-status.component';

describe('ChatStatusComponent', () => {
  function render(inputs: Record<string, unknown>) {
    const fixture = TestBed.createComponent(ChatStatusComponent);
    for (const [k, v] of Object.entries(inputs)) fixture.componentRef.setInput(k, v);
    let ended = 0;
    fixture.componentInstance.end.subscribe(() => ended++);
    fixture.detectChanges();
    return { el: fixture.nativeElement as HTMLElement, ended: () => ended };
  }

  it('shows the wait while queued, and lets the visitor leave', () => {
    const s = render({ status: 'queued', waiting: '1:05' });
    expect(s.el.textContent).toContain('Waiting for an agent');
    expect(s.el.querySelector('.wait')?.textContent).toBe('1:05');
    must(s.el.querySelector<HTMLButtonElement>('.end')).click();
    expect(s.ended()).toBe(1);
  });

  it("names the agent once claimed, and says when the connection is lost", () => {
    const s = render({ status: 'active', agentName: 'Ada', connection: 'reconnecting' });
    expect(s.el.querySelector('.agent-name')?.textContent).toBe('Ada');
    expect(s.el.querySelector('.agent-name')?.getAttribute('dir')).toBe('auto');
    expect(s.el.querySelector('.banner.offline')?.textContent).toContain('Reconnecting');
  });

  it('tells a waiting visitor its place in the queue, and the estimate only when there is one', () => {
    const next = render({ status: 'queued', waiting: '0:10', queue: { position: 1, estimateSeconds: null } });
    expect(next.el.querySelector('[data-testid="queue-position"]')?.textContent?.trim()).toBe("You're next in the queue.");
    const third = render({ status: 'queued', waiting: '0:10', queue: { position: 3, estimateSeconds: 260 } });
    expect(third.el.querySelector('[data-testid="queue-position"]')?.textContent?.replace(/\s+/g, ' ').trim()).toBe(
      "You're number 3 in the queue. Estimated wait: about 4 minutes.",
    );
    expect(render({ status: 'active', agentName: 'Ada', queue: null }).el.querySelector('[data-testid="queue-position"]')).toBeNull();
  });
});
