import { ChangeDetectionStrategy, Component, effect, inject, signal, untracked } from '@angular/core';
import { localeDir, UpdateWidgetSettingsRequestSchema, WIDGET_LOCALES, type WidgetLocale, type WidgetTranslation } from '@parley/contracts';
import { describeError } from '../../../core/api/api-error';
import { ToastStore } from '../../../core/ui/toast.store';
import { type FieldErrors, schemaErrors, serverErrors } from '../../../shared/form-errors';
import { WidgetSettingsStore } from './widget-settings.store';

/** Each language by its English name and its own. */
export const LANGUAGE_NAMES: Readonly<Record<WidgetLocale, string>> = {
  en: 'English',
  de: 'German (Deutsch)',
  fr: 'French (Français)',
  es: 'Spanish (Español)',
  pt: 'Portuguese (Português)',
  hi: 'Hindi (हिन्दी)',
  ar: 'Arabic (العربية)',
};

interface Texts {
  title: string;
  /** One greeting line per line of text. */
  greeting: string;
  closedMessage: string;
}

const empty = (): Texts => ({ title: '', greeting: '', closedMessage: '' });

/**
 * Admin → Widget → Languages: the site's default language (what the widget speaks when neither the
 * page nor the browser asks for one it knows) and, per language, the title, greeting and closed
 * message a visitor in that language sees instead of the default ones. A field left empty shows
 * the default text. Fields take the direction of their language (Arabic right to left).
 */
@Component({
  selector: 'app-widget-languages',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="card form-grid languages-card" (submit)="$event.preventDefault(); save()" novalidate aria-labelledby="languages-title">
      <h2 id="languages-title" class="card-title">Languages</h2>
      <p class="field-hint">
        The widget speaks the language the page asks for (<code>ParleySettings.locale</code>), else the visitor's browser language, else the default
        below. Its own texts come translated; your title, greeting and closed message can be written per language (empty: the default text).
      </p>
      <div class="field">
        <label for="default-locale">Default language</label>
        <select id="default-locale" [value]="defaultLocale()" (change)="defaultLocale.set($any($event.target).value)">
          @for (l of locales; track l) {
            <option [value]="l" [selected]="l === defaultLocale()">{{ names[l] }}</option>
          }
        </select>
        @if (errors()['defaultLocale']; as e) { <p class="field-error">{{ e }}</p> }
      </div>
      @for (l of locales; track l) {
        <details class="language" [attr.data-locale]="l" [open]="hasTexts(l)">
          <summary>{{ names[l] }}@if (hasTexts(l)) { <span class="muted small"> · own texts</span> }</summary>
          <div class="field">
            <label [for]="'lang-title-' + l">Title in {{ names[l] }}</label>
            <input [id]="'lang-title-' + l" [attr.lang]="l" [attr.dir]="dir(l)" maxlength="60" [value]="texts()[l].title"
              (input)="set(l, 'title', $any($event.target).value)" [attr.aria-invalid]="!!errors()['translations.' + l + '.title']" />
            @if (errors()['translations.' + l + '.title']; as e) { <p class="field-error">{{ e }}</p> }
          </div>
          <div class="field">
            <label [for]="'lang-greeting-' + l">Greeting in {{ names[l] }} (one line per line, up to three)</label>
            <textarea [id]="'lang-greeting-' + l" rows="3" [attr.lang]="l" [attr.dir]="dir(l)" [value]="texts()[l].greeting"
              (input)="set(l, 'greeting', $any($event.target).value)" [attr.aria-invalid]="!!greetingError(l)"></textarea>
            @if (greetingError(l); as e) { <p class="field-error">{{ e }}</p> }
          </div>
          <div class="field">
            <label [for]="'lang-closed-' + l">Closed message in {{ names[l] }}</label>
            <input [id]="'lang-closed-' + l" [attr.lang]="l" [attr.dir]="dir(l)" maxlength="200" [value]="texts()[l].closedMessage"
              (input)="set(l, 'closedMessage', $any($event.target).value)" [attr.aria-invalid]="!!errors()['translations.' + l + '.closedMessage']" />
            @if (errors()['translations.' + l + '.closedMessage']; as e) { <p class="field-error">{{ e }}</p> }
          </div>
        </details>
      }
      @if (formError()) { <p class="form-error" role="alert">{{ formError() }}</p> }
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" [disabled]="saving()">{{ saving() ? 'Saving…' : 'Save languages' }}</button>
      </div>
    </form>
  `,
  styles: `
    .language { border: 1px solid var(--border); border-radius: 8px; padding: 8px 12px; margin-bottom: 8px; }
    .language summary { cursor: pointer; font-weight: 600; }
    .language[open] summary { margin-bottom: 8px; }
  `,
})
export class WidgetLanguagesComponent {
  private readonly store = inject(WidgetSettingsStore);
  private readonly toasts = inject(ToastStore);
  protected readonly locales = WIDGET_LOCALES;
  protected readonly names = LANGUAGE_NAMES;
  protected readonly dir = localeDir;
  protected readonly defaultLocale = signal<WidgetLocale>('en');
  protected readonly texts = signal<Record<WidgetLocale, Texts>>(Object.fromEntries(WIDGET_LOCALES.map((l) => [l, empty()])) as Record<WidgetLocale, Texts>);
  protected readonly errors = signal<FieldErrors>({});
  protected readonly formError = signal<string | null>(null);
  protected readonly saving = signal(false);

  constructor() {
    effect(() => {
      const s = this.store.settings();
      if (!s) return;
      untracked(() => {
        this.defaultLocale.set(s.defaultLocale);
        this.texts.set(
          Object.fromEntries(
            WIDGET_LOCALES.map((l) => {
              const t = s.translations[l];
              return [l, { title: t?.title ?? '', greeting: (t?.greetingLines ?? []).join('\n'), closedMessage: t?.closedMessage ?? '' }];
            }),
          ) as Record<WidgetLocale, Texts>,
        );
      });
    });
  }

  protected hasTexts(l: WidgetLocale): boolean {
    const t = this.texts()[l];
    return !!(t.title.trim() || t.greeting.trim() || t.closedMessage.trim());
  }

  protected set(l: WidgetLocale, field: keyof Texts, value: string): void {
    this.texts.update((all) => ({ ...all, [l]: { ...all[l], [field]: value } }));
  }

  protected greetingError(l: WidgetLocale): string | null {
    const e = this.errors();
    const key = Object.keys(e).find((k) => k.startsWith(`translations.${l}.greetingLines`));
    return key ? e[key] : null;
  }

  protected async save(): Promise<void> {
    const s = this.store.settings();
    if (!s) return;
    const translations: Partial<Record<WidgetLocale, WidgetTranslation>> = {};
    for (const l of WIDGET_LOCALES) {
      const t = this.texts()[l];
      const lines = t.greeting.split('\n').map((x) => x.trim()).filter(Boolean);
      const entry: WidgetTranslation = {
        ...(t.title.trim() ? { title: t.title } : {}),
        ...(lines.length ? { greetingLines: lines } : {}),
        ...(t.closedMessage.trim() ? { closedMessage: t.closedMessage } : {}),
      };
      if (Object.keys(entry).length) translations[l] = entry;
    }
    const { title, greetingLines, color, allowedOrigins } = s;
    const parsed = UpdateWidgetSettingsRequestSchema.safeParse({ title, greetingLines, color, allowedOrigins, defaultLocale: this.defaultLocale(), translations });
    this.errors.set(schemaErrors(parsed));
    this.formError.set(null);
    if (!parsed.success) return;
    this.saving.set(true);
    try {
      await this.store.save(parsed.data);
      this.toasts.show('Languages saved.', 'success');
    } catch (err) {
      this.errors.set(serverErrors(err));
      this.formError.set(describeError(err));
    } finally {
      this.saving.set(false);
    }
  }
}
