import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { type AvailabilitySettings, type OpeningRange, WEEKDAYS, type Weekday, type WhenClosed } from '@parley/contracts';
import { ApiClient } from '../../../core/api/api-client';
import { ApiError, describeError } from '../../../core/api/api-error';
import { ToastStore } from '../../../core/ui/toast.store';

const DAY_NAMES: Record<Weekday, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };

/** Admin → Widget → Availability: opening hours, closed dates, and what the widget does while closed. */
@Component({
  selector: 'app-availability-page',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page">
      <header class="page-header">
        <p class="muted"><a routerLink="/admin/widget">Widget</a> › Availability</p>
        <h1>Availability</h1>
        <p class="lead">When the chat is open: within these hours and while at least one agent is online. Conversations in progress are never cut off.</p>
      </header>
      @if (!loaded()) {
        <p class="muted">Loading…</p>
      } @else {
        <form class="card form-grid" (submit)="$event.preventDefault(); save()" novalidate aria-labelledby="hours-title">
          <h2 id="hours-title" class="card-title">Opening hours</h2>
          <div class="field">
            <label><input type="checkbox" id="hours-enabled" [checked]="enabled()" (change)="enabled.set($any($event.target).checked)" /> Use opening hours (off: the chat is open at any time)</label>
          </div>
          <div class="field">
            <label for="hours-zone">Time zone</label>
            <input id="hours-zone" [value]="timeZone()" (input)="timeZone.set($any($event.target).value)" placeholder="Europe/Berlin"
              [attr.aria-invalid]="!!error('timeZone')" aria-describedby="hours-zone-error" />
            @if (error('timeZone'); as e) { <p class="field-error" id="hours-zone-error">{{ e }}</p> }
          </div>
          <fieldset class="field">
            <legend>Weekly ranges</legend>
            <p class="field-hint">Times like 09:00 in the time zone above; 24:00 ends a range at midnight.</p>
            @for (r of ranges(); track $index; let i = $index) {
              <div class="range" data-testid="range-row">
                <label class="sr-only" [for]="'range-day-' + i">Day of range {{ i + 1 }}</label>
                <select [id]="'range-day-' + i" (change)="setRange(i, { day: $any($event.target).value })">
                  @for (d of days; track d) { <option [value]="d" [selected]="d === r.day">{{ dayNames[d] }}</option> }
                </select>
                <label class="sr-only" [for]="'range-start-' + i">Start of range {{ i + 1 }}</label>
                <input [id]="'range-start-' + i" class="time" [value]="r.start" (input)="setRange(i, { start: $any($event.target).value })" placeholder="09:00" />
                <label class="sr-only" [for]="'range-end-' + i">End of range {{ i + 1 }}</label>
                <input [id]="'range-end-' + i" class="time" [value]="r.end" (input)="setRange(i, { end: $any($event.target).value })" placeholder="17:00" />
                <button type="button" class="btn btn-small btn-ghost" (click)="removeRange(i)" [attr.aria-label]="'Remove range ' + (i + 1)">Remove</button>
                @if (error('weekly.' + i, true); as e) { <p class="field-error">{{ e }}</p> }
              </div>
            }
            @if (error('weekly'); as e) { <p class="field-error">{{ e }}</p> }
            <button type="button" class="btn btn-small" (click)="addRange()">Add a range</button>
          </fieldset>
          <div class="field">
            <label for="hours-closed-dates">Closed dates</label>
            <p class="field-hint" id="hours-closed-dates-hint">One per line, like 2026-12-24.</p>
            <textarea id="hours-closed-dates" rows="4" [value]="closedDates()" (input)="closedDates.set($any($event.target).value)"
              aria-describedby="hours-closed-dates-hint hours-closed-dates-error" [attr.aria-invalid]="!!error('closedDates', true)"></textarea>
            @if (error('closedDates', true); as e) { <p class="field-error" id="hours-closed-dates-error">{{ e }}</p> }
          </div>
          <fieldset class="field">
            <legend>While closed</legend>
            <label><input type="radio" name="when-closed" value="form" [checked]="whenClosed() === 'form'" (change)="whenClosed.set('form')" /> Take a message: the form asks for it</label>
            <label><input type="radio" name="when-closed" value="hide" [checked]="whenClosed() === 'hide'" (change)="whenClosed.set('hide')" /> Hide the chat button (unless a conversation is going on)</label>
          </fieldset>
          <div class="field">
            <label for="hours-message">Closed message</label>
            <textarea id="hours-message" rows="3" [value]="closedMessage()" (input)="closedMessage.set($any($event.target).value)" maxlength="500"
              [attr.aria-invalid]="!!error('closedMessage')" aria-describedby="hours-message-error"></textarea>
            @if (error('closedMessage'); as e) { <p class="field-error" id="hours-message-error">{{ e }}</p> }
          </div>
          <div class="form-actions">
            <button type="submit" class="btn btn-primary" [disabled]="busy()">Save</button>
          </div>
        </form>
      }
    </div>
  `,
  styles: `
    .range { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 8px; }
    .range .time { width: 7em; }
    .range .field-error { flex-basis: 100%; margin: 0; }
    fieldset label { display: block; }
  `,
})
export class AvailabilityPage {
  private readonly api = inject(ApiClient);
  private readonly toasts = inject(ToastStore);
  protected readonly days = WEEKDAYS;
  protected readonly dayNames = DAY_NAMES;
  protected readonly loaded = signal(false);
  protected readonly busy = signal(false);
  protected readonly enabled = signal(false);
  protected readonly timeZone = signal('UTC');
  protected readonly ranges = signal<OpeningRange[]>([]);
  protected readonly closedDates = signal('');
  protected readonly whenClosed = signal<WhenClosed>('form');
  protected readonly closedMessage = signal('');
  private readonly errors = signal<readonly { path: string; message: string }[]>([]);
  private readonly body = computed(() => ({
    enabled: this.enabled(),
    timeZone: this.timeZone().trim(),
    weekly: this.ranges().map((r) => ({ day: r.day, start: r.start.trim(), end: r.end.trim() })),
    closedDates: this.closedDates().split(/\s+/).filter(Boolean),
    whenClosed: this.whenClosed(),
    closedMessage: this.closedMessage(),
  }));

  constructor() {
    this.api.call('get /widget/availability/settings').then(
      (s) => this.show(s),
      (err: unknown) => this.toasts.show(describeError(err), 'error'),
    );
  }

  /** The server's message for a field (`prefix`: also for the fields inside it). */
  protected error(path: string, prefix = false): string | null {
    const found = this.errors().find((e) => e.path === path || (prefix && e.path.startsWith(`${path}.`)));
    return found?.message ?? null;
  }

  protected setRange(i: number, change: Partial<OpeningRange>): void {
    this.ranges.update((list) => list.map((r, j) => (j === i ? { ...r, ...change } : r)));
  }

  protected addRange(): void {
    this.ranges.update((list) => [...list, { day: 'mon', start: '09:00', end: '17:00' }]);
  }

  protected removeRange(i: number): void {
    this.ranges.update((list) => list.filter((_, j) => j !== i));
  }

  protected async save(): Promise<void> {
    this.busy.set(true);
    this.errors.set([]);
    try {
      this.show(await this.api.call('put /widget/availability/settings', { body: this.body() }));
      this.toasts.show('Opening hours saved.', 'success');
    } catch (err) {
      if (err instanceof ApiError && err.errors.length > 0) this.errors.set(err.errors);
      else this.toasts.show(describeError(err), 'error');
    } finally {
      this.busy.set(false);
    }
  }

  private show(s: AvailabilitySettings): void {
    this.enabled.set(s.enabled);
    this.timeZone.set(s.timeZone);
    this.ranges.set(s.weekly);
    this.closedDates.set(s.closedDates.join('\n'));
    this.whenClosed.set(s.whenClosed);
    this.closedMessage.set(s.closedMessage);
    this.loaded.set(true);
  }
}
