import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, type ElementRef, inject, viewChild } from '@angular/core';
import { SHORTCUTS, ShortcutsService } from '../core/shortcuts/shortcuts.service';

/**
 * The `?` overlay: a modal dialog listing the keyboard shortcuts, the ones the page in view
 * handles marked as such. Escape or the button closes it and the focus goes back where it was.
 */
@Component({
  selector: 'app-shortcuts-help',
  template: `
    <dialog #dialog class="shortcuts-dialog" aria-labelledby="shortcuts-title" (close)="restoreFocus()" data-testid="shortcuts-help">
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <p class="lead">Single keys work when you are not typing in a field; press <kbd>Esc</kbd> to leave the reply box.</p>
      <table class="table">
        <thead><tr><th scope="col">Action</th><th scope="col">Keys</th></tr></thead>
        <tbody>
          @for (s of list; track s.action) {
            @if (s.action !== 'toggleNoteMode' || shortcuts.actions().has(s.action)) {
              <tr [class.unavailable]="!shortcuts.actions().has(s.action)">
                <td>{{ s.label }}@if (!shortcuts.actions().has(s.action)) { <span class="muted"> (not on this page)</span> }</td>
                <td>
                  @for (k of s.shown; track k; let last = $last) { <kbd>{{ k }}</kbd>@if (!last) { <span class="or"> or </span> } }
                </td>
              </tr>
            }
          }
        </tbody>
      </table>
      <form method="dialog" class="form-actions">
        <button type="submit" class="btn btn-primary">Close</button>
      </form>
    </dialog>
  `,
  styles: `
    .shortcuts-dialog { border: 1px solid var(--border); border-radius: 12px; padding: 20px 24px; max-width: 560px; width: calc(100% - 32px);
      background: var(--surface); color: var(--text); box-shadow: 0 20px 50px rgb(15 23 42 / 25%); }
    .shortcuts-dialog::backdrop { background: rgb(15 23 42 / 40%); }
    h2 { margin: 0 0 6px; font-size: 18px; }
    .lead { margin: 0 0 12px; color: var(--text-muted); font-size: 13px; }
    kbd { font: inherit; font-size: 12px; border: 1px solid var(--border-strong); border-bottom-width: 2px; border-radius: 4px; padding: 0 5px; background: var(--surface-subtle); }
    .unavailable td:first-child { color: var(--text-muted); }
    .or { color: var(--text-muted); font-size: 12px; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ShortcutsHelpComponent {
  protected readonly shortcuts = inject(ShortcutsService);
  protected readonly list = SHORTCUTS;
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');
  private readonly document = inject(DOCUMENT);
  private returnTo: HTMLElement | null = null;

  constructor() {
    const off = this.shortcuts.register('showHelp', () => this.open());
    inject(DestroyRef).onDestroy(off);
  }

  open(): void {
    const dialog = this.dialog().nativeElement;
    if (dialog.open) return;
    this.returnTo = this.document.activeElement as HTMLElement | null;
    dialog.showModal();
  }

  protected restoreFocus(): void {
    this.returnTo?.focus?.();
    this.returnTo = null;
  }
}
