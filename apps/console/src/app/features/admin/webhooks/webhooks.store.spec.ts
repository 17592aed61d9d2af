import { TestBed } from '@angular/core/testing';
import { consoleTestProviders } from '../../../../testing/providers';
import { WebhooksStore } from './webhooks.store';

describe('WebhooksStore', () => {
  const listed = {
    id: '44444444-4444-4444-8444-444444444444',
    url: 'https://crm.example.com/parley',
    description: null,
    events: ['thread.created'],
    enabled: true,
    disabledReason: null,
    disabledAt: null,
    previousSecretExpiresAt: null,
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:00:00.000Z',
  };

  it('holds a new endpoint’s secret only until it is dismissed, and never lists it', async () => {
    const { providers, bed } = consoleTestProviders();
    TestBed.configureTestingModule({ providers: [...providers, WebhooksStore] });
    bed.backend.on('POST /webhooks', { status: 201, body: { ...listed, secret: 'whsec_secret' } });
    const store = TestBed.inject(WebhooksStore);
    await store.create({ url: listed.url, events: ['thread.created'] });
    expect(store.created()?.secret).toBe('whsec_secret');
    expect(store.webhooks()).toEqual([listed]);
    store.dismissCreated();
    expect(store.created()).toBeNull();
    expect(bed.session.length + bed.local.length).toBe(0);
  });

  it('turns an endpoint off and shows its delivery log', async () => {
    const { providers, bed } = consoleTestProviders();
    TestBed.configureTestingModule({ providers: [...providers, WebhooksStore] });
    bed.backend.on('GET /webhooks', { body: [listed] });
    bed.backend.on('PATCH /webhooks/:id', { body: { ...listed, enabled: false } });
    bed.backend.on('GET /webhooks/:id/deliveries', { body: { items: [] } });
    const store = TestBed.inject(WebhooksStore);
    await store.load();
    expect(await store.setEnabled(listed.id, false)).toBeNull();
    expect(store.webhooks()[0].enabled).toBe(false);
    expect(await store.showDeliveries(listed.id)).toBeNull();
    expect(store.deliveries()).toEqual({ webhookId: listed.id, items: [] });
  });
});
