import { TestBed } from '@angular/core/testing';
import { consoleTestProviders } from '../../../../testing/providers';
import { ApiKeysStore } from './api-keys.store';

describe('ApiKeysStore', () => {
  const listed = {
    id: '33333333-3333-4333-8333-333333333333',
    name: 'CRM',
    prefix: 'abcd1234',
    scopes: ['threads:read'],
    createdAt: '2026-01-01T10:00:00.000Z',
    expiresAt: null,
    lastUsedAt: null,
    lastUsedIp: null,
    rotatedAt: null,
    revokedAt: null,
  };

  it('holds a new key’s secret only until it is dismissed, and never lists it', async () => {
    const { providers, bed } = consoleTestProviders();
    TestBed.configureTestingModule({ providers: [...providers, ApiKeysStore] });
    bed.backend.on('POST /api-keys', { status: 201, body: { ...listed, key: 'prk_abcd1234_secret' } });
    const store = TestBed.inject(ApiKeysStore);
    await store.create({ name: 'CRM', scopes: ['threads:read'] });
    expect(store.created()?.key).toBe('prk_abcd1234_secret');
    expect(store.keys()).toEqual([listed]);
    store.dismissCreated();
    expect(store.created()).toBeNull();
    expect(bed.session.length + bed.local.length).toBe(0);
  });

  it('marks a revoked key', async () => {
    const { providers, bed } = consoleTestProviders();
    TestBed.configureTestingModule({ providers: [...providers, ApiKeysStore] });
    bed.backend.on('GET /api-keys', { body: [listed] });
    bed.backend.on('DELETE /api-keys/:id', { body: { ...listed, revokedAt: '2026-01-02T10:00:00.000Z' } });
    const store = TestBed.inject(ApiKeysStore);
    await store.load();
    expect(await store.revoke(listed.id)).toBeNull();
    expect(store.keys()[0].revokedAt).not.toBeNull();
  });

  it('shows a rotated key’s new secret once and lists it under the new prefix', async () => {
    const { providers, bed } = consoleTestProviders();
    TestBed.configureTestingModule({ providers: [...providers, ApiKeysStore] });
    const rotated = { ...listed, prefix: 'ffff0000', rotatedAt: '2026-01-03T10:00:00.000Z' };
    bed.backend.on('GET /api-keys', { body: [listed] });
    bed.backend.on('POST /api-keys/:id/rotate', { body: { ...rotated, key: 'prk_ffff0000_new' } });
    const store = TestBed.inject(ApiKeysStore);
    await store.load();
    expect(await store.rotate(listed.id)).toBeNull();
    expect(store.created()?.key).toBe('prk_ffff0000_new');
    expect(store.keys()).toEqual([rotated]);
  });
});
