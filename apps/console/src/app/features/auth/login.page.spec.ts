import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { problemBody } from '../../../testing/fake-backend';
import { fakeJwt, ME, settle } from '../../../testing/fixtures';
import { consoleTestProviders } from '../../../testing/providers';
import { AuthToken } from '../../core/session/auth-token';
import { LoginPage, safeReturnUrl } from './login.page';

describe('LoginPage', () => {
  function render() {
    const { providers, bed } = consoleTestProviders([{ path: '**', children: [] }]);
    TestBed.configureTestingModule({ providers });
    const fixture = TestBed.createComponent(LoginPage);
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    const fill = (label: string, value: string) => {
      const input = el.querySelector(`#${el.querySelector(`label:not(.sr-only)`) && [...el.querySelectorAll('label')].find((l) => l.textContent === label)?.htmlFor}`) as HTMLInputElement;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    const submit = async () => {
      (el.querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
      await settle();
      fixture.detectChanges();
    };
    return { fixture, el, bed, fill, submit };
  }

  it('checks the fields with the contract before asking the server', async () => {
    const { el, bed, fill, submit } = render();
    fill('Email', 'not an email');
    await submit();
    expect(el.querySelector('.field-error')?.textContent).toBe('Enter a valid email address.');
    expect(bed.backend.calls).toHaveLength(0);
  });

  it('signs in and goes back where the agent was', async () => {
    const { fixture, bed, fill, submit } = render();
    fixture.componentRef.setInput('returnUrl', '/mine/abc');
    bed.backend.on('POST /auth/login', { body: { token: fakeJwt(600), expiresAt: new Date().toISOString(), agent: ME } });
    const navigate = jest.spyOn(TestBed.inject(Router), 'navigateByUrl');
    fill('Email', 'ada@example.com');
    fill('Password', 'correct-horse-1');
    await submit();
    expect(navigate).toHaveBeenCalledWith('/mine/abc');
  });

  it('says when the password is wrong', async () => {
    const { el, bed, fill, submit } = render();
    bed.backend.on('POST /auth/login', problemBody(401, 'INVALID_CREDENTIALS', 'Wrong email or password'));
    fill('Email', 'ada@example.com');
    fill('Password', 'nope');
    await submit();
    expect(el.querySelector('[role=alert]')?.textContent).toContain('Wrong email or password.');
  });

  it('explains that the session expired and drafts are kept', () => {
    const { providers } = consoleTestProviders();
    TestBed.configureTestingModule({ providers });
    const token = TestBed.inject(AuthToken);
    token.set(fakeJwt(600));
    token.refuse('expired');
    const fixture = TestBed.createComponent(LoginPage);
    fixture.detectChanges();
    expect(fixture.nativeElement.textContent).toContain('Your session has expired');
  });

  it('says when the account was deactivated, not that the agent was signed out', () => {
    const { providers } = consoleTestProviders();
    TestBed.configureTestingModule({ providers });
    const token = TestBed.inject(AuthToken);
    token.set(fakeJwt(600));
    token.refuse('deactivated');
    const fixture = TestBed.createComponent(LoginPage);
    fixture.detectChanges();
    expect(fixture.nativeElement.textContent).toContain('Your account has been deactivated');
    expect(fixture.nativeElement.textContent).not.toContain('signed out');
  });

  it('only returns to paths inside the console', () => {
    expect(safeReturnUrl('/closed?q=x')).toBe('/closed?q=x');
    expect(safeReturnUrl('//evil.example')).toBe('/');
    expect(safeReturnUrl('https://evil.example')).toBe('/');
    expect(safeReturnUrl('/login')).toBe('/');
    expect(safeReturnUrl(undefined)).toBe('/');
  });
});
