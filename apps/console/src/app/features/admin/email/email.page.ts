import { ChangeDetectionStrategy, Component, inject, type OnInit, signal } from '@angular/core';
import type { EmailOverview } from '@parley/contracts';
import { ApiClient } from '../../../core/api/api-client';
import { describeError } from '../../../core/api/api-error';
import { formatDateTime } from '../../../core/time/clock';
import { ToastStore } from '../../../core/ui/toast.store';

const KIND_LABELS = { digest: 'Follow-up', confirmation: 'Address confirmation', transcript: 'Transcript' } as const;

/** Admin → Email: whether mail is on (and why not), the transcript-on-close setting, the outbox with each mail's status. */
@Component({
  selector: 'app-email-page',
  template: `
    <div class="page">
      <header class="page-header">
        <h1>Email</h1>
        <p class="lead">Follow-ups to visitors who left with unread replies, address confirmations and transcripts.</p>
      </header>
      @if (error(); as e) {
        <div class="notice" role="alert">{{ e }}</div>
      }
      @if (overview(); as o) {
        <div class="page-grid">
          <section class="card" aria-labelledby="email-status-title">
            <h2 id="email-status-title" class="card-title">Sending</h2>
            @if (o.enabled) {
              <p data-testid="email-status">On: mail goes out as <span class="mono">{{ o.from }}</span>.</p>
            } @else {
              <p data-testid="email-status"><strong>Off.</strong> {{ o.reason }}</p>
            }
            <p class="muted small">Waiting: {{ o.counts.pending }} · sent: {{ o.counts.sent }} · failed: {{ o.counts.failed }}</p>
            <div class="field checkbox">
              <label>
                <input type="checkbox" data-testid="transcript-on-close" [checked]="o.transcriptOnClose" [disabled]="busy()" (change)="setTranscriptOnClose($any($event.target).checked)" />
                Email visitors the transcript when a conversation closes (confirmed addresses only)
              </label>
            </div>
          </section>
          <section class="card" aria-labelledby="email-outbox-title">
            <h2 id="email-outbox-title" class="card-title">Outbox</h2>
            <table class="table">
              <thead><tr><th scope="col">Mail</th><th scope="col">To</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Created</th></tr></thead>
              <tbody>
                @for (m of o.outbox; track m.id) {
                  <tr data-testid="outbox-row">
                    <td>{{ kind(m.kind) }}</td>
                    <td class="mono small" dir="auto">{{ m.to }}</td>
                    <td>
                      {{ m.status }}
                      @if (m.status === 'pending' && m.nextAttemptAt && m.attempts > 0) { <span class="small muted">(next try {{ time(m.nextAttemptAt) }})</span> }
                      @if (m.lastError) { <div class="small muted" dir="auto">{{ m.lastError }}</div> }
                    </td>
                    <td>{{ m.attempts }}</td>
                    <td><time [attr.datetime]="m.createdAt">{{ time(m.createdAt) }}</time></td>
                  </tr>
                } @empty {
                  <tr><td colspan="5" class="muted">No mail yet.</td></tr>
                }
              </tbody>
            </table>
            <button type="button" class="btn btn-small" (click)="load()" [disabled]="busy()">Refresh</button>
          </section>
        </div>
      } @else if (!error()) {
        <p>Loading…</p>
      }
    </div>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EmailPage implements OnInit {
  private readonly api = inject(ApiClient);
  private readonly toasts = inject(ToastStore);
  protected readonly overview = signal<EmailOverview | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly time = formatDateTime;

  ngOnInit(): void {
    void this.load();
  }

  protected kind(k: keyof typeof KIND_LABELS): string {
    return KIND_LABELS[k];
  }

  async load(): Promise<void> {
    try {
      this.overview.set(await this.api.call('get /settings/email'));
      this.error.set(null);
    } catch (err) {
      this.error.set(describeError(err));
    }
  }

  protected async setTranscriptOnClose(on: boolean): Promise<void> {
    this.busy.set(true);
    try {
      this.overview.set(await this.api.call('put /settings/email', { body: { transcriptOnClose: on } }));
      this.toasts.show(on ? 'Transcripts will be emailed when conversations close.' : 'Transcripts are no longer emailed on close.', 'success');
    } catch (err) {
      this.error.set(describeError(err));
    } finally {
      this.busy.set(false);
    }
  }
}
