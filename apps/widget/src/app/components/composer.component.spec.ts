import { must } from '../testing/fakes';
import { TestBed } from '@angular/core/testing';
import { ComposerComponent } from './composer.component';

describe('ComposerComponent', () => {
  function render() {
    const fixture = TestBed.createComponent(ComposerComponent);
    const sent: string[] = [];
    let typing = 0;
    fixture.componentInstance.sent.subscribe((b) => sent.push(b.body));
    fixture.componentInstance.typing.subscribe(() => typing++);
    fixture.detectChanges();
    const box = must((fixture.nativeElement as HTMLElement).querySelector('textarea'));
    const write = (text: string) => {
      box.value = text;
      box.dispatchEvent(new Event('input'));
      fixture.detectChanges();
    };
    const key = (shiftKey = false) => {
      box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', shiftKey }));
      fixture.detectChanges();
    };
    return { fixture, box, write, key, sent, typing: () => typing };
  }

  it('sends on Enter, clears, and keeps Shift+Enter for a new line', () => {
    const c = render();
    c.write('Hello');
    expect(c.typing()).toBe(1);
    c.key(true);
    expect(c.sent).toEqual([]);
    c.key();
    expect(c.sent).toEqual(['Hello']);
    expect(c.box.value).toBe('');
  });

  it('sends nothing blank, and nothing while disabled', () => {
    const c = render();
    c.write('   ');
    c.key();
    c.fixture.componentRef.setInput('disabled', true);
    c.write('Hi');
    c.key();
    expect(c.sent).toEqual([]);
    expect(c.fixture.nativeElement.querySelector('button').disabled).toBe(true);
  });

  it('says politely, in a live region, that messages are held back while the server slows the visitor down', () => {
    const c = render();
    const region = must((c.fixture.nativeElement as HTMLElement).querySelector('[role="status"]'));
    expect(region.textContent?.trim()).toBe('');
    c.fixture.componentRef.setInput('slowDown', true);
    c.fixture.detectChanges();
    expect(region.textContent?.trim()).toBe("You're sending messages quickly — we'll send the rest in a moment.");
    c.fixture.componentRef.setInput('slowDown', false);
    c.fixture.detectChanges();
    expect(region.textContent?.trim()).toBe('');
  });
});
