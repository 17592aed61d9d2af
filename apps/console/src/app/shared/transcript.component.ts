import {
  afterRenderEffect,
  ChangeDetectionStrategy,
  Component,
  computed,
  type ElementRef,
  input,
  output,
  viewChild,
} from '@angular/core';
import type { Message, Note } from '@parley/contracts';
import type { OutgoingMessage } from '@parley/realtime-client';
import { formatDateTime, formatTime } from '../core/time/clock';
import { AttachmentsComponent } from './files/attachments.component';
import { HighlightPipe } from './highlight';
import { IconComponent } from './icon.component';

/** Scrolled within this distance of the end, the transcript follows new messages. */
const STICK_PX = 120;

/**
 * A thread's transcript: visitor messages on the left, agents' on the right, system notes in the
 * middle, then this agent's messages that are still on their way (sending, or failed with a
 * retry). Bodies are interpolated, so they are always text, never markup; names and bodies take
 * their direction from their own text and are isolated, so a U+202E in them cannot reorder the page.
 */
@Component({
  selector: 'app-transcript',
  imports: [AttachmentsComponent, HighlightPipe, IconComponent],
  template: `
    <div class="scroller" #scroller role="log" aria-live="polite" aria-relevant="additions" [attr.aria-label]="label()" tabindex="0" (scroll)="onScroll()">
      @if (loading()) {
        <p class="empty">Loading the conversation…</p>
      } @else if (messages().length === 0 && notes().length === 0 && outgoing().length === 0) {
        <p class="empty">No messages yet.</p>
      }
      <ol class="messages">
        @for (e of entries(); track e.key) {
          @if (e.note; as n) {
            <li class="note" [attr.data-note-seq]="n.noteSeq" data-testid="note">
              <div class="meta">
                <span class="note-label"><app-icon name="shield" [size]="12" /> Private note</span>
                <span class="author" dir="auto">{{ noteAuthor(n) }}</span>
                <time [attr.datetime]="n.createdAt" [title]="dateTime(n.createdAt)">{{ time(n.createdAt) }}</time>
              </div>
              <div class="bubble" dir="auto"><span class="sr-only">Private note: </span>{{ n.body }}</div>
            </li>
          } @else if (e.message; as m) {
          @switch (m.authorType) {
            @case ('system') {
              <li class="system" [attr.data-seq]="m.seq"><span>{{ m.body }}</span> <time [attr.datetime]="m.createdAt">{{ time(m.createdAt) }}</time></li>
            }
            @default {
              <li class="msg" [class.theirs]="m.authorType === 'visitor'" [class.ours]="m.authorType !== 'visitor'"
                  [class.bot]="m.authorType === 'bot'" [attr.data-seq]="m.seq" data-testid="message">
                <div class="meta">
                  <span class="author" dir="auto">{{ authorLabel(m) }}</span>
                  <time [attr.datetime]="m.createdAt" [title]="dateTime(m.createdAt)">{{ time(m.createdAt) }}</time>
                  @if (m.authorType === 'agent' && m.authorId === meId()) {
                    <span class="state sent" title="Sent"><app-icon name="check" [size]="12" /><span class="sr-only">Sent</span></span>
                  }
                </div>
                @if (m.body) {
                  <div class="bubble" dir="auto">@for (p of m.body | highlight: highlight() : highlightWords(); track $index) {@if (p.hit) {<mark>{{ p.text }}</mark>} @else {<ng-container>{{ p.text }}</ng-container>}}</div>
                }
                @if (m.attachments.length > 0) {
                  <app-attachments [attachments]="m.attachments" />
                }
                @if (m.seq === seenAt()) {
                  <div class="seen" data-testid="seen">Seen</div>
                }
              </li>
            }
          }
          }
        }
        @for (o of outgoing(); track o.clientMsgId) {
          <li class="msg ours outgoing" [class.failed]="o.state === 'failed'" data-testid="outgoing">
            <div class="meta">
              <span class="author">You</span>
              @if (o.state === 'pending') {
                <span class="state pending"><app-icon name="clock" [size]="12" /> {{ connectionDown() ? 'Waiting for the connection…' : 'Sending…' }}</span>
              } @else {
                <span class="state failed"><app-icon name="alert" [size]="12" /> Not sent{{ o.error ? ': ' + o.error.message : '' }}</span>
              }
            </div>
            @if (o.body) {
              <div class="bubble" dir="auto">{{ o.body }}</div>
            }
            @for (a of o.attachments ?? []; track a.id) {
              <div class="bubble file-pending" dir="auto">{{ a.name }}</div>
            }
            @if (o.state === 'failed') {
              <div class="failed-actions">
                <button type="button" class="btn btn-small" (click)="retry.emit(o.clientMsgId)"><app-icon name="retry" [size]="14" /> Retry</button>
                <button type="button" class="btn btn-small btn-ghost" (click)="discard.emit(o.clientMsgId)">Discard</button>
              </div>
            }
          </li>
        }
      </ol>
    </div>
  `,
  styleUrl: './transcript.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TranscriptComponent {
  readonly messages = input.required<readonly Message[]>();
  /** The thread's private notes: shown among the messages by time, marked as notes only agents see. */
  readonly notes = input<readonly Note[]>([]);
  readonly outgoing = input<readonly OutgoingMessage[]>([]);
  readonly meId = input<string | null>(null);
  readonly visitorName = input('Visitor');
  readonly loading = input(false);
  /** The connection is down: unsent messages say they wait for it rather than "Sending…". */
  readonly connectionDown = input(false);
  /** A search term: its places in the messages are marked, and the transcript opens on the first. */
  readonly highlight = input<string | null>(null);
  /** The search's words, each marked too (a search matches its words anywhere in a message). */
  readonly highlightWords = input<readonly string[]>([]);
  /** Read receipts: the highest seq the visitor has read; "Seen" goes under the last message at or before it. */
  readonly visitorReadSeq = input(0);
  readonly retry = output<string>();
  readonly discard = output<string>();

  private readonly scroller = viewChild.required<ElementRef<HTMLElement>>('scroller');
  private readonly count = computed(() => this.messages().length + this.notes().length + this.outgoing().length);
  /** Messages in seq order with the notes placed by time (a note goes after messages of the same instant). */
  protected readonly entries = computed(() => {
    const out: { key: string; message?: Message; note?: Note }[] = [];
    const notes = [...this.notes()];
    for (const m of this.messages()) {
      while (notes.length > 0 && notes[0].createdAt < m.createdAt) {
        const n = notes.shift() as Note;
        out.push({ key: `n${n.id}`, note: n });
      }
      out.push({ key: `m${m.seq}`, message: m });
    }
    for (const n of notes) out.push({ key: `n${n.id}`, note: n });
    return out;
  });
  /** The seq of the last visitor-visible message the visitor has read (system notes are not shown to it as messages). */
  protected readonly seenAt = computed(() => {
    const read = this.visitorReadSeq();
    if (read <= 0) return null;
    let at: number | null = null;
    for (const m of this.messages()) if (m.seq <= read && m.authorType !== 'system' && m.authorType !== 'visitor') at = m.seq;
    return at;
  });
  protected readonly label = computed(() => `Conversation with ${this.visitorName()}`);
  private lastCount = 0;
  /** Whether the agent is at the end of the transcript (then it follows new messages). */
  private stick = true;

  protected readonly time = formatTime;
  protected readonly dateTime = formatDateTime;

  constructor() {
    // Follow new messages when the agent is at the end; leave the scroll alone when reading back.
    afterRenderEffect({
      write: () => {
        const count = this.count();
        const grew = count > this.lastCount;
        const first = this.lastCount === 0;
        // Fewer than before: another thread is shown; start at its end.
        if (count < this.lastCount) this.stick = true;
        this.lastCount = count;
        if (!grew || !this.stick) return;
        const el = this.scroller().nativeElement;
        // Opened from a search: on the first place it matched, not at the end.
        const mark = first && this.highlight() ? el.querySelector('mark') : null;
        if (mark) {
          mark.scrollIntoView({ block: 'center' });
          this.stick = false;
        } else el.scrollTop = el.scrollHeight;
      },
    });
  }

  protected onScroll(): void {
    const el = this.scroller().nativeElement;
    this.stick = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
  }

  protected noteAuthor(n: Note): string {
    if (n.authorType === 'agent' && n.authorId === this.meId()) return 'You';
    if (n.authorType === 'bot') return `${n.authorName ?? 'Integration'} · integration`;
    return n.authorName ?? 'Agent';
  }

  protected authorLabel(m: Message): string {
    if (m.authorType === 'agent' && m.authorId === this.meId()) return 'You';
    if (m.authorType === 'bot') return `${m.authorName ?? 'Integration'} · integration`;
    return m.authorName ?? (m.authorType === 'visitor' ? this.visitorName() : 'Agent');
  }
}
