import { ChangeDetectionStrategy, Component, computed, input, linkedSignal, output, signal } from '@angular/core';
import { RATING_COMMENT_MAX, type ThreadRating } from '@parley/contracts';

export interface RatingInput {
  score: number;
  comment?: string;
}

const WORDS = ['', 'Very bad', 'Bad', 'OK', 'Good', 'Great'];

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
        <p role="status">Thank you! You rated this conversation {{ rating()!.score }} out of 5.</p>
        <button type="button" class="link" (click)="editing.set(true)">Change your rating</button>
      </div>
    } @else {
      <form class="rating" (submit)="send($event)">
        <fieldset>
          <legend>How was this conversation?</legend>
          <div class="stars">
            @for (n of scores; track n) {
              <label class="star" [class.on]="n <= shown()" (mouseenter)="hover.set(n)" (mouseleave)="hover.set(0)">
                <input type="radio" name="pw-score" class="sr-only" [value]="n" [checked]="score() === n" (change)="score.set(n)" />
                <span aria-hidden="true">★</span>
                <span class="sr-only">{{ n }} out of 5, {{ words[n] }}</span>
              </label>
            }
          </div>
          @if (score()) {
            <p class="rating-word" aria-hidden="true">{{ words[score()] }}</p>
          }
        </fieldset>
        <label class="rating-comment" for="pw-rating-comment">Anything to add? (optional)</label>
        <textarea id="pw-rating-comment" rows="2" [maxLength]="commentMax" [value]="comment()" (input)="comment.set($any($event.target).value)"></textarea>
        @if (error()) {
          <p class="problem" role="alert">{{ error() }}</p>
        }
        <button type="submit" class="secondary" [disabled]="!score() || busy()">{{ rating() ? 'Update rating' : 'Send rating' }}</button>
      </form>
    }
  `,
})
export class RatingComponent {
  readonly rating = input<ThreadRating | null>(null);
  readonly busy = input(false);
  readonly error = input<string | null>(null);
  readonly rated = output<RatingInput>();

  protected readonly scores = [1, 2, 3, 4, 5];
  protected readonly words = WORDS;
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
