import { Injectable, signal } from '@angular/core';

export interface Toast {
  id: number;
  kind: 'info' | 'success' | 'error';
  text: string;
}

/** Short messages at the corner of the screen, read out by screen readers (aria-live). */
@Injectable({ providedIn: 'root' })
export class ToastStore {
  private nextId = 1;
  private readonly list = signal<readonly Toast[]>([]);
  readonly toasts = this.list.asReadonly();

  show(text: string, kind: Toast['kind'] = 'info', ms = 6000): void {
    const id = this.nextId++;
    this.list.update((l) => [...l.slice(-3), { id, kind, text }]);
    setTimeout(() => this.dismiss(id), ms);
  }

  dismiss(id: number): void {
    this.list.update((l) => l.filter((t) => t.id !== id));
  }
}
