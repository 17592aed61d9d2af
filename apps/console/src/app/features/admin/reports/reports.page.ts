import { ChangeDetectionStrategy, Component, DestroyRef, type ElementRef, effect, inject, signal, viewChild } from '@angular/core';
import type { Chart } from 'chart.js';
import { type ReportFigures, REPORT_MAX_DAYS, reportDays } from '@parley/contracts';
import { ToastStore } from '../../../core/ui/toast.store';
import { drawHoursChart } from './hours-chart';
import { type ReportRangeInput, ReportsStore } from './reports.store';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Today in the zone, as `YYYY-MM-DD`. */
function today(timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

function daysBefore(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
}

/** A duration in seconds as people read it: 45 s, 3 min 20 s, 2 h 5 min; a dash when there is none. */
export function formatSeconds(s: number | null): string {
  if (s === null) return '–';
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) {
    const m = Math.floor(s / 60);
    const r = Math.round(s - m * 60);
    return r ? `${m} min ${r} s` : `${m} min`;
  }
  const h = Math.floor(s / 3600);
  const m = Math.round((s - h * 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}

const percent = (x: number | null) => (x === null ? '–' : `${Math.round(x * 100)} %`);
const number = (x: number | null, digits = 1) => (x === null ? '–' : x.toFixed(digits).replace(/\.0+$/, ''));

/** Admin → Reports: figures for a range of days in a time zone, a chart of the busiest hours, the CSV. */
@Component({
  selector: 'app-reports-page',
  providers: [ReportsStore],
  templateUrl: './reports.page.html',
  styleUrl: './reports.page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class ReportsPage {
  protected readonly store = inject(ReportsStore);
  private readonly toasts = inject(ToastStore);
  protected readonly zones = Intl.supportedValuesOf('timeZone');
  protected readonly weekdays = WEEKDAYS;
  protected readonly hours = Array.from({ length: 24 }, (_, h) => h);
  protected readonly fmt = formatSeconds;
  protected readonly percent = percent;
  protected readonly number = number;
  private readonly browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  protected readonly timeZone = signal(this.zones.includes(this.browserZone) ? this.browserZone : 'UTC');
  protected readonly to = signal(today(this.timeZone()));
  protected readonly from = signal(daysBefore(this.to(), 6));
  protected readonly rangeError = signal<string | null>(null);
  protected readonly downloading = signal(false);
  private readonly canvas = viewChild<ElementRef<HTMLCanvasElement>>('chart');
  private chart: Chart | null = null;
  /** Conversations per hour of the day, all weekdays added, of the report on show. */
  protected readonly perHour = signal<readonly number[]>([]);
  protected readonly drawn = signal(false);

  constructor() {
    void this.store.load(this.range());
    effect(() => {
      const report = this.store.report();
      const canvas = this.canvas()?.nativeElement;
      if (!report || !canvas) return;
      const perHour = this.hours.map((h) => report.busiestHours.reduce((sum, day) => sum + day[h], 0));
      this.perHour.set(perHour);
      void this.draw(canvas, perHour);
    });
    inject(DestroyRef).onDestroy(() => this.chart?.destroy());
  }

  protected figures(f: ReportFigures): { label: string; value: string; testid: string }[] {
    return [
      { label: 'Conversations', value: String(f.conversations), testid: 'conversations' },
      { label: 'Median wait', value: formatSeconds(f.waitSeconds.median), testid: 'wait-median' },
      { label: 'Wait, 90th percentile', value: formatSeconds(f.waitSeconds.p90), testid: 'wait-p90' },
      { label: 'Median first response', value: formatSeconds(f.firstResponseSeconds.median), testid: 'frt-median' },
      { label: 'Median resolution', value: formatSeconds(f.resolutionSeconds.median), testid: 'resolution-median' },
      { label: 'Messages per conversation', value: number(f.messagesPerConversation), testid: 'messages' },
      { label: 'Average rating (1-5)', value: number(f.csat.average, 2), testid: 'csat' },
      { label: 'Rated conversations', value: `${f.csat.responses} (${percent(f.csat.responseRate)})`, testid: 'csat-rate' },
    ];
  }

  protected apply(event: Event): void {
    event.preventDefault();
    const r = this.range();
    if (!r.from || !r.to) return this.rangeError.set('Choose both days.');
    if (r.from > r.to) return this.rangeError.set('The first day is after the last day.');
    if (reportDays(r.from, r.to) > REPORT_MAX_DAYS) return this.rangeError.set(`A report covers at most ${REPORT_MAX_DAYS} days.`);
    this.rangeError.set(null);
    void this.store.load(r);
  }

  protected async download(): Promise<void> {
    const r = this.range();
    this.downloading.set(true);
    try {
      const blob = await this.store.csv(r);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `parley-conversations-${r.from}-to-${r.to}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      this.toasts.show(`The CSV could not be made: ${err instanceof Error ? err.message : String(err)}`, 'error');
    } finally {
      this.downloading.set(false);
    }
  }

  private range(): ReportRangeInput {
    return { from: this.from(), to: this.to(), timeZone: this.timeZone() };
  }

  private async draw(canvas: HTMLCanvasElement, perHour: readonly number[]): Promise<void> {
    this.chart?.destroy();
    const accent = getComputedStyle(canvas).getPropertyValue('--accent').trim() || '#3056d3';
    this.chart = await drawHoursChart(canvas, perHour, accent);
    this.drawn.set(true);
  }
}
