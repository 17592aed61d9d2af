import { must } from '../testing/fakes';
import { TestBed } from '@angular/core/testing';
import { DetailsFormComponent, emailProblem, nameProblem } from './details-form.component';

function render(initial: { name: string; email: string } | null = null) {
  const fixture = TestBed.createComponent(DetailsFormComponent);
  fixture.componentRef.setInput('initial', initial);
  const emitted: unknown[] = [];
  fixture.componentInstance.submitted.subscribe((v) => emitted.push(v));
  fixture.detectChanges();
  const el = fixture.nativeElement as HTMLElement;
  const type = (id: string, value: string) => {
    const input = must(el.querySelector<HTMLInputElement>(id));
    input.value = value;
    input.dispatchEvent(new Event('input'));
    fixture.detectChanges();
  };
  const submit = () => {
    must(el.querySelector('form')).dispatchEvent(new Event('submit'));
    fixture.detectChanges();
  };
  const problems = () => [...el.querySelectorAll('.problem')].map((p) => p.textContent?.trim());
  return { fixture, el, type, submit, problems, emitted };
}

describe('DetailsFormComponent', () => {
  it('says what is missing only once the visitor tried, and sends nothing', () => {
    const f = render();
    expect(f.problems()).toEqual([]);
    f.submit();
    expect(f.problems()).toEqual(['Please enter your name.', 'Please enter your email address.']);
    expect(f.el.querySelector('#pw-name')?.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(f.el.querySelector('#pw-name'));
    expect(f.emitted).toEqual([]);
  });

  it('checks the email as the visitor types after a first try', () => {
    const f = render();
    f.type('#pw-name', 'Vera');
    f.type('#pw-email', 'vera@');
    f.submit();
    expect(f.problems()).toEqual(['Please enter a valid email address, like name@example.com.']);
    f.type('#pw-email', 'vera@example.com');
    expect(f.problems()).toEqual([]);
  });

  it('sends the details trimmed, the email in lower case', () => {
    const f = render();
    f.type('#pw-name', '  Vera Lynn ');
    f.type('#pw-email', ' Vera@Example.COM ');
    f.submit();
    expect(f.emitted).toEqual([{ name: 'Vera Lynn', email: 'vera@example.com' }]);
  });

  it('starts filled in with the details already known', () => {
    const f = render({ name: 'Vera', email: 'vera@example.com' });
    expect(f.el.querySelector<HTMLInputElement>('#pw-name')?.value).toBe('Vera');
    f.submit();
    expect(f.emitted).toEqual([{ name: 'Vera', email: 'vera@example.com' }]);
  });

  it('uses the same rules as the server', () => {
    expect(nameProblem('x'.repeat(101))).toContain('100');
    for (const good of ['a@b.co', "o'brien+tag@mail.example.org", 'x_y@sub-domain.example.com']) expect(emailProblem(good)).toBeNull();
    for (const bad of ['a@b', 'a b@c.com', '.a@b.com', 'a..b@c.com', '@example.com', `${'x'.repeat(250)}@e.com`]) expect(emailProblem(bad)).not.toBeNull();
  });
});
