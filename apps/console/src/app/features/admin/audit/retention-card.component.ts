import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { LIMITS, type RetentionSettings, UpdateRetentionSettingsRequestSchema } from '@parley/contracts';
import { ApiClient } from '../../../core/api/api-client';
import { describeError } from '../../../core/api/api-error';
import { formatDateTime } from '../../../core/time/clock';
import { ToastStore } from '../../../core/ui/toast.store';

/** Admin → Audit log: how long closed conversations are kept, and what the last nightly run deleted. */
@Component({
  selector: 'app-retention-card',
  template: `
    <form class="card form-grid" (submit)="$event.preventDefault(); save()" novalidate aria-labelledby="retention-title">
      <h2 id="retention-title" class="card-title">Data retention</h2>
      <fieldset class="field">
        <legend>Closed conversations</legend>
        <label class="check"><input type="radio" name="retention" [checked]="!deleting()" (change)="deleting.set(false)" /> Keep them for ever</label>
        <label class="check"><input type="radio" name="retention" [checked]="deleting()" (change)="deleting.set(true)" /> Delete them, with their messages and files, some days after they close</label>
      </fieldset>
      @if (deleting()) {
        <div class="field">
          <label for="retention-days">Days after closing (at least {{ min }})</label>
          <input id="retention-days" type="number" inputmode="numeric" [min]="min" [max]="max" [value]="days()" (input)="days.set($any($event.target).value)"
            [attr.aria-invalid]="!!error()" aria-describedby="retention-days-error retention-last" />
          @if (error(); as e) { <p class="field-error" id="retention-days-error">{{ e }}</p> }
        </div>
      }
      <p class="muted small" id="retention-last" data-testid="retention-last">
        @if (settings(); as s) {
          @if (s.lastRunAt) { Last run {{ dateTime(s.lastRunAt) }}: {{ s.lastRunDeleted ?? 0 }} conversation(s) deleted. } @else { Not run yet. }
          Runs once a day.
        }
      </p>
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" [disabled]="saving()">{{ saving() ? 'Saving…' : 'Save retention' }}</button>
      </div>
    </form>
  `,
  styles: `
    fieldset.field { border: 0; padding: 0; margin: 0; display: flex; flex-direction: column; gap: 6px; }
    .field label.check { display: flex; align-items: center; gap: 8px; font-weight: 400; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RetentionCardComponent {
  private readonly api = inject(ApiClient);
  private readonly toasts = inject(ToastStore);
  protected readonly min = LIMITS.retentionDaysMin;
  protected readonly max = LIMITS.retentionDaysMax;
  protected readonly settings = signal<RetentionSettings | null>(null);
  protected readonly deleting = signal(false);
  protected readonly days = signal<string>('365');
  protected readonly error = signal<string | null>(null);
  protected readonly saving = signal(false);
  protected readonly dateTime = formatDateTime;

  constructor() {
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.show(await this.api.call('get /settings/retention'));
    } catch (err) {
      this.toasts.show(describeError(err), 'error');
    }
  }

  private show(s: RetentionSettings): void {
    this.settings.set(s);
    this.deleting.set(s.closedThreadsDays !== null);
    if (s.closedThreadsDays !== null) this.days.set(String(s.closedThreadsDays));
  }

  protected async save(): Promise<void> {
    const body = { closedThreadsDays: this.deleting() ? Number(this.days()) : null };
    const parsed = UpdateRetentionSettingsRequestSchema.safeParse(body);
    if (!parsed.success || (this.deleting() && this.days().trim() === '')) {
      this.error.set(`Enter a whole number of days from ${this.min} to ${this.max}.`);
      return;
    }
    this.error.set(null);
    this.saving.set(true);
    try {
      this.show(await this.api.call('put /settings/retention', { body: parsed.data }));
      this.toasts.show(parsed.data.closedThreadsDays === null ? 'Closed conversations are kept.' : `Closed conversations will be deleted ${parsed.data.closedThreadsDays} days after they close.`, 'success');
    } catch (err) {
      this.toasts.show(describeError(err), 'error');
    } finally {
      this.saving.set(false);
    }
  }
}
