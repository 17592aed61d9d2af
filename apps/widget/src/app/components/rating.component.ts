import { ChangeDetectionStrategy, Component, inject, computed, input, linkedSignal, output, signal } from '@angular/core';
import { RATING_COMMENT_MAX, type ThreadRating } from '@parley/contracts';
import { I18n } from '../i18n/i18n';

export interface RatingInput {
  score: number;
  comment?: string;
}

/**
 * After a conversation: how was it, 1-5 with an optional comment. Once rated it says thanks and
 * offers to change the rating (the server allows that for 24 hours).
 */
@Component({
  selector: 'pw-rating',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (rating() && !editing()) {
      <div class="rating-done">
        <p role="status">{{ t().ratedThanks(rating()!.score) }}</p>
        <button type="button" class="link" (click)="editing.set(true)">{{ t().changeRating }}</button>
      </div>
    } @else {
      <form class="rating" (submit)="send($event)">
        <fieldset>
          <legend>{{ t().howWasIt }}</legend>
          <div class="stars">
            @for (n of scores; track n) {
              <label class="star" [class.on]="n <= shown()" (mouseenter)="hover.set(n)" (mouseleave)="hover.set(0)">
                <input type="radio" name="pw-score" class="sr-only" [value]="n" [checked]="score() === n" (change)="score.set(n)" />
                <span aria-hidden="true">★</span>
                <span class="sr-only">{{ stars(n) }}, {{ t().ratingWords[n] }}</span>
              </label>
            }
          </div>
          @if (score()) {
            <p class="rating-word" aria-hidden="true">{{ t().ratingWords[score()] }}</p>
          }
        </fieldset>
        <label class="rating-comment" for="pw-rating-comment">{{ t().anythingToAdd }}</label>
        <textarea id="pw-rating-comment" rows="2" [maxLength]="commentMax" [value]="comment()" (input)="comment.set($any($event.target).value)"></textarea>
        @if (error()) {
          <p class="problem" role="alert">{{ error() }}</p>
        }
        <button type="submit" class="secondary" [disabled]="!score() || busy()">{{ rating() ? t().updateRating : t().sendRating }}</button>
      </form>
    }
  `,
})
export class RatingComponent {
  protected readonly t = inject(I18n).t;
  readonly rating = input<ThreadRating | null>(null);
  readonly busy = input(false);
  readonly error = input<string | null>(null);
  readonly rated = output<RatingInput>();

  protected readonly scores = [1, 2, 3, 4, 5];
  private readonly i18n = inject(I18n);
  /** "3 stars out of 5", in the plural form of the visitor's language. */
  protected readonly stars = (n: number) => this.i18n.plural(this.t().stars, n);
  protected readonly commentMax = RATING_COMMENT_MAX;
  /** Starts from the stored rating, so changing it begins where the visitor left it. */
  protected readonly score = linkedSignal(() => this.rating()?.score ?? 0);
  protected readonly comment = linkedSignal(() => this.rating()?.comment ?? '');
  protected readonly hover = signal(0);
  protected readonly shown = computed(() => this.hover() || this.score());
  /** A new rating from the server closes the form again. */
  protected readonly editing = linkedSignal({ source: this.rating, computation: () => false });

  protected send(event: Event): void {
    event.preventDefault();
    const score = this.score();
    if (!score || this.busy()) return;
    const comment = this.comment().trim();
    this.rated.emit(comment ? { score, comment } : { score });
  }
}
