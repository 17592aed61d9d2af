import { TestBed } from '@angular/core/testing';
import { settle } from '../../../../testing/fixtures';
import { consoleTestProviders } from '../../../../testing/providers';
import { WidgetSettingsPage } from './widget-settings.page';

describe('WidgetSettingsPage', () => {
  const settings = {
    title: 'Ask us',
    greetingLines: ['Hi!', 'How can we help?'],
    color: '#3056d3',
    allowedOrigins: ['https://shop.example.com'],
    identityRequired: false,
    showVisitorIp: false,
    defaultLocale: 'en',
    translations: {},
    identitySecrets: [] as { id: string; hint: string; createdAt: string }[],
    updatedAt: '2026-01-01T10:00:00.000Z',
  };

  async function render() {
    const { providers, bed } = consoleTestProviders();
    TestBed.configureTestingModule({ providers });
    let current = { ...settings };
    bed.backend.on('GET /widget/settings/admin', () => ({ body: current }));
    bed.backend.on('POST /widget/identity-secrets', () => {
      const created = { id: '0b7c5a4e-3f0a-4c1e-9d7e-2f1a6b8c9d01', hint: 'Zk9q', createdAt: '2026-01-03T10:00:00.000Z', secret: 'the-secret-shown-once-Zk9q' };
      current = { ...current, identitySecrets: [{ id: created.id, hint: created.hint, createdAt: created.createdAt }] };
      return { status: 201, body: created };
    });
    bed.backend.on('PUT /widget/settings', ({ body }) => {
      current = { ...current, ...(body as object), updatedAt: '2026-01-02T10:00:00.000Z' };
      return { body: current };
    });
    const fixture = TestBed.createComponent(WidgetSettingsPage);
    fixture.detectChanges();
    await settle();
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    const set = (selector: string, value: string) => {
      const input = el.querySelector(selector) as HTMLInputElement | HTMLTextAreaElement;
      input.value = value;
      input.dispatchEvent(new Event('input'));
      fixture.detectChanges();
    };
    const save = async () => {
      (el.querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
      await settle();
      fixture.detectChanges();
    };
    return { fixture, el, bed, set, save };
  }

  it('fills the form with what the server has', async () => {
    const { el } = await render();
    expect((el.querySelector('#widget-title') as HTMLInputElement).value).toBe('Ask us');
    expect((el.querySelector('#greeting-1') as HTMLInputElement).value).toBe('How can we help?');
    expect((el.querySelector('#widget-origins') as HTMLTextAreaElement).value).toBe('https://shop.example.com');
    expect(el.querySelector('.preview-header')?.textContent).toBe('Ask us');
  });

  it('saves title, greeting lines (empty ones dropped) and origins, one per line', async () => {
    const { bed, set, save } = await render();
    set('#widget-title', 'Talk to us');
    set('#greeting-1', '');
    set('#widget-origins', 'https://shop.example.com\nhttps://blog.example.com/');
    await save();
    expect(bed.backend.callsTo('PUT /widget/settings')[0].body).toEqual({
      title: 'Talk to us',
      greetingLines: ['Hi!'],
      color: '#3056d3',
      allowedOrigins: ['https://shop.example.com', 'https://blog.example.com'],
    });
  });

  it('generates an identity secret shown once, lists it by hint and switches "identity required" keeping the rest', async () => {
    const { el, bed, fixture } = await render();
    expect(el.querySelector('.secrets')?.textContent).toContain('No secret yet');
    (Array.from(el.querySelectorAll('button')).find((b) => b.textContent?.includes('Generate a secret')) as HTMLButtonElement).click();
    await settle();
    fixture.detectChanges();
    expect(el.querySelector('.secret-value')?.textContent).toBe('the-secret-shown-once-Zk9q');
    expect(el.querySelector('.secrets')?.textContent).toContain('…Zk9q');
    const box = el.querySelector('#identity-required') as HTMLInputElement;
    box.checked = true;
    box.dispatchEvent(new Event('change'));
    await settle();
    fixture.detectChanges();
    expect(bed.backend.callsTo('PUT /widget/settings')[0].body).toEqual({
      title: 'Ask us',
      greetingLines: ['Hi!', 'How can we help?'],
      color: '#3056d3',
      allowedOrigins: ['https://shop.example.com'],
      identityRequired: true,
    });
    expect((el.querySelector('#identity-required') as HTMLInputElement).checked).toBe(true);
  });

  it("lets the admin show agents the visitor's IP address, leaving the rest of the settings as they are", async () => {
    const { el, bed, fixture } = await render();
    const box = el.querySelector('#show-visitor-ip') as HTMLInputElement;
    expect(box.checked).toBe(false);
    box.checked = true;
    box.dispatchEvent(new Event('change'));
    await settle();
    fixture.detectChanges();
    expect(bed.backend.callsTo('PUT /widget/settings')[0].body).toEqual({
      title: 'Ask us',
      greetingLines: ['Hi!', 'How can we help?'],
      color: '#3056d3',
      allowedOrigins: ['https://shop.example.com'],
      showVisitorIp: true,
    });
    expect((el.querySelector('#show-visitor-ip') as HTMLInputElement).checked).toBe(true);
  });

  it('refuses an origin that is not one, naming the line', async () => {
    const { el, bed, set, save } = await render();
    set('#widget-origins', 'https://shop.example.com\nshop.example.com/path');
    await save();
    expect(bed.backend.callsTo('PUT /widget/settings')).toHaveLength(0);
    expect(el.textContent).toContain('Line 2 (shop.example.com/path)');
  });

  it('saves the default language and the texts per language (empty ones dropped), keeping the rest, and names a field too long', async () => {
    const { el, bed, set, fixture } = await render();
    const langForm = el.querySelector('form.languages-card') as HTMLFormElement;
    const submit = async () => {
      langForm.dispatchEvent(new Event('submit'));
      await settle();
      fixture.detectChanges();
    };
    const select = el.querySelector('#default-locale') as HTMLSelectElement;
    select.value = 'de';
    select.dispatchEvent(new Event('change'));
    set('#lang-title-de', 'Fragen Sie uns');
    set('#lang-greeting-ar', 'أهلًا بك!\n\n  كيف يمكننا مساعدتك؟ ');
    expect(el.querySelector('#lang-greeting-ar')?.getAttribute('dir')).toBe('rtl');
    await submit();
    expect(bed.backend.callsTo('PUT /widget/settings')[0].body).toEqual({
      title: 'Ask us',
      greetingLines: ['Hi!', 'How can we help?'],
      color: '#3056d3',
      allowedOrigins: ['https://shop.example.com'],
      defaultLocale: 'de',
      translations: { de: { title: 'Fragen Sie uns' }, ar: { greetingLines: ['أهلًا بك!', 'كيف يمكننا مساعدتك؟'] } },
    });
    set('#lang-closed-fr', 'x'.repeat(201));
    await submit();
    expect(bed.backend.callsTo('PUT /widget/settings')).toHaveLength(1);
    expect(el.querySelector('#lang-closed-fr')?.getAttribute('aria-invalid')).toBe('true');
  });
});
