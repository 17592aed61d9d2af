import {
  afterNextRender,
  afterRenderEffect,
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  ElementRef,
  inject,
  input,
  output,
  Pipe,
  type PipeTransform,
  signal,
  viewChild,
} from '@angular/core';
import type { Message } from '@parley/contracts';
import type { OutgoingMessage } from '@parley/realtime-client';
import { type TextPart, textParts } from '../links';
import { AttachmentsComponent } from './attachments.component';
import { I18n } from '../i18n/i18n';

/** A message's text and links, worked out once per text. */
@Pipe({ name: 'textParts' })
export class TextPartsPipe implements PipeTransform {
  transform(text: string): TextPart[] {
    return textParts(text);
  }
}

/**
 * The conversation: stored messages in seq order, then the visitor's messages still on their way.
 * Every text is interpolated, so Angular writes it as text: an agent's `<b>` stays visible as `<b>`;
 * only http(s) addresses become links (a new tab, no referrer, no opener, nofollow). A run of one
 * author's messages is grouped: the name once, the bubbles close together.
 * Names and bodies take their direction from their own text (`dir="auto"`) and are isolated, so
 * right-to-left text or a stray U+202E in them cannot reorder the words around them.
 *
 * It is its own scrolling pane. While the reader is at the bottom it stays there as messages come
 * (and as the pane changes size: the popup shown again, a phone's keyboard); once they scrolled up
 * it leaves them there and offers "New messages". What the visitor sends always brings it down.
 */
@Component({
  selector: 'pw-transcript',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [TextPartsPipe, AttachmentsComponent],
  // Focusable, so a keyboard can scroll it when nothing inside it takes the focus (a transcript of text only).
  host: { class: 'scroll', tabindex: '0', role: 'region', '[attr.aria-label]': 't().messagesRegion', '(scroll)': 'scrolled()' },
  template: `
    <ol class="log" #log aria-live="polite" [attr.aria-label]="t().conversationLog">
      @if (greeting().length) {
        <li class="greeting">
          <span class="who" dir="auto">{{ from() ?? t().support }}</span>
          @for (line of greeting(); track $index) {
            <p class="line" dir="auto">{{ line }}</p>
          }
        </li>
      }
      @if (waiting() && !messages().length && !outgoing().length) {
        <li class="next">{{ t().agentWillAnswer }}</li>
      }
      @for (row of rows(); track row.m.seq) {
        @let m = row.m;
        @if (m.authorType === 'system') {
          <li class="sys">{{ m.body }}</li>
        } @else {
          <li class="msg" [class.me]="m.authorType === 'visitor'" [class.cont]="row.cont" [attr.data-seq]="m.seq">
            @if (m.authorType !== 'visitor' && !row.cont) {
              <span class="who" dir="auto">{{ m.authorName ?? t().support }}</span>
            }
            @if (m.body) {
              <p class="body" dir="auto">@for (p of m.body | textParts; track $index) {@if (p.href) {<a [href]="p.href" target="_blank" rel="noopener noreferrer nofollow">{{ p.text }}</a>}@else{<ng-container>{{ p.text }}</ng-container>}}</p>
            }
            @if (m.attachments.length > 0) {
              <pw-attachments [attachments]="m.attachments" />
            }
            <time [attr.datetime]="m.createdAt">{{ time(m.createdAt) }}</time>
          </li>
        }
      }
      @for (o of outgoing(); track o.clientMsgId) {
        <li class="msg me out" [class.failed]="o.state === 'failed'" [class.cont]="$index > 0 || lastIsVisitor()">
          @if (o.body) {
            <p class="body" dir="auto">@for (p of o.body | textParts; track $index) {@if (p.href) {<a [href]="p.href" target="_blank" rel="noopener noreferrer nofollow">{{ p.text }}</a>}@else{<ng-container>{{ p.text }}</ng-container>}}</p>
          }
          @for (a of o.attachments ?? []; track a.id) {
            <p class="body file-out" dir="auto">{{ a.name }}</p>
          }
          @if (o.state === 'failed') {
            <span class="state">{{ t().notSent }} <button type="button" class="link" (click)="retry.emit(o.clientMsgId)">{{ t().tryAgain }}</button></span>
          } @else if (cut()) {
            <span class="state">{{ t().waitingForConnection }}</span>
          } @else {
            <span class="state">{{ t().sending }}</span>
          }
        </li>
      }
    </ol>
    @if (typing()) {
      <p class="typing" role="status"><span class="dots" aria-hidden="true"><i></i><i></i><i></i></span><span class="name" dir="auto">{{ typing() }}</span> {{ t().isTyping }}</p>
    }
    @if (unseen()) {
      <button type="button" class="jump" (click)="toEnd()">{{ t().newMessages }}</button>
    }
  `,
})
export class TranscriptComponent {
  protected readonly t = inject(I18n).t;
  readonly messages = input.required<readonly Message[]>();
  readonly outgoing = input<readonly OutgoingMessage[]>([]);
  /** The admin's greeting, at the top of every conversation, from `from` (the widget's title). */
  readonly greeting = input<readonly string[]>([]);
  readonly from = input<string | null>(null);
  /** No agent yet: an empty conversation says what happens next. */
  readonly waiting = input(false);
  /** The agent's name while it types. */
  readonly typing = input<string | null>(null);

  /** No connection now: messages on their way wait for it. */
  readonly cut = input(false);
  /** Whether the popup shows: each time it opens, the pane starts at the end. */
  readonly shown = input(true);
  readonly retry = output<string>();
  private readonly i18n = inject(I18n);

  /** Each message, and whether it carries on a run of its author's (no name again, closer together). */
  protected readonly rows = computed(() =>
    this.messages().map((m, i, all) => {
      const prev = all[i - 1];
      return { m, cont: m.authorType !== 'system' && prev?.authorType === m.authorType && prev.authorId === m.authorId };
    }),
  );
  protected readonly lastIsVisitor = computed(() => this.messages().at(-1)?.authorType === 'visitor');

  /** Messages from others arrived below while the reader was scrolled up. */
  protected readonly unseen = signal(false);
  private readonly pane = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
  private readonly log = viewChild.required<ElementRef<HTMLElement>>('log');
  /** The reader is at the bottom (or has not scrolled yet). */
  private stuck = true;
  private othersSeen = 0;
  private sentSeen = 0;

  constructor() {
    afterRenderEffect(() => {
      if (this.shown()) this.toEnd();
    });
    afterRenderEffect(() => {
      const others = this.messages().filter((m) => m.authorType !== 'visitor').length;
      const sent = this.outgoing().length;
      this.typing();
      const arrived = others > this.othersSeen;
      const sending = sent > this.sentSeen;
      this.othersSeen = others;
      this.sentSeen = sent;
      if (this.stuck || sending) this.toEnd();
      else if (arrived) this.unseen.set(true);
    });
    if (typeof ResizeObserver === 'undefined') return;
    const resized = new ResizeObserver(() => {
      if (this.stuck) this.toEnd();
    });
    afterNextRender(() => {
      resized.observe(this.pane);
      resized.observe(this.log().nativeElement);
    });
    inject(DestroyRef).onDestroy(() => resized.disconnect());
  }

  protected toEnd(): void {
    this.pane.scrollTop = this.pane.scrollHeight;
    this.stuck = true;
    this.unseen.set(false);
  }

  protected scrolled(): void {
    const p = this.pane;
    this.stuck = p.scrollHeight - p.scrollTop - p.clientHeight < 24;
    if (this.stuck) this.unseen.set(false);
  }

  protected time(iso: string): string {
    return this.i18n.time(iso);
  }
}
