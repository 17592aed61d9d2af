import { TestBed } from '@angular/core/testing';
import type { ConnectionState, OutgoingMessage, RealtimeClientOptions } from '@parley/realtime-client';
import { fakeJwt, ME } from '../../../testing/fixtures';
import { consoleTestProviders, signIn } from '../../../testing/providers';
import { AuthToken } from '../session/auth-token';
import { StorageKeys } from '../storage/browser-storage';
import { REALTIME_CLIENT_FACTORY, RealtimeService } from './realtime.service';

class FakeClient {
  stateListener: (s: ConnectionState) => void = () => undefined;
  slowDownListener: (slowDown: boolean) => void = () => undefined;
  connected = false;
  disconnected = false;
  constructor(readonly options: RealtimeClientOptions) {}
  onState(l: (s: ConnectionState) => void) {
    this.stateListener = l;
    l('idle');
    return () => undefined;
  }
  onSlowDown(l: (slowDown: boolean) => void) {
    this.slowDownListener = l;
    l(false);
    return () => undefined;
  }
  connect() {
    this.connected = true;
    this.stateListener('connecting');
  }
  disconnect() {
    this.disconnected = true;
  }
  pending() {
    return this.options.storage?.load() ?? [];
  }
}

describe('RealtimeService', () => {
  async function setup() {
    const { providers, bed } = consoleTestProviders();
    let client!: FakeClient;
    TestBed.configureTestingModule({
      providers: [
        ...providers.filter((p) => (p as { provide?: unknown }).provide !== RealtimeService),
        RealtimeService,
        { provide: REALTIME_CLIENT_FACTORY, useValue: (o: RealtimeClientOptions) => (client = new FakeClient(o)) },
      ],
    });
    await signIn(bed);
    const service = TestBed.inject(RealtimeService);
    return { bed, service, client: () => client };
  }

  it('connects with the current token and shows no banner once connected', async () => {
    const { service, client } = await setup();
    expect(client().connected).toBe(true);
    expect(client().options.getToken()).toBe(TestBed.inject(AuthToken).token());
    client().stateListener('connected');
    expect(service.banner()).toBeNull();
    expect(service.connectionCount()).toBe(1);
  });

  it('follows the slow-down the server imposes on sending', async () => {
    const { service, client } = await setup();
    expect(service.slowDown()).toBe(false);
    client().slowDownListener(true);
    expect(service.slowDown()).toBe(true);
    client().slowDownListener(false);
    expect(service.slowDown()).toBe(false);
  });

  it('shows the banner while reconnecting, then says it is back, and counts the reconnection', async () => {
    const { service, client } = await setup();
    client().stateListener('connected');
    client().stateListener('reconnecting');
    expect(service.banner()).toBe('reconnecting');
    client().stateListener('connected');
    expect(service.banner()).toBe('restored');
    expect(service.connectionCount()).toBe(2);
  });

  it('says the agent is offline as soon as the browser does, while the socket still looks connected', async () => {
    const { service, client } = await setup();
    client().stateListener('connected');
    globalThis.dispatchEvent(new Event('offline'));
    expect(service.banner()).toBe('offline');
    expect(service.down()).toBe(true);
    globalThis.dispatchEvent(new Event('online'));
    expect(service.banner()).toBeNull();
    expect(service.down()).toBe(false);
  });

  it('keeps unsent messages in sessionStorage, per agent', async () => {
    const { bed, service, client } = await setup();
    const item: OutgoingMessage = { threadId: 't', clientMsgId: 'c1', body: 'hi', state: 'pending', createdAt: new Date().toISOString() };
    client().options.storage?.save([item]);
    expect(JSON.parse(bed.session.getItem(StorageKeys.outbox(ME.id)) ?? '[]')).toEqual([item]);
    expect(service.unsent()).toBe(1);
  });

  it('reports a refused socket token to the session', async () => {
    const { client } = await setup();
    TestBed.inject(AuthToken).set(fakeJwt(600));
    client().options.onUnauthorized?.('TOKEN_EXPIRED');
    expect(TestBed.inject(AuthToken).refused()).toBe('expired');
  });

  it('reports a deactivated account as such', async () => {
    const { client } = await setup();
    TestBed.inject(AuthToken).set(fakeJwt(600));
    client().options.onUnauthorized?.('ACCOUNT_DEACTIVATED');
    expect(TestBed.inject(AuthToken).refused()).toBe('deactivated');
  });

  it('disconnects when the signed-in shell goes away', async () => {
    const { client } = await setup();
    TestBed.resetTestingModule();
    expect(client().disconnected).toBe(true);
  });
});
