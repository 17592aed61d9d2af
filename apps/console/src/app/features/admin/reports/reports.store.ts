import { inject, Injectable, signal } from '@angular/core';
import type { Report } from '@parley/contracts';
import { routeUrl } from '@parley/rest-client';
import { ApiClient, API_ORIGIN, FETCH } from '../../../core/api/api-client';
import { describeError } from '../../../core/api/api-error';
import { AuthToken } from '../../../core/session/auth-token';

export interface ReportRangeInput {
  from: string;
  to: string;
  timeZone: string;
}

/** The report on show and the range it is for; the CSV of the same range on demand. */
@Injectable()
export class ReportsStore {
  private readonly api = inject(ApiClient);
  private readonly auth = inject(AuthToken);
  private readonly origin = inject(API_ORIGIN);
  private readonly fetchFn = inject(FETCH);
  private readonly current = signal<Report | null>(null);
  private readonly state = signal<'idle' | 'loading' | 'ready' | 'error'>('idle');
  private readonly failure = signal<string | null>(null);
  private asked = 0;

  readonly report = this.current.asReadonly();
  readonly status = this.state.asReadonly();
  readonly error = this.failure.asReadonly();

  async load(range: ReportRangeInput): Promise<void> {
    const mine = ++this.asked;
    this.state.set('loading');
    try {
      const report = await this.api.call('get /reports', { query: range });
      if (mine !== this.asked) return;
      this.current.set(report);
      this.state.set('ready');
    } catch (err) {
      if (mine !== this.asked) return;
      this.failure.set(describeError(err));
      this.state.set('error');
    }
  }

  /** The range's conversations as a CSV file (the token goes in a header, so it is fetched, then saved from a blob URL). */
  async csv(range: ReportRangeInput): Promise<Blob> {
    const qs = new URLSearchParams({ ...range }).toString();
    const res = await this.fetchFn(`${this.origin}${routeUrl('get /reports/threads.csv')}?${qs}`, {
      headers: { authorization: `Bearer ${this.auth.token() ?? ''}` },
      credentials: 'omit',
    });
    if (!res.ok) {
      const p = ((await res.json().catch(() => undefined)) ?? {}) as { detail?: string; title?: string };
      throw new Error(p.detail ?? p.title ?? `HTTP ${res.status}`);
    }
    return res.blob();
  }
}
