import { TestBed } from '@angular/core/testing';
import { must } from '../testing/fakes';
import { type RatingInput, RatingComponent } from './rating.component';

describe('RatingComponent', () => {
  function render() {
    const fixture = TestBed.createComponent(RatingComponent);
    const rated: RatingInput[] = [];
    fixture.componentInstance.rated.subscribe((r) => rated.push(r));
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    const button = () => must(el.querySelector<HTMLButtonElement>('button[type=submit]'));
    const pick = (n: number) => {
      const radio = must(el.querySelectorAll<HTMLInputElement>('input[type=radio]')[n - 1]);
      radio.checked = true;
      radio.dispatchEvent(new Event('change'));
      fixture.detectChanges();
    };
    const write = (text: string) => {
      const box = must(el.querySelector('textarea'));
      box.value = text;
      box.dispatchEvent(new Event('input'));
      fixture.detectChanges();
    };
    return { fixture, el, button, pick, write, rated };
  }

  it('asks for 1-5 with an accessible name per star, and sends nothing before a score is picked', () => {
    const c = render();
    expect(must(c.el.querySelector('legend')).textContent).toContain('How was this conversation?');
    expect([...c.el.querySelectorAll('label.star')].map((l) => l.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      '★1 star out of 5, Very bad',
      '★2 stars out of 5, Bad',
      '★3 stars out of 5, OK',
      '★4 stars out of 5, Good',
      '★5 stars out of 5, Great',
    ]);
    expect(c.button().disabled).toBe(true);
  });

  it('sends the score with the comment trimmed, or without a blank one', () => {
    const c = render();
    c.pick(4);
    c.write('  nice  ');
    c.button().click();
    c.write('   ');
    c.pick(2);
    c.button().click();
    expect(c.rated).toEqual([{ score: 4, comment: 'nice' }, { score: 2 }]);
  });

  it('thanks the visitor once rated, and offers to change the rating from where it stands', () => {
    const c = render();
    c.fixture.componentRef.setInput('rating', { score: 3, comment: 'ok', ratedAgent: null, createdAt: '2026-01-01T10:00:00.000Z', updatedAt: '2026-01-01T10:00:00.000Z' });
    c.fixture.detectChanges();
    expect(must(c.el.querySelector('[role=status]')).textContent).toContain('You rated this conversation 3 out of 5');
    must(c.el.querySelector<HTMLButtonElement>('button.link')).click();
    c.fixture.detectChanges();
    expect(must(c.el.querySelectorAll<HTMLInputElement>('input[type=radio]')[2]).checked).toBe(true);
    expect(must(c.el.querySelector('textarea')).value).toBe('ok');
    expect(c.button().textContent).toContain('Update rating');
  });
});
