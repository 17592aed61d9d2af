import { ChangeDetectionStrategy, Component, inject, computed, type ElementRef, input, linkedSignal, output, signal, viewChild } from '@angular/core';
import { LIMITS } from '@parley/contracts';
import type { VisitorDetails } from '../visitor-storage';
import { I18n } from '../i18n/i18n';
import { en, type Messages } from '../i18n/en';

/** The same rule as the server's (zod's email check), short enough to keep zod out of the bundle. */
const EMAIL = /^(?!\.)(?!.*\.\.)([\w'+\-.]*)[\w+-]@([a-z0-9][a-z0-9-]*\.)+[a-z]{2,}$/i;

export function nameProblem(value: string, t: Messages = en): string | null {
  const v = value.trim();
  if (!v) return t.enterName;
  return v.length > LIMITS.nameMax ? t.nameTooLong(LIMITS.nameMax) : null;
}

export function messageProblem(value: string, t: Messages = en): string | null {
  const v = value.trim();
  if (!v) return t.writeYourMessage;
  return v.length > LIMITS.messageBodyMax ? t.nameTooLong(LIMITS.messageBodyMax) : null;
}

/** The site is closed and takes a message: its closed message and when it opens next (null: unknown). */
export interface ClosedForm {
  message: string;
  replyBy: string | null;
}

export function emailProblem(value: string, t: Messages = en): string | null {
  const v = value.trim();
  if (!v) return t.enterEmail;
  return v.length > LIMITS.emailMax || !EMAIL.test(v) ? t.invalidEmail : null;
}

/** The pre-chat form: name and email, checked as the visitor types once a first try was made. */
@Component({
  selector: 'pw-details-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="details" (submit)="submit($event)" novalidate aria-labelledby="pw-details-title">
      <h1 id="pw-details-title">{{ closed() ? t().leaveMessage : t().startConversation }}</h1>
      @if (notice()) {
        <p class="notice" role="status">{{ notice() }}</p>
      }
      @if (closed(); as c) {
        <p class="closed-message" dir="auto">{{ c.message }}</p>
        <p class="reply-by">{{ c.replyBy ? t().replyBy(replyBy(c.replyBy)) : t().replySoon }}</p>
      } @else if (!greeted()) {
        <p class="hint">{{ t().detailsHint }}</p>
      }
      <label for="pw-name">{{ t().name }}</label>
      <input
        #nameInput
        id="pw-name"
        name="name"
        autocomplete="name"
        [attr.maxlength]="limits.nameMax"
        [value]="name()"
        (input)="name.set(valueOf($event))"
        [attr.aria-invalid]="shownNameProblem() ? true : null"
        [attr.aria-describedby]="shownNameProblem() ? 'pw-name-problem' : null"
      />
      @if (shownNameProblem(); as p) {
        <p class="problem" id="pw-name-problem">{{ p }}</p>
      }
      <label for="pw-email">{{ t().email }}</label>
      <input
        #emailInput
        id="pw-email"
        name="email"
        type="email"
        autocomplete="email"
        inputmode="email"
        [attr.maxlength]="limits.emailMax"
        [value]="email()"
        (input)="email.set(valueOf($event))"
        [attr.aria-invalid]="shownEmailProblem() ? true : null"
        [attr.aria-describedby]="shownEmailProblem() ? 'pw-email-problem' : null"
      />
      @if (shownEmailProblem(); as p) {
        <p class="problem" id="pw-email-problem">{{ p }}</p>
      }
      @if (closed()) {
        <label for="pw-message">{{ t().message }}</label>
        <textarea
          #messageInput
          id="pw-message"
          name="message"
          rows="4"
          dir="auto"
          [attr.maxlength]="limits.messageBodyMax"
          [value]="message()"
          (input)="message.set(valueOf($event))"
          [attr.aria-invalid]="shownMessageProblem() ? true : null"
          [attr.aria-describedby]="shownMessageProblem() ? 'pw-message-problem' : null"
        ></textarea>
        @if (shownMessageProblem(); as p) {
          <p class="problem" id="pw-message-problem">{{ p }}</p>
        }
      }
      @if (error()) {
        <p class="problem" role="alert">{{ error() }}</p>
      }
      <button class="primary" type="submit" [disabled]="busy()">{{ busy() ? (closed() ? t().sending : t().starting) : closed() ? t().sendMessage : t().startChat }}</button>
    </form>
  `,
})
export class DetailsFormComponent {
  private readonly i18n = inject(I18n);
  protected readonly t = this.i18n.t;
  readonly initial = input<VisitorDetails | null>(null);
  readonly busy = input(false);
  readonly error = input<string | null>(null);
  readonly notice = input<string | null>(null);
  /** The greeting above the form already invites the visitor in: the form does not say it again. */
  readonly greeted = input(false);
  /** The site is closed and takes a message: the form asks for it too. */
  readonly closed = input<ClosedForm | null>(null);
  readonly submitted = output<VisitorDetails & { message?: string }>();

  protected readonly limits = LIMITS;
  protected readonly name = linkedSignal(() => this.initial()?.name ?? '');
  protected readonly email = linkedSignal(() => this.initial()?.email ?? '');
  private readonly tried = signal(false);
  protected readonly shownNameProblem = computed(() => (this.tried() ? nameProblem(this.name(), this.t()) : null));
  protected readonly shownEmailProblem = computed(() => (this.tried() ? emailProblem(this.email(), this.t()) : null));
  protected readonly message = signal('');
  protected readonly shownMessageProblem = computed(() => (this.tried() && this.closed() ? messageProblem(this.message(), this.t()) : null));
  private readonly messageInput = viewChild<ElementRef<HTMLTextAreaElement>>('messageInput');
  /** "Monday 1 December, 09:00", in the visitor's language and the browser's time zone. */
  protected readonly replyBy = (iso: string) => {
    // The browser's own variant of the language when it speaks it (en-GB stays en-GB), else the language.
    const browser = globalThis.navigator?.language ?? '';
    const locale = browser.toLowerCase().split('-')[0] === this.i18n.locale() ? browser : this.i18n.locale();
    return new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
  };
  private readonly nameInput = viewChild.required<ElementRef<HTMLInputElement>>('nameInput');
  private readonly emailInput = viewChild.required<ElementRef<HTMLInputElement>>('emailInput');

  /** The first field still to fill in. */
  focus(): void {
    (this.name().trim() ? this.emailInput() : this.nameInput()).nativeElement.focus();
  }

  protected valueOf(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected submit(event: Event): void {
    event.preventDefault();
    this.tried.set(true);
    if (nameProblem(this.name())) return this.nameInput().nativeElement.focus();
    if (emailProblem(this.email())) return this.emailInput().nativeElement.focus();
    const details = { name: this.name().trim(), email: this.email().trim().toLowerCase() };
    if (!this.closed()) return this.submitted.emit(details);
    if (messageProblem(this.message())) return this.messageInput()?.nativeElement.focus();
    this.submitted.emit({ ...details, message: this.message().trim() });
  }
}
